import Foundation
import Logging

/// Logs as text (a person at a terminal) or JSON lines (a log pipeline).
public enum OmniLogging {
    private static let once = Once()

    public static func bootstrap(format: OmniConfiguration.LogFormat, level: String) {
        let logLevel = Logger.Level(rawValue: level) ?? .info
        once.run {
            LoggingSystem.bootstrap { label in
                var handler: any LogHandler = format == .json ? JSONLinesLogHandler(label: label) : StreamLogHandler.standardError(label: label)
                handler.logLevel = logLevel
                return handler
            }
        }
    }

    private final class Once: @unchecked Sendable {
        private let lock = NSLock()
        private var done = false
        func run(_ body: () -> Void) {
            lock.lock()
            defer { lock.unlock() }
            guard !done else { return }
            done = true
            body()
        }
    }
}

/// One JSON object per line on standard error: time, level, label, message, metadata.
public struct JSONLinesLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    private let label: String

    public init(label: String) { self.label = label }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields: [String: String] = [
            "time": Date().formatted(.iso8601), "level": event.level.rawValue, "label": label, "message": "\(event.message)",
        ]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) { fields[key] = "\(value)" }
        guard var line = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]) else { return }
        line.append(0x0A)
        FileHandle.standardError.write(line)
    }
}
