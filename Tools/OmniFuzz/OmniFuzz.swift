import ArgumentParser
import Foundation
import Logging
import OmniChannel
import OmniMessaging

/// `omni-fuzz`: random and mutated commands on every commands topic and
/// `channels.interactions`, random and mutated requests on every HTTP route; every bad
/// input must be rejected with a reason or dead-lettered with one, no answer may be a 5xx
/// or a dropped connection, and every service must still be alive, ready and consuming
/// afterwards. Exits 1 on any finding.
@main
struct OmniFuzz: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "omni-fuzz",
        abstract: "Fuzz a running Omni stack through its topics and HTTP routes.",
        discussion: "scripts/omni fuzz starts a stack of its own and runs this against it."
    )

    @Option(help: "Kafka bootstrap servers (default: OMNI_KAFKA_BOOTSTRAP, else .omni/broker.bootstrap).")
    var bootstrap: String?

    @Option(help: "Seed of the generated inputs (the same seed gives the same inputs).")
    var seed: UInt64 = UInt64(Date().timeIntervalSince1970)

    @Option(help: "Commands and interactions to publish.")
    var commands = 600

    @Option(help: "HTTP requests to send.")
    var requests = 400

    @Option(help: "Seconds to wait for every message's outcome.")
    var deadline = 60.0

    @Option(name: .customLong("service"), help: "name=base URL of a service (default http://127.0.0.1:8081 to 8085, in the order customers, catalog, orders, promotions, notifications).")
    var serviceURLs: [String] = []

    @Option(name: .customLong("pid"), help: "name=process id of a service, checked to be alive at the end.")
    var pids: [String] = []

    @Option(help: "The stack's key set, to sign the fuzzer's own credential (default OMNI_AUTH_DIR, else .omni/auth).")
    var authDir: String?

    @Option(help: "Findings to print in full.")
    var show = 40

    func validate() throws {
        if commands < 0 || requests < 0 { throw ValidationError("counts cannot be negative") }
        for pair in serviceURLs + pids {
            guard let name = pair.split(separator: "=").first, ServiceName(rawValue: String(name)) != nil, pair.contains("=") else {
                throw ValidationError("'\(pair)' is not service=value (services: \(ServiceName.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
        }
    }

    func run() async throws {
        var logger = Logger(label: "omni-fuzz") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .warning
        let keys = try authDir.map { try DevCredentials(directory: URL(fileURLWithPath: $0)) } ?? DevCredentials.fromEnvironment()
        let endpoints = try resolveEndpoints(authorization: "Bearer " + (try await keys.token(subject: "staff:omni-fuzz")))
        let bootstrap = try resolveBootstrap()
        let tag = String(format: "%06x", UInt32.random(in: 0..<0xFF_FFFF))
        print("omni-fuzz: seed \(seed), run tag \(tag), \(commands) commands (after every numeric field's extremes), \(requests) HTTP requests")

        let started = ContinuousClock.now
        let commandFuzz = CommandFuzz(bootstrap: bootstrap, seed: seed, count: commands, tag: tag, deadline: .seconds(deadline),
                                      services: endpoints, logger: logger)
        let commandResult = try await commandFuzz.run()
        let http = try await HTTPFuzz(services: endpoints, seed: seed, count: requests, fixture: Fixture(tag: tag),
                                      hostileCredentials: try await HostileCredential.all(genuine: keys)).run()
        let health = await endpoints.aliveAndReady()

        var findings = FuzzReport.print(commands: commandResult, http: http.counts)
        findings += http.findings.map(\.description)
        findings += health
        if let final = commandResult.finalCheck { findings.append(final) }
        print("\nhealth after the run: \(health.isEmpty ? "every service alive and ready" : health.joined(separator: "; "))")
        print("known-good command after the run: \(commandResult.finalCheck ?? "UpsertProduct → ProductUpserted")")
        print(String(format: "took %.1f s", Double((ContinuousClock.now - started) / .milliseconds(1)) / 1000))
        if findings.isEmpty {
            print("no findings")
            return
        }
        print("\n\(findings.count) finding(s) (seed \(seed)):")
        for finding in findings.prefix(show) { print("  - \(finding)") }
        if findings.count > show { print("  ... and \(findings.count - show) more") }
        throw ExitCode(1)
    }

    private func resolveEndpoints(authorization: String) throws -> ServiceEndpoints {
        var urls: [ServiceName: String] = [:]
        for (index, service) in ServiceName.allCases.enumerated() { urls[service] = "http://127.0.0.1:\(8081 + index)" }
        for pair in serviceURLs {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            urls[ServiceName(rawValue: parts[0])!] = parts[1].hasSuffix("/") ? String(parts[1].dropLast()) : parts[1]
        }
        var processIDs: [ServiceName: Int32] = [:]
        for pair in pids {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard let pid = Int32(parts[1]) else { throw ValidationError("'\(pair)': not a process id") }
            processIDs[ServiceName(rawValue: parts[0])!] = pid
        }
        return ServiceEndpoints(baseURLs: urls, pids: processIDs, authorization: authorization)
    }

    private func resolveBootstrap() throws -> String {
        if let bootstrap, !bootstrap.isEmpty { return bootstrap }
        let environment = ProcessInfo.processInfo.environment
        if let value = environment["OMNI_KAFKA_BOOTSTRAP"], !value.isEmpty { return value }
        let file = environment["OMNI_KAFKA_BOOTSTRAP_FILE"] ?? ".omni/broker.bootstrap"
        if let text = try? String(contentsOfFile: file, encoding: .utf8), !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            return text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        throw ValidationError("no broker: pass --bootstrap or set OMNI_KAFKA_BOOTSTRAP")
    }
}

/// The counts table.
enum FuzzReport {
    /// Prints the tables; returns the command findings.
    static func print(commands result: CommandFuzz.Result, http: [ServiceName: HTTPFuzz.Counts]) -> [String] {
        var findings: [String] = []
        Swift.print("\ncommands                 sent  rejected  dead-lettered  accepted  no-outcome")
        let topics = (ServiceName.allCases.map { Topics.commands($0) } + [Topics.channelInteractions])
        var total = [0, 0, 0, 0, 0]
        for topic in topics {
            let messages = result.messages.filter { $0.topic == topic }
            guard !messages.isEmpty else { continue }
            var row = [messages.count, 0, 0, 0, 0]
            var silentLeft = result.silentlyConsumed[topic] ?? 0
            for message in messages {
                switch result.outcomes[message.fuzzID] {
                case .rejected: row[1] += 1
                case .deadLettered: row[2] += 1
                case .accepted: row[3] += 1
                case .reasonless:
                    row[4] += 1
                    findings.append("\(topic) \(message.type) [\(message.mutation)] id \(message.fuzzID): refused or dead-lettered without a reason")
                case nil:
                    if topic == Topics.channelInteractions, silentLeft > 0 {
                        // Consumed and recorded on the timeline: an interaction publishes no event.
                        silentLeft -= 1
                        row[3] += 1
                    } else {
                        row[4] += 1
                        let consumed = (result.silentlyConsumed[topic] ?? 0) > 0 ? "consumed without any event" : "no outcome"
                        findings.append("\(topic) \(message.type) [\(message.mutation)] id \(message.fuzzID): \(consumed)")
                    }
                }
            }
            for index in 0..<5 { total[index] += row[index] }
            Swift.print(line(topic, row))
        }
        Swift.print(line("total", total))
        let reasons = result.reasonCounts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { "\($0.key) \($0.value)" }
        Swift.print("reasons: " + reasons.joined(separator: ", "))

        Swift.print("\nHTTP                     sent       2xx       4xx      5xx  dropped  bad-problem-json")
        var httpTotal = HTTPFuzz.Counts()
        for service in ServiceName.allCases {
            guard let counts = http[service] else { continue }
            httpTotal.sent += counts.sent
            httpTotal.ok += counts.ok
            httpTotal.clientError += counts.clientError
            httpTotal.serverError += counts.serverError
            httpTotal.dropped += counts.dropped
            httpTotal.badProblem += counts.badProblem
            Swift.print(httpLine(service.rawValue, counts))
        }
        Swift.print(httpLine("total", httpTotal))
        return findings
    }

    private static func line(_ name: String, _ row: [Int]) -> String {
        name.padding(toLength: 22, withPad: " ", startingAt: 0) + String(format: "%7d %9d %14d %9d %11d", row[0], row[1], row[2], row[3], row[4])
    }

    private static func httpLine(_ name: String, _ c: HTTPFuzz.Counts) -> String {
        name.padding(toLength: 22, withPad: " ", startingAt: 0)
            + String(format: "%7d %9d %9d %8d %8d %17d", c.sent, c.ok, c.clientError, c.serverError, c.dropped, c.badProblem)
    }
}
