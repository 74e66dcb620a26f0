import Foundation
import OmniPersistence
import PostgresNIO

/// A signed-in staff member's session, as the `console_sessions` row holds it.
struct ConsoleSession: Sendable {
    var member: String
    var csrf: String
    var expiresAt: Date
}

/// Sessions and failed logins in the edge's schema, so every edge replica knows them.
enum ConsoleSessions {
    /// A random token: 32 bytes, base64url (cookie values and CSRF tokens).
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func hash(_ token: String) -> String {
        CommandAdmission.sha256Hex(Array(token.utf8))
    }

    /// Opens a session for `member`; returns the cookie's value and the session.
    static func open(member: String, lifetime: TimeInterval, database: Database) async throws -> (cookie: String, session: ConsoleSession) {
        let cookie = randomToken(), csrf = randomToken()
        let expires = Date().addingTimeInterval(lifetime)
        try await database.query("""
            INSERT INTO console_sessions (session_hash, member, csrf, expires_at) VALUES (\(hash(cookie)), \(member), \(csrf), \(expires))
            """)
        return (cookie, ConsoleSession(member: member, csrf: csrf, expiresAt: expires))
    }

    /// The live session of `cookie`: not expired, not idle past `idle`. Marks it seen.
    static func find(cookie: String, idle: TimeInterval, database: Database) async throws -> ConsoleSession? {
        let rows = try await database.query("""
            UPDATE console_sessions SET last_seen = now()
            WHERE session_hash = \(hash(cookie)) AND expires_at > now() AND last_seen > now() - make_interval(secs => \(idle))
            RETURNING member, csrf, expires_at
            """)
        guard let row = rows.first else { return nil }
        let (member, csrf, expires) = try row.decode((String, String, Date).self)
        return ConsoleSession(member: member, csrf: csrf, expiresAt: expires)
    }

    static func close(cookie: String, database: Database) async throws {
        try await database.query("DELETE FROM console_sessions WHERE session_hash = \(hash(cookie)) OR expires_at < now() - interval '1 day'")
    }

    /// Failures in a row of `member` and the last one's time.
    static func failures(of member: String, database: Database) async throws -> (count: Int, last: Date)? {
        try await database.query("SELECT failures, last_failure FROM console_login_failures WHERE member = \(member)")
            .first.map { try $0.decode((Int, Date).self) }.map { (count: $0.0, last: $0.1) }
    }

    static func recordFailure(of member: String, database: Database) async throws {
        try await database.query("""
            INSERT INTO console_login_failures (member, failures, last_failure) VALUES (\(member), 1, now())
            ON CONFLICT (member) DO UPDATE SET failures = console_login_failures.failures + 1, last_failure = now()
            """)
    }

    static func clearFailures(of member: String, database: Database) async throws {
        try await database.query("DELETE FROM console_login_failures WHERE member = \(member)")
    }
}
