/// The five Omni services. Each owns one Postgres schema named like it.
public enum ServiceName: String, Sendable, CaseIterable, Codable {
    case customers, catalog, orders, promotions, notifications
}

/// The topics of DESIGN.md. A service reads its own `commands` and the `events` it needs;
/// it writes only its own `events` and other services' `commands`.
public enum Topics {
    public static func commands(_ service: ServiceName) -> String { "\(service.rawValue).commands" }
    public static func events(_ service: ServiceName) -> String { "\(service.rawValue).events" }
    public static let channelInteractions = "channels.interactions"

    /// Where a consumer parks what it cannot decode.
    public static func deadLetter(of topic: String) -> String { "\(topic).dlq" }

    /// Every business topic (without the dead-letter topics).
    public static var business: [String] {
        ServiceName.allCases.flatMap { [commands($0), events($0)] } + [channelInteractions]
    }

    /// Every topic the dev broker creates: the business topics and their `.dlq`.
    public static var all: [String] { business + business.map(deadLetter(of:)) }

    /// At least 12 partitions, so a service can run as several replicas.
    public static let devPartitions = 12
}
