import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// A real HTTP server on loopback standing in for the SMS and push providers: it records
/// every request and refuses, as a provider would, the numbers in `unreachable` (422);
/// it answers 503 the first time it sees a number in `flaky`.
final class WebhookReceiver: Sendable {
    struct Received: Decodable, Sendable {
        var medium: String = ""
        var idempotencyKey: String = ""
        var messageId: String
        var to: String
        var title: String?
        var text: String
        enum CodingKeys: String, CodingKey { case messageId, to, title, text }
    }

    private final class Log: Sendable {
        let entries = Mutex<[Received]>([])
    }

    private let log = Log()
    private let task: Task<Void, any Error>
    let port: Int

    init(unreachable: Set<String> = [], flaky: Set<String> = []) async throws {
        let router = Router()
        let log = self.log
        for medium in ["sms", "push"] {
            router.post("/\(medium)") { request, context -> Response in
                let body = try await request.body.collect(upTo: 64 * 1024)
                var message = try JSONDecoder().decode(Received.self, from: Data(buffer: body))
                message.medium = medium
                message.idempotencyKey = request.headers[HTTPField.Name("Idempotency-Key")!] ?? ""
                log.entries.withLock { $0.append(message) }
                let firstTime = log.entries.withLock { entries in entries.filter { $0.to == message.to }.count == 1 }
                if flaky.contains(message.to), firstTime {
                    return Response(status: .serviceUnavailable)
                }
                if unreachable.contains(message.to) {
                    return Response(status: .unprocessableContent, body: .init(byteBuffer: ByteBuffer(string: "{\"error\":\"number \(message.to) is not reachable\"}")))
                }
                return Response(status: .accepted)
            }
        }
        let (stream, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) })
        task = Task { try await app.runService(gracefulShutdownSignals: []) }
        var iterator = stream.makeAsyncIterator()
        port = await iterator.next() ?? 0
    }

    var url: String { "http://127.0.0.1:\(port)" }
    var messages: [Received] { log.entries.withLock { $0 } }

    /// Waits until `predicate` holds for the received messages.
    func wait(timeout: Duration = .seconds(20), until predicate: ([Received]) -> Bool) async throws -> [Received] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let now = messages
            if predicate(now) { return now }
            try await Task.sleep(for: .milliseconds(100))
        }
        return messages
    }

    func stop() { task.cancel() }
}
