import Foundation
import OmniMessaging

/// A JSON document the fuzzer can take apart and put back together. Objects keep their
/// key order, so a payload encodes to the same bytes for the same seed.
indirect enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    static func == (lhs: JSONValue, rhs: JSONValue) -> Bool { lhs.bytes == rhs.bytes }

    /// A contract value as it travels (the services' own JSON coding).
    init(encoding value: some Encodable) throws {
        self = try JSONDecoder().decode(JSONValue.self, from: JSONCoding.encoder.encode(value))
    }

    var bytes: [UInt8] {
        var out: [UInt8] = []
        write(to: &out)
        return out
    }

    private func write(to out: inout [UInt8]) {
        switch self {
        case .null: out += Array("null".utf8)
        case .bool(let value): out += Array((value ? "true" : "false").utf8)
        case .number(let text): out += Array(text.utf8)
        case .string(let text): Self.writeString(text, to: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                item.write(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (index, (key, value)) in members.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                Self.writeString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                value.write(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func writeString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += Array("\\\"".utf8)
            case "\\": out += Array("\\\\".utf8)
            case "\n": out += Array("\\n".utf8)
            case "\r": out += Array("\\r".utf8)
            case "\t": out += Array("\\t".utf8)
            case _ where scalar.value < 0x20: out += Array(String(format: "\\u%04x", scalar.value).utf8)
            default: out += Array(String(scalar).utf8)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Every path to a value inside this document (the root excluded).
    var paths: [[PathStep]] {
        var result: [[PathStep]] = []
        func walk(_ value: JSONValue, _ prefix: [PathStep]) {
            switch value {
            case .object(let members):
                for (key, member) in members {
                    result.append(prefix + [.key(key)])
                    walk(member, prefix + [.key(key)])
                }
            case .array(let items):
                for (index, item) in items.enumerated() {
                    result.append(prefix + [.index(index)])
                    walk(item, prefix + [.index(index)])
                }
            default: break
            }
        }
        walk(self, [])
        return result
    }

    enum PathStep: Equatable, Sendable {
        case key(String)
        case index(Int)
    }

    subscript(path: [PathStep]) -> JSONValue? {
        guard let first = path.first else { return self }
        switch (self, first) {
        case (.object(let members), .key(let key)): return members.first { $0.0 == key }?.1[Array(path.dropFirst())]
        case (.array(let items), .index(let index)) where items.indices.contains(index): return items[index][Array(path.dropFirst())]
        default: return nil
        }
    }

    /// Replaces (or, with nil, removes) the value at `path`.
    func replacing(_ path: [PathStep], with replacement: JSONValue?) -> JSONValue {
        guard let first = path.first else { return replacement ?? .null }
        let rest = Array(path.dropFirst())
        switch (self, first) {
        case (.object(var members), .key(let key)):
            guard let position = members.firstIndex(where: { $0.0 == key }) else { return self }
            if rest.isEmpty, replacement == nil {
                members.remove(at: position)
            } else {
                members[position].1 = members[position].1.replacing(rest, with: replacement)
            }
            return .object(members)
        case (.array(var items), .index(let index)) where items.indices.contains(index):
            if rest.isEmpty, replacement == nil {
                items.remove(at: index)
            } else {
                items[index] = items[index].replacing(rest, with: replacement)
            }
            return .array(items)
        default:
            return self
        }
    }

    func adding(key: String, value: JSONValue) -> JSONValue {
        guard case .object(var members) = self else { return self }
        members.append((key, value))
        return .object(members)
    }

    var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "bool"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

extension [JSONValue.PathStep] {
    var dotted: String {
        map { step in
            switch step {
            case .key(let key): key
            case .index(let index): "[\(index)]"
            }
        }.joined(separator: ".")
    }
}

extension JSONValue: Decodable {
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .number(String(value))
        } else if let value = try? container.decode(Double.self) {
            self = .number(String(value))
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            let members = try container.decode([String: JSONValue].self)
            self = .object(members.keys.sorted().map { ($0, members[$0]!) })
        }
    }
}
