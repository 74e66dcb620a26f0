import Foundation

/// Where the console finds its staff and its signing keys, and how long sessions last.
struct ConsoleConfiguration: Sendable {
    /// `staff.json` (`omni-cli auth member add`); without it nobody can sign in.
    var staffFile: URL?
    /// The signing key set: a session acts with a short-lived staff credential the edge signs.
    var signingKeysFile: URL?
    var sessionLifetime: TimeInterval = 8 * 3600
    var idleTimeout: TimeInterval = 30 * 60
    /// `Secure` on the session cookie (behind HTTPS).
    var secureCookie = false
    /// The services the console reads, by name.
    var services: [String: String] = [
        "customers": "http://127.0.0.1:8081", "catalog": "http://127.0.0.1:8082", "orders": "http://127.0.0.1:8083",
        "promotions": "http://127.0.0.1:8084", "notifications": "http://127.0.0.1:8085",
    ]

    static func fromEnvironment(_ environment: [String: String]) -> ConsoleConfiguration {
        var configuration = ConsoleConfiguration()
        func value(_ key: String) -> String? { environment[key].flatMap { $0.isEmpty ? nil : $0 } }
        configuration.staffFile = value("OMNI_CONSOLE_STAFF_FILE").map(URL.init(fileURLWithPath:))
        configuration.signingKeysFile = value("OMNI_CONSOLE_SIGNING_KEYS_FILE").map(URL.init(fileURLWithPath:))
        if let hours = value("OMNI_CONSOLE_SESSION_HOURS").flatMap(Double.init), hours > 0, hours <= 24 { configuration.sessionLifetime = hours * 3600 }
        if let minutes = value("OMNI_CONSOLE_IDLE_MINUTES").flatMap(Double.init), minutes > 0, minutes <= 24 * 60 { configuration.idleTimeout = minutes * 60 }
        configuration.secureCookie = value("OMNI_CONSOLE_SECURE_COOKIE") == "1"
        for name in configuration.services.keys {
            if let url = value("OMNI_EDGE_\(name.uppercased())_URL") { configuration.services[name] = url }
        }
        return configuration
    }
}
