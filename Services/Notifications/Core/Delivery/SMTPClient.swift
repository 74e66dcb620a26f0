import Foundation
import NIOCore
import NIOPosix

/// A small SMTP client (RFC 5321) on SwiftNIO: one connection per message, plain text
/// over TCP (a local relay, Mailpit, a test server). No package in our list speaks SMTP.
public struct SMTPClient: Sendable {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        public var heloName: String
        public var timeout: Duration
        public init(host: String, port: Int, heloName: String = "omni.local", timeout: Duration = .seconds(10)) {
            self.host = host
            self.port = port
            self.heloName = heloName
            self.timeout = timeout
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

    public let configuration: Configuration
    public init(configuration: Configuration) { self.configuration = configuration }

    public func send(_ message: Message) async throws {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(Int64(configuration.timeout.components.seconds)))
            .connect(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
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
            try await expect(220...220)
            try await command("EHLO \(configuration.heloName)", expecting: 250...250)
            try await command("MAIL FROM:<\(message.from)>", expecting: 250...250)
            try await command("RCPT TO:<\(message.to)>", expecting: 250...251)
            try await command("DATA", expecting: 354...354)
            try await outbound.write(ByteBuffer(string: Self.data(message)))
            try await expect(250...250)
            try await outbound.write(ByteBuffer(string: "QUIT\r\n"))
        }
    }

    /// Headers and body, dot-stuffed, CRLF line ends, ended by "." alone on a line.
    static func data(_ message: Message) -> String {
        let subject = message.subject.allSatisfy(\.isASCII) ? message.subject : "=?UTF-8?B?\(Data(message.subject.utf8).base64EncodedString())?="
        var lines = [
            "From: <\(message.from)>", "To: <\(message.to)>", "Subject: \(subject)",
            "Date: \(Date().formatted(.iso8601))", "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit",
        ]
        if let id = message.messageId { lines.append("Message-ID: <\(id)@omni.local>") }
        lines.append("")
        for line in message.body.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false) {
            lines.append(line.hasPrefix(".") ? "." + line : String(line))
        }
        return lines.joined(separator: "\r\n") + "\r\n.\r\n"
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
