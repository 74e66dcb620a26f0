import Foundation
import NotificationsCore
import Testing

/// Our SMTP client against a real SMTP server (aiosmtpd), which stamps each message with
/// the client's address and port (`X-Peer`): one port, one connection.
@Suite("SMTP client: sessions reused between messages (real SMTP server)")
struct SMTPClientTests {
    static func message(_ n: Int, to: String? = nil) -> SMTPClient.Message {
        .init(from: "shop@omni.local", to: to ?? "c\(n)@example.com", subject: "Message \(n)", body: "Hello \(n)\n", messageId: "m\(n)")
    }

    /// The `X-Peer` of each message received, by its `Message-ID` number.
    static func peers(_ smtp: SMTPServerProcess, count: Int) async throws -> [Int: String] {
        var peers: [Int: String] = [:]
        for raw in try await smtp.waitForMessages(count) {
            let headers = raw.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            guard let id = headers.first(where: { $0.hasPrefix("Message-ID: <m") }), let peer = headers.first(where: { $0.hasPrefix("X-Peer:") }),
                  let n = Int(id.dropFirst("Message-ID: <m".count).prefix { $0.isNumber }) else { continue }
            peers[n] = peer
        }
        return peers
    }

    @Test("messages sent one after another share one connection")
    func reused() async throws {
        let smtp = try await SMTPServerProcess()
        let client = SMTPClient(configuration: .init(host: "127.0.0.1", port: smtp.port))
        for n in 1...3 { try await client.send(Self.message(n)) }
        let peers = try await Self.peers(smtp, count: 3)
        #expect(peers.count == 3)
        #expect(Set(peers.values).count == 1, "\(peers)")
    }

    @Test("a refused recipient fails that message only; the session goes on after RSET")
    func refusedThenReused() async throws {
        let smtp = try await SMTPServerProcess()
        let client = SMTPClient(configuration: .init(host: "127.0.0.1", port: smtp.port))
        try await client.send(Self.message(1))
        await #expect(throws: SMTPClient.Refused.self) { try await client.send(Self.message(2, to: "two@at@signs")) }
        try await client.send(Self.message(3))
        let peers = try await Self.peers(smtp, count: 2)
        #expect(peers.keys.sorted() == [1, 3])
        #expect(peers[1] == peers[3], "the refusal did not cost the connection: \(peers)")
    }

    @Test("a session idle past its timeout is closed, and the next message opens a new one")
    func idleSessionsClose() async throws {
        let smtp = try await SMTPServerProcess()
        let client = SMTPClient(configuration: .init(host: "127.0.0.1", port: smtp.port, idleTimeout: .milliseconds(50)))
        try await client.send(Self.message(1))
        try await Task.sleep(for: .milliseconds(200))
        try await client.send(Self.message(2))
        let peers = try await Self.peers(smtp, count: 2)
        #expect(peers.count == 2)
        #expect(peers[1] != peers[2], "\(peers)")
    }

    @Test("a session whose server went away fails the next message with an error, at once, not a hang")
    func serverGone() async throws {
        let smtp = try await SMTPServerProcess()
        let client = SMTPClient(configuration: .init(host: "127.0.0.1", port: smtp.port))
        try await client.send(Self.message(1))
        smtp.stop()
        await #expect(throws: (any Error).self) { try await client.send(Self.message(2)) }
    }

    @Test("a kept session the server dropped (a restart) is replaced without losing the message")
    func droppedSessionReplaced() async throws {
        let smtp = try await SMTPServerProcess()
        let client = SMTPClient(configuration: .init(host: "127.0.0.1", port: smtp.port))
        try await client.send(Self.message(1))
        try await smtp.restart()
        try await client.send(Self.message(2))
        let peers = try await Self.peers(smtp, count: 2)
        #expect(peers.count == 2)
        #expect(peers[1] != peers[2], "message 2 went on a new connection: \(peers)")
    }

    @Test("CR and LF in a subject, an address or a message id never reach the server as a line of their own: one recipient, no extra header")
    func noInjection() async throws {
        let smtp = try await SMTPServerProcess()
        let client = SMTPClient(configuration: .init(host: "127.0.0.1", port: smtp.port))
        try await client.send(.init(from: "shop@omni.local", to: "ada@example.com", subject: "Thank you, Ada\r\nBcc: x@example.org",
                                    body: "Hello\r\n.\rBcc: y@example.org\nbye\n", messageId: "inj\r\nX-Injected: 1"))
        // An address holding a CRLF stays one RCPT TO line, which the server refuses as one address.
        await #expect(throws: SMTPClient.Refused.self) {
            try await client.send(.init(from: "shop@omni.local", to: "ada@example.com>\r\nRCPT TO:<x@example.org", subject: "s", body: "b\n"))
        }
        let mails = try await smtp.waitForMessages(1)
        try await Task.sleep(for: .milliseconds(300))
        #expect(smtp.messages.count == 1, "the refused message was not delivered")
        let mail = try #require(mails.first)
        let lines = mail.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .init(charactersIn: "\r")) }
        let headers = lines.prefix { !$0.isEmpty }
        #expect(headers.filter { $0.hasPrefix("X-RcptTo:") } == ["X-RcptTo: ada@example.com"], "\(headers)")
        #expect(!headers.contains { $0.hasPrefix("Bcc:") || $0.hasPrefix("X-Injected:") }, "\(headers)")
        #expect(headers.contains("Subject: Thank you, Ada  Bcc: x@example.org"), "\(headers)")
        // The body's bare CR became a line end, dot-stuffed where it starts with a dot.
        #expect(lines.contains("Bcc: y@example.org") && lines.contains("."), "\(mail)")
    }
}
