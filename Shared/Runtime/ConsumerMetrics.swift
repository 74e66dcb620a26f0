import Metrics
import Synchronization

/// The consumer loop's per-message metric handles, made once per topic and outcome or per
/// type: making one asks the metrics factory (a lock, a look-up by label and dimensions),
/// which every message did otherwise. Bounded: topics are the subscribed ones, types those
/// with a handler.
final class ConsumerMetrics: Sendable {
    private let consumed = Mutex<[String: Counter]>([:])
    private let durations = Mutex<[String: Timer]>([:])

    /// `omni_messages_consumed_total{topic, outcome}`.
    func consumed(topic: String, outcome: String) -> Counter {
        consumed.withLock { counters in
            let key = topic + " " + outcome
            if let counter = counters[key] { return counter }
            let counter = Counter(label: "omni_messages_consumed_total", dimensions: [("topic", topic), ("outcome", outcome)])
            counters[key] = counter
            return counter
        }
    }

    /// `omni_handler_duration_seconds{type}`.
    func duration(type: String) -> Timer {
        durations.withLock { timers in
            if let timer = timers[type] { return timer }
            let timer = Timer(label: "omni_handler_duration_seconds", dimensions: [("type", type)])
            timers[type] = timer
            return timer
        }
    }
}
