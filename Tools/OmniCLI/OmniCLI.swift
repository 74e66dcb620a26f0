import ArgumentParser
import Foundation
import Logging
import OmniKafka
import OmniMessaging

/// `omni-cli`: a person's window on the topics. Publish a command from JSON as a channel
/// would (a valid CloudEvent in Kafka binary mode), tail a topic in readable form with the
/// envelope decoded, list the topics the cluster has, seed a demo shop and replay a journey.
@main
struct OmniCLI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "omni-cli",
        abstract: "Publish commands to Omni's topics and read them back.",
        subcommands: [Publish.self, Tail.self, ListTopics.self, Demo.self, Auth.self]
    )
}

/// Where the brokers are: `--bootstrap`, else `OMNI_KAFKA_BOOTSTRAP`, else the file the dev
/// broker writes (`OMNI_KAFKA_BOOTSTRAP_FILE` or `.omni/broker.bootstrap`).
struct BrokerOptions: ParsableArguments {
    @Option(help: "Kafka bootstrap servers (host:port[,...]).")
    var bootstrap: String?

    func resolve(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        if let bootstrap, !bootstrap.isEmpty { return bootstrap }
        if let value = environment["OMNI_KAFKA_BOOTSTRAP"], !value.isEmpty { return value }
        let file = environment["OMNI_KAFKA_BOOTSTRAP_FILE"] ?? ".omni/broker.bootstrap"
        if let text = try? String(contentsOfFile: file, encoding: .utf8) {
            let address = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if !address.isEmpty { return address }
        }
        throw CLIError("no broker: pass --bootstrap, set OMNI_KAFKA_BOOTSTRAP, or start the dev stack (scripts/omni up writes \(file))")
    }
}

enum CLILogging {
    /// librdkafka's own complaints go to stderr; our output stays on stdout.
    static func logger() -> Logger {
        var logger = Logger(label: "omni-cli") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .warning
        return logger
    }
}

/// A failure at run time (not a usage mistake): printed as `Error: ...`, exit code 1.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
