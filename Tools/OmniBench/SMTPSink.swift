import Foundation
import NotificationsCore

/// A real SMTP server on loopback (Debian's `python3-aiosmtpd`), for the phases where
/// notifications send email: it discards what it gets, or keeps each message as a file
/// in `mailbox` (a maildir) when the run counts them.
final class SMTPSink: @unchecked Sendable {
    let port = Int.random(in: 20_000...60_000)
    let mailbox: URL?
    private let process = Process()

    init(mailbox: URL? = nil) {
        self.mailbox = mailbox
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-m", "aiosmtpd", "-n", "-l", "127.0.0.1:\(port)", "-c"]
            + (mailbox.map { ["aiosmtpd.handlers.Mailbox", $0.path] } ?? ["aiosmtpd.handlers.Sink"])
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
    }

    var pid: Int32 { process.processIdentifier }

    /// Starts the server and waits until it takes a message.
    func start() async throws {
        if let mailbox {
            for folder in ["tmp", "new", "cur"] {
                try FileManager.default.createDirectory(at: mailbox.appendingPathComponent(folder), withIntermediateDirectories: true)
            }
        }
        try process.run()
        ChildProcesses.started(process.processIdentifier)
        let client = SMTPClient(configuration: .init(host: "127.0.0.1", port: port))
        let deadline = ContinuousClock.now + .seconds(15)
        while (try? await client.send(.init(from: "bench@omni.local", to: "probe@example.com", subject: "probe", body: "probe"))) == nil {
            guard process.isRunning, ContinuousClock.now < deadline else { throw BenchError("aiosmtpd did not start (apt install python3-aiosmtpd)") }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// aiosmtpd's command line does not stop on SIGTERM: kill it.
    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        ChildProcesses.ended(process.processIdentifier)
    }

    /// How many messages the mailbox holds per `Message-ID` (the probe has none).
    func messageIDs() -> [String: Int] {
        guard let mailbox else { return [:] }
        var counts: [String: Int] = [:]
        let folder = mailbox.appendingPathComponent("new")
        for file in (try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? [] {
            guard let text = try? String(contentsOf: file, encoding: .utf8) else { continue }
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                if line.isEmpty || line == "\r" { break }  // end of the headers
                if line.lowercased().hasPrefix("message-id:") {
                    counts[line.dropFirst("message-id:".count).trimmingCharacters(in: .whitespacesAndNewlines), default: 0] += 1
                }
            }
        }
        return counts
    }
}
