import Foundation
import OmniMessaging
import OrdersContracts
import OmniPersistence
import PostgresNIO

/// An order row: the order itself and where its saga stands.
struct OrderRecord: Sendable {
    var orderId: String
    var status: OrderStatus
    var sagaStep: SagaStep
    var sagaDeadline: Date?
    var channel: String
    var storeId: String?
    var customerId: String?
    var currency: String
    var lines: [OrderLine]
    var promoCodes: [String]
    var fulfilment: OrderFulfilment
    var contact: OrderContact?
    var paymentReference: String
    var subtotalMinor: Int64
    var discountMinor: Int64
    var totalMinor: Int64
    var reservationId: String
    var reserveCommandId: UUID?
    var promotionsCommandId: UUID?
    /// Loyalty points the order spends, what they paid once held, and the hold's command.
    var loyaltyPoints: Int? = nil
    var loyaltyValueMinor: Int64? = nil
    var loyaltyCommandId: UUID? = nil
    /// What promotions applied, once they answered.
    var promotions: [OrderPromotion]? = nil
    /// Catalog sold the goods as it reserved them (a till sale): nothing to commit.
    var stockSold = false
    var pickupCode: String?
    var collectBy: Date?
    var rejectCode: String?
    var rejectMessage: String?
    var correlationId: String?
    var placedAt: Date
    /// The JSON columns as read, so an update rewrites only those a step changed.
    var stored: StoredDocuments? = nil

    /// Its JSON columns as they are now.
    var documents: StoredDocuments { StoredDocuments(lines: lines, fulfilment: fulfilment, contact: contact, promotions: promotions) }

    /// Which JSON columns differ from `stored` (as read; nil: not known, so all of them): an
    /// unchanged one is neither encoded again nor parsed by Postgres. `lines` and `fulfilment`
    /// are nil when unchanged (never NULL in the table); contact and promotions may become NULL.
    func documentChanges(since stored: StoredDocuments?) -> DocumentChanges {
        DocumentChanges(lines: stored?.lines == lines ? nil : lines, fulfilment: stored?.fulfilment == fulfilment ? nil : fulfilment,
                        contactChanged: stored.map { $0.contact != contact } ?? true,
                        promotionsChanged: stored.map { $0.promotions != promotions } ?? true)
    }

    var snapshot: OrderSnapshot {
        OrderSnapshot(orderId: orderId, status: status.rawValue, channel: channel, storeId: storeId, customerId: customerId, currency: currency,
                      lines: lines, promoCodes: promoCodes, fulfilment: fulfilment, contact: contact, subtotalMinor: subtotalMinor,
                      discountMinor: discountMinor, totalMinor: totalMinor, placedAt: placedAt, loyaltyPoints: loyaltyPoints,
                      loyaltyValueMinor: loyaltyValueMinor, promotions: promotions)
    }
}

/// What an update writes of an order's JSON columns (`OrderRecord.documentChanges`).
struct DocumentChanges {
    var lines: [OrderLine]?
    var fulfilment: OrderFulfilment?
    var contactChanged: Bool
    var promotionsChanged: Bool
}

/// An order row's JSON columns as they were read.
struct StoredDocuments: Sendable {
    var lines: [OrderLine]
    var fulfilment: OrderFulfilment
    var contact: OrderContact?
    var promotions: [OrderPromotion]?
}

enum OrderRecords {
    private static let columns = """
        order_id, status, saga_step, saga_deadline, channel, store_id, customer_id, currency, lines::text, promo_codes::text,
        fulfilment::text, contact::text, payment_reference, subtotal_minor, discount_minor, total_minor, reservation_id,
        reserve_command_id, promotions_command_id, pickup_code, collect_by, reject_code, reject_message, correlation_id, placed_at,
        loyalty_points, loyalty_value_minor, loyalty_command_id, promotions::text, stock_sold
        """

    /// The new order and the first line of its history, in one statement.
    static func insert(_ order: OrderRecord, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.run("""
            WITH placed AS (
            INSERT INTO orders (order_id, status, saga_step, saga_deadline, channel, store_id, customer_id, currency, lines, promo_codes,
                                fulfilment, contact, payment_reference, subtotal_minor, discount_minor, total_minor, reservation_id,
                                reserve_command_id, promotions_command_id, correlation_id, placed_at, loyalty_points)
            VALUES (\(order.orderId), \(order.status.rawValue), \(order.sagaStep.rawValue), \(order.sagaDeadline), \(order.channel), \(order.storeId),
                    \(order.customerId), \(order.currency), \(try json(order.lines))::jsonb, \(try json(order.promoCodes))::jsonb,
                    \(try json(order.fulfilment))::jsonb, \(try order.contact.map(json))::jsonb, \(order.paymentReference), \(order.subtotalMinor),
                    \(order.discountMinor), \(order.totalMinor), \(order.reservationId), \(order.reserveCommandId), \(order.promotionsCommandId),
                    \(order.correlationId), \(order.placedAt), \(order.loyaltyPoints))
            RETURNING order_id, status
            )
            INSERT INTO order_history (order_id, status) SELECT order_id, status FROM placed
            """, logger: logger)
    }

