import Foundation
import OmniChannel
import Synchronization
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One of the project's executables run as a real process, as `scripts/omni up` runs it:
/// its own environment, its log in `OMNI_TEST_LOG_DIR`, HTTP on a free port.
final class ServiceProcess: @unchecked Sendable {
    let name: String
    /// The executable: a service's name for the five services (what `ContractRecorder` records).
    let executable: String
    private let process = Process()
    private let portFile: URL
    let logFile: URL

    /// Starts `executable` (a product in `OMNI_BIN_DIR`) with the runtime's environment
    /// for the role and schema `schema`, plus `environment`.
    init(_ executable: String, name: String, schema: String, bootstrap: String? = nil, environment: [String: String] = [:]) throws {
        self.name = name
        self.executable = executable
        let binDir = try TestStack.env("OMNI_BIN_DIR")
        let logDir = URL(fileURLWithPath: ProcessInfo.processInfo.environment["OMNI_TEST_LOG_DIR"] ?? NSTemporaryDirectory())
        try FileManager.default.createDirectory(at: logDir, withIntermediateDirectories: true)
        logFile = logDir.appendingPathComponent("\(name).log")
        portFile = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("omni-\(name)-\(UUID().uuidString).port")

        var env = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
        env["OMNI_KAFKA_BOOTSTRAP"] = try bootstrap ?? TestStack.bootstrap()
        env["OMNI_PG_HOST"] = try TestStack.env("OMNI_TEST_PG_HOST")
        env["OMNI_PG_PORT"] = try TestStack.env("OMNI_TEST_PG_PORT")
        env["OMNI_PG_DATABASE"] = try TestStack.env("OMNI_TEST_PG_DATABASE")
        env["OMNI_PG_USER"] = schema
        env["OMNI_PG_PASSWORD"] = schema
        env["OMNI_PG_SCHEMA"] = schema
        env["OMNI_HTTP_PORT"] = "0"
        env["OMNI_PORT_FILE"] = portFile.path
        env["OMNI_INSTANCE_ID"] = name
        env["OMNI_LOG_LEVEL"] = "info"
        env.merge(try TestStack.credentials().serviceEnvironment) { _, new in new }
        env.merge(environment) { _, override in override }

        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let log = try FileHandle(forWritingTo: logFile)
        log.seekToEndOfFile()
        process.executableURL = URL(fileURLWithPath: binDir).appendingPathComponent(executable)
        process.environment = env
        process.standardOutput = log
        process.standardError = log
        try process.run()
        ChildProcesses.started(process.processIdentifier)
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: portFile)
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    /// The HTTP port the process bound, once it listens.
    var port: Int? {
        (try? String(contentsOf: portFile, encoding: .utf8)).flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// Waits until `/health/ready` answers 200; throws with the log's tail otherwise.
    func waitUntilReady(timeout: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard process.isRunning else { throw failure("exited before it was ready") }
            if let (status, _) = try? await get("/health/ready"), status == 200 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw failure("not ready after \(timeout)")
    }

    /// Whose credential a request carries.
    enum Caller: Sendable {
        /// The test operator's: every scope, every store.
        case `operator`
        /// None at all.
        case anonymous
        case bearer(String)
    }

    /// GET `path` on the process's HTTP port: (status, body).
    func get(_ path: String, as caller: Caller = .operator) async throws -> (Int, String) {
        let (status, _, body) = try await getWithType(path, as: caller)
        return (status, body)
    }

    /// GET `path`: (status, content type, body).
    func getWithType(_ path: String, as caller: Caller = .operator) async throws -> (Int, String, String) {
        guard let port else { throw failure("no HTTP port yet") }
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.timeoutInterval = 20
        try await authorize(&request, as: caller)
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as? HTTPURLResponse
        let status = http?.statusCode ?? 0, contentType = http?.value(forHTTPHeaderField: "Content-Type") ?? ""
        ContractRecorder.record(service: executable, method: "GET", path: path, status: status, contentType: contentType, body: data)
        return (status, contentType, String(decoding: data, as: UTF8.self))
    }

    private func authorize(_ request: inout URLRequest, as caller: Caller) async throws {
        switch caller {
        case .operator: request.authorize(bearer: try await TestStack.operatorToken())
        case .anonymous: break
        case .bearer(let token): request.authorize(bearer: token)
        }
    }

    /// POST `body` as JSON to `path`: (status, content type, body).
    func post(_ path: String, json body: Data, as caller: Caller = .operator) async throws -> (Int, String, String) {
        let answer = try await exchange("POST", path, json: body, as: caller)
        return (answer.status, answer.headers["Content-Type"] ?? "", answer.body)
    }

    /// What a request got: its status, headers and body.
    struct Answer {
        var status: Int
        var headers: [String: String]
        var body: String
    }

    /// `method` on `path` with `body` as JSON and extra `headers`.
    func exchange(_ method: String, _ path: String, json body: Data? = nil, headers: [String: String] = [:], as caller: Caller = .operator) async throws -> Answer {
        guard let port else { throw failure("no HTTP port yet") }
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        try await authorize(&request, as: caller)
        request.httpMethod = method
        request.httpBody = body
        if body != nil { request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        request.timeoutInterval = 20
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as? HTTPURLResponse
        let status = http?.statusCode ?? 0
        var fields: [String: String] = [:]
        for (name, value) in http?.allHeaderFields ?? [:] {
            if let name = name as? String, let value = value as? String { fields[name.split(separator: "-").map { $0.capitalized }.joined(separator: "-")] = value }
        }
        ContractRecorder.record(service: executable, method: method, path: path, status: status, contentType: fields["Content-Type"] ?? "", body: data,
                                requestBody: body)
        return Answer(status: status, headers: fields, body: String(decoding: data, as: UTF8.self))
    }

    /// A Prometheus counter's value summed over the series whose labels contain `labels`.
    func metric(_ name: String, labels: [String] = []) async throws -> Double {
        let (_, text) = try await get("/metrics")
        return text.split(separator: "\n")
            .filter { $0.hasPrefix(name + "{") || $0.hasPrefix(name + " ") }
            .filter { line in labels.allSatisfy { line.contains($0) } }
            .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }
            .reduce(0, +)
    }

    /// SIGTERM, then waits for the exit: the status, or nil if it did not stop in time.
    func terminate(timeout: Duration = .seconds(20)) async -> Int32? {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        return await waitForExit(timeout: timeout)
    }

    /// Waits for the process to end by itself (a fault point, say).
    func waitForExit(timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        if process.isRunning { return nil }
        return process.terminationStatus
    }

    /// True when the process was ended by SIGKILL (what `kill -9` or a fault point does).
    var wasKilled: Bool {
        !process.isRunning && process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL
    }

    func failure(_ what: String) -> ProcessFailure {
        let tail = (try? String(contentsOf: logFile, encoding: .utf8))?.split(separator: "\n").suffix(25).joined(separator: "\n") ?? ""
        return ProcessFailure(description: "\(name) \(what); log \(logFile.path):\n\(tail)")
    }

    struct ProcessFailure: Error, CustomStringConvertible { var description: String }
}

/// A dev broker of a test's own (`omni-dev-broker`), so topics a test reads from the
/// beginning hold only that test's messages. Stopped when released.
final class DevBrokerProcess: @unchecked Sendable {
    private let process = Process()
    let bootstrap: String
    /// Which broker this is in the contract record: its address with an id of its own, since
    /// a later test's broker may get the same port (offsets are only unique per broker, and
    /// two brokers under one name mixed their dead letters up).
    let identity: String

