import Dispatch
import Foundation

/// Every process the bench started (services, SMTP sinks), so that a Ctrl-C or a SIGTERM
/// stops them too instead of leaving them running without their Postgres and broker.
enum ChildProcesses {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var pids: Set<Int32> = []
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

    static func started(_ pid: Int32) { lock.withLock { _ = pids.insert(pid) } }
    static func ended(_ pid: Int32) { lock.withLock { _ = pids.remove(pid) } }

    /// On SIGINT or SIGTERM: kill what is still running, then exit with the signal's status.
    static func stopOnSignals() {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                for pid in lock.withLock({ pids }) { kill(pid, SIGKILL) }
                exit(128 + signalNumber)
            }
            source.resume()
            lock.withLock { sources.append(source) }
        }
    }
}
