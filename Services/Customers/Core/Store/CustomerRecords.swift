import CustomersContracts
import Foundation
import OmniMessaging
import OmniPersistence
import PostgresNIO

/// The customers tables: profiles, identifiers, merges, erasure.
enum CustomerRecords {
    /// The active customers owning any of `identifiers` (identifiers only ever point at
    /// active profiles: merges move them, erasure deletes them).
    static func owners(of identifiers: [CustomerIdentifier], on connection: PostgresConnection, logger: Logger) async throws -> [UUID] {
        let kinds = identifiers.map(\.kind.rawValue), values = identifiers.map(\.value)
        let rows = try await connection.run("""
            SELECT DISTINCT customer_id FROM identifiers
            WHERE (kind, value) IN (SELECT * FROM unnest(\(kinds)::text[], \(values)::text[])) ORDER BY customer_id
            """, logger: logger)
        var owners: [UUID] = []
        for try await id in rows.decode(UUID.self) { owners.append(id) }
        return owners
    }

    /// The active customer a reference names, following merges; `unknown-customer` otherwise.
    static func resolve(_ reference: CustomerReference, on connection: PostgresConnection, logger: Logger) async throws -> UUID {
        if let text = reference.customerId {
            guard let id = UUID(uuidString: text) else { throw Rejection("unknown-customer", "'\(text)' is not a customer id") }
            var current = id
            for _ in 0..<16 {
                let row = try await connection.run("SELECT status, merged_into FROM customers WHERE customer_id = \(current)", logger: logger)
                    .decode((String, UUID?).self).first { _ in true }
                guard let (status, mergedInto) = row else { throw Rejection("unknown-customer", "no customer \(text)") }
                switch status {
                case "active": return current
                case "merged": if let next = mergedInto { current = next } else { throw Rejection("unknown-customer", "no customer \(text)") }
                default: throw Rejection("customer-erased", "customer \(text) was erased")
                }
            }
            throw Rejection("unknown-customer", "no customer \(text)")
        }
        guard let identifier = reference.identifier else { throw Rejection("missing-field", "name the customer by customerId or identifier") }
        let normalised = try IdentifierRules.normalised(identifier)
        guard let owner = try await owners(of: [normalised], on: connection, logger: logger).first else {
            // The identifier is personal data: the answer names its kind, not its value.
            throw Rejection("unknown-customer", "no customer with this \(normalised.kind.rawValue)")
        }
        return owner
    }

    /// Locks the profiles (in id order, so concurrent merges queue) and summarises them.
    static func lockSummaries(_ ids: [UUID], on connection: PostgresConnection, logger: Logger) async throws -> [ProfileSummary] {
        let rows = try await connection.run("""
            SELECT customer_id, created_at FROM customers WHERE customer_id = ANY(\(ids)) AND status = 'active' ORDER BY customer_id FOR UPDATE
            """, logger: logger)
        var summaries: [ProfileSummary] = []
        for try await (id, created) in rows.decode((UUID, Date).self) {
            summaries.append(ProfileSummary(customerId: id.uuidString.lowercased(), createdAt: created, identifiers: []))
        }
        for index in summaries.indices {
            summaries[index].identifiers = try await identifiers(of: UUID(uuidString: summaries[index].customerId)!, on: connection, logger: logger)
        }
        return summaries
    }

    static func identifiers(of id: UUID, on connection: PostgresConnection, logger: Logger) async throws -> [CustomerIdentifier] {
        let rows = try await connection.run("SELECT kind, value FROM identifiers WHERE customer_id = \(id) ORDER BY kind, value", logger: logger)
        var result: [CustomerIdentifier] = []
        for try await (kind, value) in rows.decode((String, String).self) {
            if let kind = CustomerIdentifier.Kind(rawValue: kind) { result.append(CustomerIdentifier(kind, value)) }
        }
        return result
    }

    static func create(_ id: UUID, entryChannel: String?, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.run("INSERT INTO customers (customer_id, entry_channel) VALUES (\(id), \(entryChannel))", logger: logger)
    }

    /// Links `identifier` to `id`; false when it already was.
    @discardableResult
    static func link(_ identifier: CustomerIdentifier, to id: UUID, channel: String?, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        let rows = try await connection.run("""
            INSERT INTO identifiers (kind, value, customer_id, channel) VALUES (\(identifier.kind.rawValue), \(identifier.value), \(id), \(channel))
            ON CONFLICT (kind, value) DO NOTHING RETURNING 1
            """, logger: logger)
        for try await _ in rows { return true }
        return false
    }

    static func update(_ id: UUID, with fields: ProfileFields, on connection: PostgresConnection, logger: Logger) async throws {
        let addresses = try fields.addresses.map { String(decoding: try JSONCoding.encoder.encode($0), as: UTF8.self) }
        try await connection.run("""
            UPDATE customers SET first_name = COALESCE(\(fields.firstName), first_name), last_name = COALESCE(\(fields.lastName), last_name),
                locale = COALESCE(\(fields.locale), locale), time_zone = COALESCE(\(fields.timeZone), time_zone),
                addresses = COALESCE(\(addresses)::jsonb, addresses), updated_at = now()
            WHERE customer_id = \(id)
            """, logger: logger)
    }