    init(extraTopics: [String] = []) async throws {
        let file = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("omni-broker-\(UUID().uuidString)")
        process.executableURL = URL(fileURLWithPath: try TestStack.env("OMNI_BIN_DIR")).appendingPathComponent("omni-dev-broker")
        process.arguments = ["--bootstrap-file", file.path] + extraTopics.flatMap { ["--topic", $0] }
        // Never the test runner's own pipes: a child outliving the run would hold them open.
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        ChildProcesses.started(process.processIdentifier)
        let deadline = ContinuousClock.now + .seconds(20)
        var address = ""
        while address.isEmpty, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
            address = (try? String(contentsOf: file, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        }
        guard !address.isEmpty else { throw ServiceProcess.ProcessFailure(description: "dev broker did not start") }
        bootstrap = address
        identity = "\(address)#\(UUID().uuidString.prefix(8))"
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
    }
}

/// Every process a test started, killed when the test runner exits: a stack whose
/// `stop()` did not finish (a failed test, an unawaited clean-up) leaves nothing behind.
enum ChildProcesses {
    private static let pids = Mutex<Set<Int32>>([])
    private static let hook: Void = { atexit { ChildProcesses.killAll() } }()

    static func started(_ pid: Int32) {
        _ = hook
        pids.withLock { _ = $0.insert(pid) }
    }

    static func killAll() {
        for pid in pids.withLock({ $0 }) { kill(pid, SIGKILL) }
    }
}
