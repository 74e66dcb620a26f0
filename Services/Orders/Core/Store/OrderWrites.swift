import Foundation
import OmniMessaging
import OrdersContracts
import PostgresNIO
import Synchronization

/// The order updates of a run of saga answers handled together, written in one statement at
/// the end of the run instead of one per answer. While `current` is set, `OrderRecords.update`
/// gathers here; `flush` writes each order as the run left it, and its history in order.
final class OrderWrites: Sendable {
    @TaskLocal static var current: OrderWrites?

    private struct Gathered: Sendable {
        var order: OrderRecord
        /// The JSON columns as stored before the run: what `flush` compares with.
        var stored: StoredDocuments?
    }

    private struct State: Sendable {
        var orders: [String: Gathered] = [:]
        var written: [String] = []
        var history: [HistoryRow] = []
    }

    private let state = Mutex(State())

    func record(_ order: OrderRecord, previous: OrderStatus, detail: String?) {
        state.withLock { state in
            if state.orders[order.orderId] == nil {
                state.written.append(order.orderId)
                state.orders[order.orderId] = Gathered(order: order, stored: order.stored)
            } else {
                state.orders[order.orderId]?.order = order
            }
            if order.status != previous {
                state.history.append(HistoryRow(order_id: order.orderId, status: order.status.rawValue, detail: detail))
            }
        }
    }

    /// The order as this run left it, if it changed it.
    func latest(_ orderId: String) -> OrderRecord? { state.withLock { $0.orders[orderId]?.order } }

    /// Writes every gathered order and the history rows, in one statement.
    func flush(on connection: PostgresConnection, logger: Logger) async throws {
        let (rows, history) = state.withLock { state in
            defer { state = State() }
            return (state.written.compactMap { state.orders[$0] }.map(Row.init), state.history)
        }
        guard !rows.isEmpty else { return }
        // `order_id = ANY(ids)` beside the join: without it, a plan made while the table was
        // small (a hash join over a sequential scan of orders) stays in the statement's cache
        // as the table grows (measured: 18 ms a run at 12,000 orders instead of well under 1).
        let rowsJSON = String(decoding: try JSONCoding.encoder.encode(rows), as: UTF8.self)
        let historyJSON = String(decoding: try JSONCoding.encoder.encode(history), as: UTF8.self)
        try await connection.run("""
            WITH moved AS (
                INSERT INTO order_history (order_id, status, detail)
                SELECT h.order_id, h.status, h.detail
                FROM ROWS FROM (jsonb_to_recordset(\(historyJSON)::jsonb) AS (order_id text, status text, detail text))
                     WITH ORDINALITY AS h (order_id, status, detail, position)
                ORDER BY h.position
            )
            UPDATE orders AS o SET status = u.status, saga_step = u.saga_step, saga_deadline = to_timestamp(u.saga_deadline),
                customer_id = u.customer_id, lines = COALESCE(u.lines, o.lines),
                contact = CASE WHEN u.contact_changed THEN u.contact ELSE o.contact END,
                promotions = CASE WHEN u.promotions_changed THEN u.promotions ELSE o.promotions END,
                fulfilment = COALESCE(u.fulfilment, o.fulfilment), subtotal_minor = u.subtotal_minor, discount_minor = u.discount_minor,
                total_minor = u.total_minor, promotions_command_id = u.promotions_command_id, pickup_code = u.pickup_code,
                collect_by = to_timestamp(u.collect_by), reject_code = u.reject_code, reject_message = u.reject_message,
                loyalty_value_minor = u.loyalty_value_minor, loyalty_command_id = u.loyalty_command_id, stock_sold = u.stock_sold,
                updated_at = now()
            FROM jsonb_to_recordset(\(rowsJSON)::jsonb) AS u (order_id text, status text, saga_step text, saga_deadline float8,
                customer_id text, lines jsonb, contact_changed boolean, contact jsonb, promotions_changed boolean, promotions jsonb,
                fulfilment jsonb, subtotal_minor int8, discount_minor int8, total_minor int8, promotions_command_id uuid, pickup_code text,
                collect_by float8, reject_code text, reject_message text, loyalty_value_minor int8, loyalty_command_id uuid, stock_sold boolean)
            WHERE o.order_id = u.order_id AND o.order_id = ANY(\(rows.map(\.order_id)))
            """, logger: logger)
    }

    // The JSON the statement reads, named as Postgres' columns; dates as seconds since 1970
    // (exact to the microsecond, like a bound timestamptz); a JSON column left out when unchanged.
    struct HistoryRow: Encodable, Sendable {
        var order_id: String
        var status: String
        var detail: String?
    }

    private struct Row: Encodable {
        var order_id: String
        var status: String
        var saga_step: String
        var saga_deadline: Double?
        var customer_id: String?
        var lines: [OrderLine]?
        var contact_changed: Bool
        var contact: OrderContact?
        var promotions_changed: Bool
        var promotions: [OrderPromotion]?
        var fulfilment: OrderFulfilment?
        var subtotal_minor: Int64
        var discount_minor: Int64
        var total_minor: Int64
        var promotions_command_id: UUID?
        var pickup_code: String?
        var collect_by: Double?
        var reject_code: String?
        var reject_message: String?
        var loyalty_value_minor: Int64?
        var loyalty_command_id: UUID?
        var stock_sold: Bool

        init(_ gathered: Gathered) {
            let order = gathered.order, changes = order.documentChanges(since: gathered.stored)
            order_id = order.orderId
            status = order.status.rawValue
            saga_step = order.sagaStep.rawValue
            saga_deadline = order.sagaDeadline?.timeIntervalSince1970
            customer_id = order.customerId
            lines = changes.lines
            contact_changed = changes.contactChanged
            contact = order.contact
            promotions_changed = changes.promotionsChanged
            promotions = order.promotions
            fulfilment = changes.fulfilment
            subtotal_minor = order.subtotalMinor
            discount_minor = order.discountMinor
            total_minor = order.totalMinor
            promotions_command_id = order.promotionsCommandId
            pickup_code = order.pickupCode
            collect_by = order.collectBy?.timeIntervalSince1970
            reject_code = order.rejectCode
            reject_message = order.rejectMessage
            loyalty_value_minor = order.loyaltyValueMinor
            loyalty_command_id = order.loyaltyCommandId
            stock_sold = order.stockSold
        }
    }
}