    static func profile(_ id: UUID, on connection: PostgresConnection, logger: Logger) async throws -> CustomerProfile {
        let row = try await connection.run("""
            SELECT first_name, last_name, locale, time_zone, addresses::text FROM customers WHERE customer_id = \(id)
            """, logger: logger).decode((String?, String?, String?, String?, String).self).first { _ in true }
        guard let (first, last, locale, zone, addresses) = row else { throw Rejection("unknown-customer", "no customer \(id)") }
        return CustomerProfile(customerId: id.uuidString.lowercased(), firstName: first, lastName: last, locale: locale, timeZone: zone,
                               addresses: try JSONCoding.decoder.decode([PostalAddress].self, from: Data(addresses.utf8)),
                               identifiers: try await identifiers(of: id, on: connection, logger: logger))
    }

    /// Folds `plan.mergedIds` into the survivor: identifiers, consents, points and timeline
    /// move; profile fields the survivor lacks are taken from the merged profiles.
    static func merge(_ plan: MergeRules.Plan, on connection: PostgresConnection, logger: Logger) async throws {
        let survivor = UUID(uuidString: plan.survivorId)!
        let merged = plan.mergedIds.compactMap(UUID.init(uuidString:))
        // Memberships are re-evaluated for the survivor; its purchases are the sum of both.
        try await connection.run("DELETE FROM segment_memberships WHERE customer_id = ANY(\(merged))", logger: logger)
        try await connection.run("DELETE FROM segment_reviews WHERE customer_id = ANY(\(merged))", logger: logger)
        for table in ["identifiers", "consents", "loyalty_ledger", "loyalty_spends", "timeline", "leads", "purchases", "open_carts"] {
            try await connection.run("UPDATE \(unescaped: table) SET customer_id = \(survivor) WHERE customer_id = ANY(\(merged))", logger: logger)
        }
        try await connection.run("""
            UPDATE customers s SET
                first_name = COALESCE(s.first_name, m.first_name), last_name = COALESCE(s.last_name, m.last_name),
                locale = COALESCE(s.locale, m.locale), time_zone = COALESCE(s.time_zone, m.time_zone),
                addresses = CASE WHEN s.addresses = '[]'::jsonb THEN m.addresses ELSE s.addresses END,
                preferred_medium = COALESCE(s.preferred_medium, m.preferred_medium),
                quiet_start = COALESCE(s.quiet_start, m.quiet_start), quiet_end = COALESCE(s.quiet_end, m.quiet_end),
                entry_channel = CASE WHEN m.created_at < s.created_at THEN m.entry_channel ELSE s.entry_channel END,
                created_at = LEAST(s.created_at, m.created_at), updated_at = now()
            FROM (SELECT * FROM customers WHERE customer_id = ANY(\(merged)) ORDER BY created_at LIMIT 1) m
            WHERE s.customer_id = \(survivor)
            """, logger: logger)
        try await connection.run("""
            UPDATE customers SET status = 'merged', merged_into = \(survivor), updated_at = now() WHERE customer_id = ANY(\(merged))
            """, logger: logger)
        // Earlier merges into the merged profiles now point at the survivor directly.
        try await connection.run("UPDATE customers SET merged_into = \(survivor) WHERE merged_into = ANY(\(merged))", logger: logger)
    }

    /// Ids merged into `id` over time.
    static func formerIds(of id: UUID, on connection: PostgresConnection, logger: Logger) async throws -> [UUID] {
        let rows = try await connection.run("SELECT customer_id FROM customers WHERE merged_into = \(id) ORDER BY customer_id", logger: logger)
        var ids: [UUID] = []
        for try await former in rows.decode(UUID.self) { ids.append(former) }
        return ids
    }

    /// Removes every piece of personal data; keeps a tombstone so the id stays known as erased.
    static func erase(_ id: UUID, formerIds: [UUID], on connection: PostgresConnection, logger: Logger) async throws {
        let all = [id] + formerIds
        // Leads stay for the conversion-by-source figures, without anything personal.
        try await connection.run("DELETE FROM lead_visits WHERE lead_id IN (SELECT lead_id FROM leads WHERE customer_id = ANY(\(all)))", logger: logger)
        try await connection.run("UPDATE leads SET submitted = '{}'::jsonb, explanation = '[]'::jsonb WHERE customer_id = ANY(\(all))", logger: logger)
        try await OpenCartRecords.removeAll(of: all, on: connection, logger: logger)
        try await LoyaltySpends.forget(all, on: connection, logger: logger)
        for table in ["identifiers", "consents", "loyalty_ledger", "timeline", "purchases", "segment_memberships", "segment_reviews"] {
            try await connection.run("DELETE FROM \(unescaped: table) WHERE customer_id = ANY(\(all))", logger: logger)
        }
        try await connection.run("""
            UPDATE customers SET status = CASE WHEN customer_id = \(id) THEN 'erased' ELSE status END,
                first_name = NULL, last_name = NULL, locale = NULL, time_zone = NULL, addresses = '[]', preferred_medium = NULL,
                quiet_start = NULL, quiet_end = NULL, erased_at = now(), updated_at = now()
            WHERE customer_id = ANY(\(all))
            """, logger: logger)
    }
}
