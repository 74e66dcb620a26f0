import Foundation
import OmniKafka
import OmniMessaging
import Synchronization

/// Records what crosses the wire during the integration tests, for the contract check
/// (`contracts/check_contracts.py --recorded`, run by `scripts/omni test`): when
/// `OMNI_CONTRACT_RECORD` names a file, every message a test's `EventWatcher` reads (on
/// every topic of its broker: commands, events, interactions, dead letters) and every answer
/// a service process gives a test over HTTP is appended to it as one JSON line.
///
/// Tests run concurrently in this process, and possibly in others: each line is written
/// with a single `write(2)` on a descriptor opened with `O_APPEND`, under a lock, so lines
/// never interleave.
enum ContractRecorder {
    static let path: String? = {
        guard let path = ProcessInfo.processInfo.environment["OMNI_CONTRACT_RECORD"], !path.isEmpty else { return nil }
        return path
    }()

    static var isOn: Bool { path != nil }

    /// The five services and the edge: other executables (the probe) are no part of the contract.
    static let services: Set<String> = Set(ServiceName.allCases.map(\.rawValue) + ["edge"])

    private static let descriptor = Mutex<Int32>(-1)

    /// A Kafka record: which broker (each test stack has its own, so offsets are only
    /// unique with it), where, its headers (`[key, value]`, value null when not UTF-8), its value.
    struct KafkaRecord: Encodable {
        let kind = "kafka"
        var broker: String
        var topic: String
        var partition: Int32
        var offset: Int64
        var key: String?
        var headers: [[String?]]
        var value: String?
        var value_b64: String?
    }

    /// An HTTP exchange a test had with a service.
    struct HTTPRecord: Encodable {
        let kind = "http"
        var service: String
        var method: String
        var path: String
        var status: Int
        var contentType: String
        var body: String?
        var body_b64: String?
        var requestBody: String?
    }

    static func record(_ message: ConsumedMessage, broker: String) {
        guard isOn else { return }
        let text = String(validating: message.value, as: UTF8.self)
        append(KafkaRecord(
            broker: broker, topic: message.topic, partition: message.partition, offset: message.offset, key: message.keyString,
            headers: message.headers.map { [$0.key, $0.stringValue] },
            value: text, value_b64: text == nil ? Data(message.value).base64EncodedString() : nil))
    }

    static func record(service: String, method: String, path: String, status: Int, contentType: String, body: Data, requestBody: Data? = nil) {
        guard isOn, services.contains(service) else { return }
        let text = String(data: body, encoding: .utf8)
        append(HTTPRecord(
            service: service, method: method, path: path, status: status, contentType: contentType,
            body: text, body_b64: text == nil ? body.base64EncodedString() : nil,
            requestBody: requestBody.map { String(decoding: $0, as: UTF8.self) }))
    }

    private static func append(_ record: some Encodable) {
        guard let path, var line = try? JSONEncoder().encode(record) else { return }
        line.append(UInt8(ascii: "\n"))
        descriptor.withLock { fd in
            if fd < 0 { fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644) }
            guard fd >= 0 else { return }
            line.withUnsafeBytes { bytes in
                var offset = 0
                while offset < bytes.count {
                    let written = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        return
                    }
                    offset += written
                }
            }
        }
    }
}
