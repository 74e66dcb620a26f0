import Foundation
import OmniPersistence
import PostgresNIO

/// What notifications knows of each person, kept from customers' events: name, language,
/// addresses, consent per medium, preferred medium, quiet hours and time zone.
enum RecipientRecords {
    struct Recipient: Sendable {
        var customerId: String
        var firstName: String?
        var locale: String?
        var contact: DeliveryRules.Contact
    }

    /// The recipient, locked when `forUpdate` (marketing decisions count the week's
    /// messages under this lock, so two triggers at once never both pass the cap).
    static func find(_ customerId: String?, forUpdate: Bool = false, on connection: PostgresConnection, logger: Logger) async throws -> Recipient? {
        guard let customerId else { return nil }
        let lock = forUpdate ? " FOR UPDATE" : ""
        let rows = try await connection.run("""
            SELECT first_name, locale, email, phone, email_consent, sms_consent, push_consent, preferred_medium, quiet_start, quiet_end, time_zone
            FROM recipients WHERE customer_id = \(customerId)\(unescaped: lock)
            """, logger: logger)
        for try await (first, locale, email, phone, emailConsent, smsConsent, pushConsent, preferred, quietStart, quietEnd, zone)
            in rows.decode((String?, String?, String?, String?, Bool?, Bool?, Bool?, String?, String?, String?, String?).self) {
            var contact = DeliveryRules.Contact(preferred: preferred.flatMap(DeliveryRules.Medium.init(rawValue:)), timeZone: zone)
            contact.addresses[.email] = email
            contact.addresses[.sms] = phone
            // Push providers address a person by our customer id (their "external user id").
            contact.addresses[.push] = customerId
            contact.consents[.email] = emailConsent
            contact.consents[.sms] = smsConsent
            contact.consents[.push] = pushConsent
            if let quietStart, let quietEnd { contact.quietHours = DeliveryRules.QuietHours(start: quietStart, end: quietEnd) }
            return Recipient(customerId: customerId, firstName: first, locale: locale, contact: contact)
        }
        return nil
    }

    /// Sets the given fields (nil leaves a field as it is).
    static func upsert(_ customerId: String, firstName: String? = nil, locale: String? = nil, timeZone: String? = nil, email: String? = nil,
                       phone: String? = nil, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.run("""
            INSERT INTO recipients (customer_id, first_name, locale, time_zone, email, phone)
            VALUES (\(customerId), \(firstName), \(locale), \(timeZone), \(email), \(phone))
            ON CONFLICT (customer_id) DO UPDATE SET first_name = COALESCE(excluded.first_name, recipients.first_name),
                locale = COALESCE(excluded.locale, recipients.locale), time_zone = COALESCE(excluded.time_zone, recipients.time_zone),
                email = COALESCE(excluded.email, recipients.email), phone = COALESCE(excluded.phone, recipients.phone), updated_at = now()
            """, logger: logger)
    }

    static func setConsent(_ customerId: String, medium: DeliveryRules.Medium, granted: Bool, on connection: PostgresConnection, logger: Logger) async throws {
        let column = "\(medium.rawValue)_consent"  // from the enum, never from input
        try await connection.run("""
            INSERT INTO recipients (customer_id, \(unescaped: column)) VALUES (\(customerId), \(granted))
            ON CONFLICT (customer_id) DO UPDATE SET \(unescaped: column) = excluded.\(unescaped: column), updated_at = now()
            """, logger: logger)
    }

    static func setPreferences(_ customerId: String, preferred: String?, quietStart: String?, quietEnd: String?, timeZone: String?,
                               on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.run("""
            INSERT INTO recipients (customer_id, preferred_medium, quiet_start, quiet_end, time_zone)
            VALUES (\(customerId), \(preferred), \(quietStart), \(quietEnd), \(timeZone))
            ON CONFLICT (customer_id) DO UPDATE SET preferred_medium = excluded.preferred_medium, quiet_start = excluded.quiet_start,
                quiet_end = excluded.quiet_end, time_zone = COALESCE(excluded.time_zone, recipients.time_zone), updated_at = now()
            """, logger: logger)
    }

    /// Profiles that proved to be one person: the survivor keeps what it lacks from the
    /// merged ones; their messages and subscriptions move to it.
    static func merge(_ mergedIds: [String], into survivor: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.run("INSERT INTO recipients (customer_id) VALUES (\(survivor)) ON CONFLICT DO NOTHING", logger: logger)
        try await connection.run("""
            UPDATE recipients s SET first_name = COALESCE(s.first_name, m.first_name), locale = COALESCE(s.locale, m.locale),
                email = COALESCE(s.email, m.email), phone = COALESCE(s.phone, m.phone), email_consent = COALESCE(s.email_consent, m.email_consent),
                sms_consent = COALESCE(s.sms_consent, m.sms_consent), push_consent = COALESCE(s.push_consent, m.push_consent),
                preferred_medium = COALESCE(s.preferred_medium, m.preferred_medium), quiet_start = COALESCE(s.quiet_start, m.quiet_start),
                quiet_end = COALESCE(s.quiet_end, m.quiet_end), time_zone = COALESCE(s.time_zone, m.time_zone), updated_at = now()
            FROM (SELECT * FROM recipients WHERE customer_id = ANY(\(mergedIds)) ORDER BY updated_at DESC LIMIT 1) m
            WHERE s.customer_id = \(survivor)
            """, logger: logger)
        try await connection.run("DELETE FROM recipients WHERE customer_id = ANY(\(mergedIds))", logger: logger)
        try await connection.run("UPDATE messages SET customer_id = \(survivor) WHERE customer_id = ANY(\(mergedIds))", logger: logger)
        try await connection.run("""
            UPDATE stock_subscriptions SET customer_id = \(survivor) WHERE customer_id = ANY(\(mergedIds))
                AND NOT EXISTS (SELECT 1 FROM stock_subscriptions o WHERE o.customer_id = \(survivor) AND o.sku = stock_subscriptions.sku
                                AND o.location_id = stock_subscriptions.location_id)
            """, logger: logger)
        try await connection.run("DELETE FROM stock_subscriptions WHERE customer_id = ANY(\(mergedIds))", logger: logger)
    }

    /// Forget me: contact data, message bodies and subscriptions go; the log keeps what was
    /// sent when.
    static func erase(_ ids: [String], on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.run("DELETE FROM recipients WHERE customer_id = ANY(\(ids))", logger: logger)
        try await connection.run("DELETE FROM stock_subscriptions WHERE customer_id = ANY(\(ids))", logger: logger)
        // Theirs, and those to staff about them (a lead's alert names the prospect).
        try await connection.run("""
            UPDATE messages SET address = NULL, subject = NULL, body = NULL WHERE customer_id = ANY(\(ids)) OR about_customer_id = ANY(\(ids))
            """, logger: logger)
        // Anything still queued for or about them will not go.
        try await connection.run("""
            UPDATE messages SET status = 'cancelled', reason = 'customer-erased'
            WHERE (customer_id = ANY(\(ids)) OR about_customer_id = ANY(\(ids))) AND status = 'pending'
            """, logger: logger)
    }
}