    /// Writes back what a step changed, and records the status in the history when it
    /// moved (in the same statement: one round trip per saga step, not two). Returns the
    /// order as now stored, for a step that updates it again.
    @discardableResult
    static func update(_ order: OrderRecord, previous: OrderStatus, detail: String? = nil, on connection: PostgresConnection,
                       logger: Logger) async throws -> OrderRecord {
        var written = order
        written.stored = order.documents
        // A run of saga answers handled together writes its orders at its end (`OrderWrites`).
        if let gathering = OrderWrites.current {
            gathering.record(order, previous: previous, detail: detail)
            return written
        }
        // A JSON column the step left as it was is not encoded again (nor parsed by Postgres).
        let changes = order.documentChanges(since: order.stored)
        let lines = try changes.lines.map(json), fulfilment = try changes.fulfilment.map(json)
        let contactChanged = changes.contactChanged, contact = contactChanged ? try order.contact.map(json) : nil
        let promotionsChanged = changes.promotionsChanged, promotions = promotionsChanged ? try order.promotions.map(json) : nil
        try await connection.run("""
            WITH moved AS (
                INSERT INTO order_history (order_id, status, detail)
                SELECT \(order.orderId)::text, \(order.status.rawValue)::text, \(detail)::text WHERE \(order.status != previous)::boolean
            )
            UPDATE orders SET status = \(order.status.rawValue), saga_step = \(order.sagaStep.rawValue), saga_deadline = \(order.sagaDeadline),
                customer_id = \(order.customerId), lines = COALESCE(\(lines)::jsonb, lines),
                contact = CASE WHEN \(contactChanged)::boolean THEN \(contact)::jsonb ELSE contact END,
                promotions = CASE WHEN \(promotionsChanged)::boolean THEN \(promotions)::jsonb ELSE promotions END,
                fulfilment = COALESCE(\(fulfilment)::jsonb, fulfilment), subtotal_minor = \(order.subtotalMinor), discount_minor = \(order.discountMinor),
                total_minor = \(order.totalMinor), promotions_command_id = \(order.promotionsCommandId), pickup_code = \(order.pickupCode),
                collect_by = \(order.collectBy), reject_code = \(order.rejectCode), reject_message = \(order.rejectMessage),
                loyalty_value_minor = \(order.loyaltyValueMinor), loyalty_command_id = \(order.loyaltyCommandId), stock_sold = \(order.stockSold),
                updated_at = now()
            WHERE order_id = \(order.orderId)
            """, logger: logger)
        return written
    }

    /// The order, locked for the rest of the transaction (one step at a time per order).
    static func lock(_ orderId: String, on connection: PostgresConnection, logger: Logger) async throws -> OrderRecord? {
        try await decode(connection.run("SELECT \(unescaped: columns) FROM orders WHERE order_id = \(orderId) FOR UPDATE", logger: logger)).first
    }

    /// Several orders, locked in `order_id` order (two runs never wait on each other in a cycle).
    static func lock(_ orderIds: [String], on connection: PostgresConnection, logger: Logger) async throws -> [String: OrderRecord] {
        let records = try await decode(connection.run(
            "SELECT \(unescaped: columns) FROM orders WHERE order_id = ANY(\(orderIds)) ORDER BY order_id FOR UPDATE", logger: logger))
        return Dictionary(records.map { ($0.orderId, $0) }) { first, _ in first }
    }

    static func find(_ orderId: String, on connection: PostgresConnection, logger: Logger) async throws -> OrderRecord? {
        try await decode(connection.run("SELECT \(unescaped: columns) FROM orders WHERE order_id = \(orderId)", logger: logger)).first
    }

    /// The order a saga command was sent for (to match a participant's CommandRejected).
    static func lockBySagaCommand(_ commandId: UUID, on connection: PostgresConnection, logger: Logger) async throws -> OrderRecord? {
        try await decode(connection.run("""
            SELECT \(unescaped: columns) FROM orders
            WHERE reserve_command_id = \(commandId) OR promotions_command_id = \(commandId) OR loyalty_command_id = \(commandId) FOR UPDATE
            """, logger: logger)).first
    }

    static func customerOrders(_ customerId: String, limit: Int, before: Date?, on connection: PostgresConnection, logger: Logger) async throws -> [OrderRecord] {
        try await decode(connection.run("""
            SELECT \(unescaped: columns) FROM orders WHERE customer_id = \(customerId) AND placed_at < \(before ?? Date.distantFuture)
            ORDER BY placed_at DESC, order_id LIMIT \(limit)
            """, logger: logger))
    }

