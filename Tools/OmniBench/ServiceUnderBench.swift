import Foundation
import OmniChannel
import PostgresNIO
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One of Omni's service executables, started by the bench on its own schema, as
/// `scripts/omni up` starts it (the bench's Postgres user owns the schema).
final class ServiceUnderBench: @unchecked Sendable {
    let name: String
    let schema: String
    private let target: PostgresTarget
    private let executable: URL
    private let environment: [String: String]
    private let lock = NSLock()
    private var process = Process()
    private let portFile: URL
    let logFile: URL

    init(_ executable: String, binDir: URL, bootstrap: String, target: PostgresTarget, environment: [String: String] = [:]) throws {
        name = executable
        self.target = target
        schema = "bench_\(executable)_\(UUID().uuidString.lowercased().prefix(6))"
        let temporary = FileManager.default.temporaryDirectory
        portFile = temporary.appendingPathComponent("omni-bench-\(schema).port")
        logFile = temporary.appendingPathComponent("omni-bench-\(schema).log")
        self.executable = binDir.appendingPathComponent(executable)
        guard FileManager.default.isExecutableFile(atPath: self.executable.path) else {
            throw BenchError("\(executable) not found in \(binDir.path) (build it first)")
        }
        self.environment = ProcessInfo.processInfo.environment.merging([
            "OMNI_PG_HOST": target.host, "OMNI_PG_PORT": "\(target.port)", "OMNI_PG_DATABASE": target.database,
            "OMNI_PG_USER": target.user, "OMNI_PG_PASSWORD": target.password, "OMNI_PG_SCHEMA": schema,
            "OMNI_KAFKA_BOOTSTRAP": bootstrap, "OMNI_HTTP_PORT": "0", "OMNI_PORT_FILE": portFile.path,
            "OMNI_LOG_LEVEL": "warning", "OMNI_CONSUMER_GROUP": "omni-\(schema)", "OMNI_INSTANCE_ID": schema,
        ].merging(try Self.credentials().serviceEnvironment) { $1 }.merging(environment) { $1 }) { $1 }
        guard FileManager.default.createFile(atPath: logFile.path, contents: nil) else { throw BenchError("cannot write \(logFile.path)") }
    }

    var pid: Int32 { lock.withLock { process.processIdentifier } }

    /// Creates its schema, starts the process and waits for `/health/ready` (schema
    /// migrated, broker reachable).
    func start(timeout: Duration = .seconds(90)) async throws {
        let schema = self.schema
        _ = try await withClient(target.client(connections: 1)) { client in
            try await client.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA \(schema)"))
        }
        try await launch(timeout: timeout)
    }

    /// Starts the executable (again, after a crash: same schema, same consumer group) and
    /// waits for `/health/ready`. Its output goes on at the end of the log.
    func launch(timeout: Duration = .seconds(90)) async throws {
        let process = Process()
        process.executableURL = executable
        process.environment = environment
        let log = try FileHandle(forWritingTo: logFile)
        log.seekToEndOfFile()
        process.standardOutput = log
        process.standardError = log
        try? FileManager.default.removeItem(at: portFile)
        try process.run()
        ChildProcesses.started(process.processIdentifier)
        lock.withLock { self.process = process }
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard process.isRunning else { throw BenchError("\(name) exited at start; see \(logFile.path)") }
            if let port, let status = try? await status("/health/ready", port: port), status == 200 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw BenchError("\(name) not ready after \(timeout); see \(logFile.path)")
    }

    /// `kill -9`: no shutdown of any kind.
    func kill9() {
        let process = lock.withLock { self.process }
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        ChildProcesses.ended(process.processIdentifier)
    }

    /// SIGTERM, then its port file goes (the log stays, for reading afterwards).
    func stop() {
        defer { try? FileManager.default.removeItem(at: portFile) }
        let process = lock.withLock { self.process }
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
        ChildProcesses.ended(process.processIdentifier)
    }

    var httpPort: Int? { port }

    /// The bench's own key set (one per bench process), which its services verify with.
    static func credentials() throws -> DevCredentials {
        try DevCredentials(directory: FileManager.default.temporaryDirectory.appendingPathComponent("omni-bench-auth-\(getpid())"))
    }

    private var port: Int? {
        (try? String(contentsOf: portFile, encoding: .utf8)).flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    private func status(_ path: String, port: Int) async throws -> Int {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.timeoutInterval = 5
        let (_, response) = try await URLSession.shared.data(for: request)
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }

    /// "catalog process: 9.6 CPU s, 49 MB RSS (peak 57 MB)", for the report.
    var usageNote: String? {
        usage().map { String(format: "%@ process: %.1f CPU s, %.0f MB RSS (peak %.0f MB)", name, $0.cpuSeconds, $0.rssMB, $0.peakRSSMB) }
    }

    /// CPU seconds (user + system), resident memory now and at its peak, from /proc.
    func usage() -> (cpuSeconds: Double, rssMB: Double, peakRSSMB: Double)? {
        guard let cpu = CPUShare.processSeconds(pid),
              let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        func kilobytes(_ field: String) -> Double {
            status.split(separator: "\n").first { $0.hasPrefix(field) }?.split(separator: " ").dropFirst().first.flatMap { Double($0) } ?? 0
        }
        return (cpu, kilobytes("VmRSS:") / 1024, kilobytes("VmHWM:") / 1024)
    }
}
