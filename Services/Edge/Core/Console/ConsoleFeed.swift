import Foundation
import Logging
import OmniKafka
import OmniMessaging
import OmniRuntime
import ServiceLifecycle
import Synchronization

/// What the console's open pages wait for: every event of every service, read by each
/// edge replica for itself (a consumer group of its own, from the newest offset), told to
/// the pages open on the customers it is about. Nothing is stored: a page that misses one
/// still shows the truth on its next read.
final class ConsoleFeed: Service, Sendable {
    private let resources: ServiceResources
    /// Partitions assigned: from here on, no event is missed (`/health/ready` waits for it).
    private let following = Mutex(false)
    var isFollowing: Bool { following.withLock { $0 } }
    /// Each open page's stream, and the key (a customer id, a sku) it follows.
    private let subscribers = Mutex<[UUID: (key: String, continuation: AsyncStream<String>.Continuation)]>([:])

    init(resources: ServiceResources) {
        self.resources = resources
    }

    /// The events about `key` (a customer id, a sku) from now on, as server-sent events; a
    /// comment every 15 s keeps proxies from closing the stream.
    func subscribe(key: String) -> AsyncStream<String> {
        let id = UUID()
        let (stream, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(64))
        continuation.onTermination = { [weak self] _ in self?.subscribers.withLock { _ = $0.removeValue(forKey: id) } }
        subscribers.withLock { $0[id] = (key, continuation) }
        continuation.yield("retry: 3000\n: open\n\n")
        return stream
    }

    var subscriberCount: Int { subscribers.withLock { $0.count } }

    func run() async throws {
        let configuration = resources.configuration
        let heartbeat = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(15))
                self?.broadcast(": keep-alive\n\n")
            }
        }
        defer { heartbeat.cancel() }
        try await EventsTail.run(resources: resources, group: "\(configuration.consumerGroup)-console-\(configuration.instanceID)", clientSuffix: "-console",
                                 fromEarliest: false, assigned: { self.following.withLock { $0 = true } }) { batch in
            if self.subscriberCount > 0 { self.tell(batch) }
        }
        subscribers.withLock { subscribers in
            for subscriber in subscribers.values { subscriber.continuation.finish() }
            subscribers.removeAll()
        }
    }

    private func tell(_ batch: [ConsumedMessage]) {
        for message in batch {
            guard let event = try? CloudEvent(message: message) else { continue }
            let keys = Self.keys(of: event)
            guard !keys.isEmpty else { continue }
            let line = "event: update\ndata: \(event.type)\n\n"
            subscribers.withLock { subscribers in
                for subscriber in subscribers.values where keys.contains(subscriber.key) { subscriber.continuation.yield(line) }
            }
        }
    }

    private func broadcast(_ text: String) {
        subscribers.withLock { subscribers in
            for subscriber in subscribers.values { subscriber.continuation.yield(text) }
        }
    }

    /// The key a store's click & collect desk follows.
    static func deskKey(_ store: String) -> String { "desk:" + store }

    /// What an event is about: its subject, and the `customerId`, cart owner or `sku` its
    /// data names, at the top, in its `order` or `profile` or in each of its `levels`; a
    /// pickup order's desk.
    static func keys(of event: CloudEvent) -> Set<String> {
        var found: Set<String> = []
        if let subject = event.subject { found.insert(subject) }
        guard event.data.count < 1 << 20, let data = try? JSONSerialization.jsonObject(with: Data(event.data)) as? [String: Any] else { return found }
        let levels = (data["levels"] as? [Any] ?? []).compactMap { $0 as? [String: Any] }  // AvailabilityChanged, StockReserved: every sku they moved
        for object in [data, data["order"] as? [String: Any], data["profile"] as? [String: Any]].compactMap({ $0 }) + levels {
            for key in ["customerId", "ownerId", "sku"] { if let id = object[key] as? String { found.insert(id) } }
        }
        // A click & collect order's every step moves its store's desk.
        if let fulfilment = (data["order"] as? [String: Any])?["fulfilment"] as? [String: Any], fulfilment["mode"] as? String == "pickup",
           let store = fulfilment["storeId"] as? String {
            found.insert(deskKey(store))
        }
        return found
    }
}

/// The one feed of a process, made by whichever of the routes and the workers asks first.
final class ConsoleFeedSlot: Sendable {
    private let feed = Mutex<ConsoleFeed?>(nil)

    var isFollowing: Bool { feed.withLock { $0?.isFollowing ?? false } }

    func feed(_ resources: ServiceResources) -> ConsoleFeed {
        feed.withLock { feed in
            if let feed { return feed }
            let made = ConsoleFeed(resources: resources)
            feed = made
            return made
        }
    }
}