    /// A store's click & collect desk: orders to prepare or waiting to be collected, and those
    /// cancelled in the last day, oldest first.
    static func pickups(at storeId: String, on connection: PostgresConnection, logger: Logger) async throws -> [OrderRecord] {
        try await decode(connection.run("""
            SELECT \(unescaped: columns) FROM orders
            WHERE fulfilment->>'mode' = 'pickup' AND coalesce(fulfilment->>'storeId', store_id) = \(storeId)
              AND (status IN ('confirmed', 'ready-for-pickup') OR (status = 'cancelled' AND updated_at > now() - interval '1 day'))
            ORDER BY placed_at, order_id LIMIT 500
            """, logger: logger))
    }

    /// Orders whose saga step waited past its deadline, locked, skipping rows another
    /// replica is working on.
    static func lockOverdue(limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> [OrderRecord] {
        try await decode(connection.run("""
            SELECT \(unescaped: columns) FROM orders WHERE saga_deadline < now() ORDER BY saga_deadline LIMIT \(limit) FOR UPDATE SKIP LOCKED
            """, logger: logger))
    }

    /// Click & collect orders still waiting at the store after their collect-by date.
    static func lockUncollected(limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> [OrderRecord] {
        try await decode(connection.run("""
            SELECT \(unescaped: columns) FROM orders WHERE status = 'ready-for-pickup' AND collect_by < now()
            ORDER BY collect_by LIMIT \(limit) FOR UPDATE SKIP LOCKED
            """, logger: logger))
    }

    static func history(_ orderId: String, on connection: PostgresConnection, logger: Logger) async throws -> [(String, String?, Date)] {
        let rows = try await connection.run("SELECT status, detail, at FROM order_history WHERE order_id = \(orderId) ORDER BY seq", logger: logger)
        var history: [(String, String?, Date)] = []
        for try await row in rows.decode((String, String?, Date).self) { history.append(row) }
        return history
    }

    static func reassignCustomer(from merged: [String], to survivor: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.run("UPDATE orders SET customer_id = \(survivor), updated_at = now() WHERE customer_id = ANY(\(merged))", logger: logger)
    }

    private static func decode(_ rows: PostgresRows) async throws -> [OrderRecord] {
        var records: [OrderRecord] = []
        for try await row in rows {
            let cells = row.makeRandomAccess()
            func text(_ index: Int) throws -> String { try cells[index].decode(String.self) }
            func optionalText(_ index: Int) throws -> String? { try cells[index].decode(String?.self) }
            func parse<T: Decodable>(_ type: T.Type, _ index: Int) throws -> T {
                try JSONCoding.decoder.decode(T.self, from: Data(try text(index).utf8))
            }
            var record = OrderRecord(
                orderId: try text(0), status: OrderStatus(rawValue: try text(1)) ?? .placed, sagaStep: SagaStep(rawValue: try text(2)) ?? .done,
                sagaDeadline: try cells[3].decode(Date?.self), channel: try text(4), storeId: try optionalText(5), customerId: try optionalText(6),
                currency: try text(7), lines: try parse([OrderLine].self, 8), promoCodes: try parse([String].self, 9),
                fulfilment: try parse(OrderFulfilment.self, 10),
                contact: try optionalText(11).map { try JSONCoding.decoder.decode(OrderContact.self, from: Data($0.utf8)) },
                paymentReference: try text(12), subtotalMinor: try cells[13].decode(Int64.self), discountMinor: try cells[14].decode(Int64.self),
                totalMinor: try cells[15].decode(Int64.self), reservationId: try text(16), reserveCommandId: try cells[17].decode(UUID?.self),
                promotionsCommandId: try cells[18].decode(UUID?.self), pickupCode: try optionalText(19), collectBy: try cells[20].decode(Date?.self),
                rejectCode: try optionalText(21), rejectMessage: try optionalText(22), correlationId: try optionalText(23), placedAt: try cells[24].decode(Date.self)
            )
            record.loyaltyPoints = try cells[25].decode(Int?.self)
            record.loyaltyValueMinor = try cells[26].decode(Int64?.self)
            record.loyaltyCommandId = try cells[27].decode(UUID?.self)
            record.stockSold = try cells[29].decode(Bool.self)
            record.promotions = try optionalText(28).map { try JSONCoding.decoder.decode([OrderPromotion].self, from: Data($0.utf8)) }
            record.stored = record.documents
            records.append(record)
        }
        return records
    }

    static func json(_ value: some Encodable) throws -> String {
        String(decoding: try JSONCoding.encoder.encode(value), as: UTF8.self)
    }
}
