import Foundation
import NotificationsCore

/// A real SMTP server on loopback that discards what it gets (Debian's `python3-aiosmtpd`),
/// for the phases where notifications send email.
final class SMTPSink: @unchecked Sendable {
    let port = Int.random(in: 20_000...60_000)
    private let process = Process()

    init() {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-m", "aiosmtpd", "-n", "-l", "127.0.0.1:\(port)", "-c", "aiosmtpd.handlers.Sink"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
    }

    /// Starts the server and waits until it takes a message.
    func start() async throws {
        try process.run()
        let client = SMTPClient(configuration: .init(host: "127.0.0.1", port: port))
        let deadline = ContinuousClock.now + .seconds(15)
        while (try? await client.send(.init(from: "bench@omni.local", to: "probe@example.com", subject: "probe", body: "probe"))) == nil {
            guard process.isRunning, ContinuousClock.now < deadline else { throw BenchError("aiosmtpd did not start (apt install python3-aiosmtpd)") }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    func stop() {
        if process.isRunning { process.terminate() }
    }
}
