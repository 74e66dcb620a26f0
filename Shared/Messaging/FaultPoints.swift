import Foundation

/// Crash points for the delivery-guarantee tests: with `OMNI_FAULT_POINTS=name[@n],...`
/// in the environment, the process kills itself with SIGKILL the n-th time (default: the
/// first) it passes `name`. Unset in production, where `hit` is a no-op.
///
/// Points: `relay.after-publish` (published, not yet marked), `consumer.after-commit`
/// (handled and committed, offset not yet stored); services add their own
/// (`orders.saga-step`, `notifications.after-send`, ...).
public enum FaultPoints {
    private static let armed: [String: Int] = {
        guard let spec = ProcessInfo.processInfo.environment["OMNI_FAULT_POINTS"], !spec.isEmpty else { return [:] }
        var points: [String: Int] = [:]
        for entry in spec.split(separator: ",") {
            let parts = entry.split(separator: "@")
            points[String(parts[0])] = parts.count > 1 ? Int(parts[1]) ?? 1 : 1
        }
        return points
    }()
    private static let counts = Counts()

    private final class Counts: @unchecked Sendable {
        private let lock = NSLock()
        private var values: [String: Int] = [:]
        func increment(_ name: String) -> Int {
            lock.lock()
            defer { lock.unlock() }
            values[name, default: 0] += 1
            return values[name]!
        }
    }

    public static func hit(_ name: String) {
        guard let target = armed[name] else { return }
        if counts.increment(name) == target {
            FileHandle.standardError.write(Data("fault point \(name) reached: SIGKILL\n".utf8))
            kill(getpid(), SIGKILL)
        }
    }
}
