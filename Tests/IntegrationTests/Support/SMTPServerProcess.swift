import Foundation

/// A real SMTP server on loopback (Debian's `python3-aiosmtpd`) that drops every message
/// it accepts into a maildir, for tests to read.
final class SMTPServerProcess: @unchecked Sendable {
    private var process = Process()
    private(set) var port = 0
    let maildir: URL

    init() async throws {
        maildir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("omni-smtp-\(UUID().uuidString)")
        for folder in ["tmp", "new", "cur"] {
            try FileManager.default.createDirectory(at: maildir.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        // A port the kernel just found free; another socket may take it before aiosmtpd
        // binds it (the server then exits at once): try again on another.
        for _ in 1...5 {
            port = Self.freePort() ?? Int.random(in: 20_000...30_000)
            if try await start() { return }
        }
        throw ServiceProcess.ProcessFailure(description: "aiosmtpd did not start (last port \(port))")
    }

    /// Starts aiosmtpd on `port`; false if it exited (the port was taken).
    private func start() async throws -> Bool {
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-m", "aiosmtpd", "-n", "-l", "127.0.0.1:\(port)", "-c", "aiosmtpd.handlers.Mailbox", maildir.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        ChildProcesses.started(process.processIdentifier)
        let deadline = ContinuousClock.now + .seconds(15)
        while !Self.accepts(port), process.isRunning {
            guard ContinuousClock.now < deadline else { throw ServiceProcess.ProcessFailure(description: "aiosmtpd did not start on \(port)") }
            try await Task.sleep(for: .milliseconds(100))
        }
        return process.isRunning
    }

    /// Kills the server: its clients' connections drop.
    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Kills the server and starts a new one on the same port and maildir.
    func restart() async throws {
        stop()
        for _ in 1...20 {
            if try await start() { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ServiceProcess.ProcessFailure(description: "aiosmtpd did not start again on \(port)")
    }

    private static func freePort() -> Int? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        return bound ? Int(UInt16(bigEndian: address.sin_port)) : nil
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// Every message received so far, raw (headers and body).
    var messages: [String] {
        let new = maildir.appendingPathComponent("new")
        let files = (try? FileManager.default.contentsOfDirectory(at: new, includingPropertiesForKeys: nil)) ?? []
        return files.sorted { $0.path < $1.path }.compactMap { try? String(contentsOf: $0, encoding: .utf8) }
    }

    func waitForMessages(_ count: Int, timeout: Duration = .seconds(30)) async throws -> [String] {
        let deadline = ContinuousClock.now + timeout
        while messages.count < count {
            guard ContinuousClock.now < deadline else { throw ServiceProcess.ProcessFailure(description: "\(messages.count) of \(count) messages arrived") }
            try await Task.sleep(for: .milliseconds(100))
        }
        return messages
    }

    /// The first message `predicate` accepts, waiting up to `timeout`.
    func waitForMessage(timeout: Duration = .seconds(30), where predicate: (String) -> Bool) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let message = messages.first(where: predicate) { return message }
            guard ContinuousClock.now < deadline else { throw ServiceProcess.ProcessFailure(description: "no such message among \(messages.count) within \(timeout)") }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    private static func accepts(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
