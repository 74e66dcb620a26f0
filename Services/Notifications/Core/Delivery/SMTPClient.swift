import Foundation
import NIOCore
import NIOPosix
import OmniMessaging
import Synchronization

/// A small SMTP client (RFC 5321) on SwiftNIO: plain text over TCP (a local relay,
/// Mailpit, a test server). No package in our list speaks SMTP.
///
/// Sessions are reused: after a message its connection stays open for the next one
/// (`RSET` first if the last one was refused). A connection, its greeting, `EHLO` and
/// `QUIT` for every message cost both sides more than the message itself, and relays
/// limit how fast a client may connect.
public final class SMTPClient: Sendable {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        public var heloName: String
        public var timeout: Duration
        /// Open sessions kept between messages.
        public var maxIdleSessions: Int
        /// A session idle longer than this is closed rather than used (servers drop idle clients).
        public var idleTimeout: Duration
        public init(host: String, port: Int, heloName: String = "omni.local", timeout: Duration = .seconds(10),
                    maxIdleSessions: Int = 8, idleTimeout: Duration = .seconds(30)) {
            self.host = host
            self.port = port
            self.heloName = heloName
            self.timeout = timeout
            self.maxIdleSessions = maxIdleSessions
            self.idleTimeout = idleTimeout
        }
    }

    public struct Message: Sendable {
        public var from: String
        public var to: String
        public var subject: String
        public var body: String
        /// Our message id, sent as the `Message-ID` header so a copy can be traced.
        public var messageId: String?
        public init(from: String, to: String, subject: String, body: String, messageId: String? = nil) {
            self.from = from
            self.to = to
            self.subject = subject
            self.body = body
            self.messageId = messageId
        }
    }

    /// A reply the server refused with (a 4xx is worth retrying, a 5xx is not).
    public struct Refused: Error, CustomStringConvertible {
        public var code: Int
        public var text: String
        public var isTransient: Bool { (400..<500).contains(code) }
        public var description: String { "SMTP \(code) \(text)" }
    }

    /// The connection failed during a message. `mayHaveDelivered`: it failed after the
    /// message's data went out, so the server may have taken it.
    public struct SessionLost: Error, CustomStringConvertible {
        public var mayHaveDelivered: Bool
        public var underlying: String
        public var description: String { "SMTP connection lost\(mayHaveDelivered ? " after the data was sent" : ""): \(underlying)" }
    }

    public let configuration: Configuration
    private let idle = Mutex<[(session: Session, since: ContinuousClock.Instant)]>([])

    public init(configuration: Configuration) { self.configuration = configuration }

    deinit { closeIdleSessions() }

    public func send(_ message: Message) async throws {
        // A kept session may have been dropped by the server meanwhile: when it fails before
        // any of this message went out, the message goes on the next session, or a new one.
        while let session = takeIdle() {
            do {
                try await session.deliver(message)
                keep(session)
                return
            } catch let lost as SessionLost where !lost.mayHaveDelivered {
                continue
            } catch {
                keep(session)
                throw error
            }
        }
        let session = try await Session.open(configuration)
        do {
            try await session.deliver(message)
        } catch {
            keep(session)
            throw error
        }
        keep(session)
    }

    /// Says QUIT on every kept session (the service is stopping).
    public func closeIdleSessions() {
        let sessions = idle.withLock { idle in
            defer { idle = [] }
            return idle
        }
        for (session, _) in sessions { session.close() }
    }

    /// The most recently used open session, closing the ones idle too long.
    private func takeIdle() -> Session? {
        let (session, stale) = idle.withLock { idle -> (Session?, [Session]) in
            let now = ContinuousClock.now
            var stale: [Session] = []
            idle.removeAll { entry in
                guard now - entry.since > configuration.idleTimeout else { return false }
                stale.append(entry.session)
                return true
            }
            return (idle.popLast()?.session, stale)
        }
        for session in stale { session.close() }
        return session
    }

    /// Keeps an open session for the next message (or closes it when enough are kept).
    private func keep(_ session: Session) {
        guard session.isOpen else { return }
        let kept = idle.withLock { idle -> Bool in
            guard idle.count < configuration.maxIdleSessions else { return false }
            idle.append((session, .now))
            return true
        }
        if !kept { session.close() }
    }

    /// Headers and body, dot-stuffed, CRLF line ends, ended by "." alone on a line.
    /// Every header value is one line (`SingleLine`): a CR or LF in a subject (a first name
    /// rendered into it) would otherwise start a header of its own (`Bcc: …`). The body's
    /// line ends, CRLF, CR or LF alone, all become CRLF.
    static func data(_ message: Message) -> String {
        let oneLine = SingleLine.clean(message.subject)
        let subject = oneLine.unicodeScalars.allSatisfy(\.isASCII) ? oneLine : "=?UTF-8?B?\(Data(oneLine.utf8).base64EncodedString())?="
        var lines = [
            "From: <\(SingleLine.clean(message.from))>", "To: <\(SingleLine.clean(message.to))>", "Subject: \(subject)",
            "Date: \(Date().formatted(.iso8601))", "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit",
        ]
        if let id = message.messageId { lines.append("Message-ID: <\(SingleLine.clean(id))@omni.local>") }
        lines.append("")
        for line in bodyLines(message.body) {
            lines.append(line.hasPrefix(".") ? "." + line : line)
        }
        return lines.joined(separator: "\r\n") + "\r\n.\r\n"
    }

    /// The body split at CRLF, CR or LF, by unicode scalars.
    static func bodyLines(_ body: String) -> [String] {
        var lines: [String] = []
        var current = String.UnicodeScalarView()
        var afterCR = false
        for scalar in body.unicodeScalars {
            if scalar == "\n", afterCR { afterCR = false; continue }
            afterCR = scalar == "\r"
            if scalar == "\r" || scalar == "\n" {
                lines.append(String(current))
                current = String.UnicodeScalarView()
            } else {
                current.append(scalar)
            }
        }
        lines.append(String(current))
        return lines
    }

    /// One connection, served by a task of its own: the channel is only used inside its
    /// `executeThenClose`, so messages come to the task one at a time (`deliver`).
    final class Session: Sendable {
        struct Job: Sendable {
            var message: Message
            var done: CheckedContinuation<Void, any Error>
        }

        private let jobs: AsyncStream<Job>.Continuation
        private let open = Atomic<Bool>(true)

        var isOpen: Bool { open.load(ordering: .acquiring) }

        private init(jobs: AsyncStream<Job>.Continuation) { self.jobs = jobs }

        static func open(_ configuration: Configuration) async throws -> Session {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(Int64(configuration.timeout.components.seconds)))
                .connect(host: configuration.host, port: configuration.port) { channel in
                    channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
                }
            let (stream, jobs) = AsyncStream.makeStream(of: Job.self)
            let session = Session(jobs: jobs)
            Task { await session.serve(channel, stream, heloName: configuration.heloName) }
            return session
        }

        /// Sends one message on this session; the session must not be in use.
        func deliver(_ message: Message) async throws {
            try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
                if case .terminated = jobs.yield(Job(message: message, done: done)) {
                    done.resume(throwing: SessionLost(mayHaveDelivered: false, underlying: "session closed"))
                }
            }
        }

        /// QUIT once the current message (if any) is done.
        func close() { jobs.finish() }

        private func serve(_ channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>, _ stream: AsyncStream<Job>, heloName: String) async {
            var pending = stream.makeAsyncIterator()
            do {
                try await channel.executeThenClose { inbound, outbound in
                    var replies = ReplyReader(inbound.makeAsyncIterator())
                    func expect(_ codes: ClosedRange<Int>) async throws {
                        let (code, text) = try await replies.next()
                        guard codes.contains(code) else { throw Refused(code: code, text: text) }
                    }
                    func command(_ line: String, expecting codes: ClosedRange<Int>) async throws {
                        try await outbound.write(ByteBuffer(string: line + "\r\n"))
                        try await expect(codes)
                    }
                    var greeted = false, refusedLast = false
                    while let job = await pending.next() {
                        var dataSent = false
                        do {
                            if !greeted {
                                try await expect(220...220)
                                try await command("EHLO \(heloName)", expecting: 250...250)
                                greeted = true
                            }
                            if refusedLast {
                                try await command("RSET", expecting: 250...250)
                                refusedLast = false
                            }
                            // One line each, whatever the addresses hold: a CR or LF would start another command.
                            try await command("MAIL FROM:<\(SingleLine.clean(job.message.from))>", expecting: 250...250)
                            try await command("RCPT TO:<\(SingleLine.clean(job.message.to))>", expecting: 250...251)
                            try await command("DATA", expecting: 354...354)
                            dataSent = true
                            try await outbound.write(ByteBuffer(string: SMTPClient.data(job.message)))
                            try await expect(250...250)
                            job.done.resume()
                        } catch let refused as Refused where greeted && refused.code != 421 {
                            // The server answered: the session stays usable.
                            refusedLast = true
                            job.done.resume(throwing: refused)
                        } catch let refused as Refused where refused.code != 421 {
                            // Refused at the greeting: this server will not talk to us.
                            open.store(false, ordering: .releasing)
                            job.done.resume(throwing: refused)
                            return
                        } catch {
                            // Gone, or "421 closing" (a server's idle timeout): this session is over.
                            open.store(false, ordering: .releasing)
                            job.done.resume(throwing: SessionLost(mayHaveDelivered: dataSent, underlying: "\(error)"))
                            return
                        }
                    }
                    // Closed by the client: say goodbye.
                    open.store(false, ordering: .releasing)
                    try await outbound.write(ByteBuffer(string: "QUIT\r\n"))
                }
            } catch {
                // QUIT on a connection the server had dropped: nothing was lost.
            }
            open.store(false, ordering: .releasing)
            jobs.finish()
            // A message handed over while the session was ending.
            while let job = await pending.next() {
                job.done.resume(throwing: SessionLost(mayHaveDelivered: false, underlying: "session closed"))
            }
        }
    }

    /// Reads replies line by line; a multi-line reply ("250-...") ends with "250 ...".
    struct ReplyReader {
        var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
        var pending = ""

        init(_ iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator) { self.iterator = iterator }

        mutating func line() async throws -> String {
            while true {
                if let range = pending.range(of: "\r\n") {
                    let line = String(pending[..<range.lowerBound])
                    pending.removeSubrange(..<range.upperBound)
                    return line
                }
                guard var buffer = try await iterator.next() else { throw Refused(code: 421, text: "connection closed") }
                pending += buffer.readString(length: buffer.readableBytes) ?? ""
            }
        }

        mutating func next() async throws -> (Int, String) {
            while true {
                let line = try await line()
                guard line.count >= 3, let code = Int(line.prefix(3)) else { throw Refused(code: 500, text: "unreadable reply: \(line)") }
                if line.count == 3 || line[line.index(line.startIndex, offsetBy: 3)] == " " { return (code, String(line.dropFirst(4))) }
            }
        }
    }
}
