import Foundation
import Mustache
import OmniMessaging

/// Templates are files in the repo (`Templates/<locale>/<name>.mustache`, the first line
/// is the subject); the customer's locale picks the language, English when there is none.
public struct MessageRenderer: Sendable {
    public static let locales = ["en", "fr"]
    private let library: MustacheLibrary

    public init(directory: String) async throws {
        library = try await MustacheLibrary(directory: directory)
    }

    public struct Rendered: Equatable, Sendable {
        public var subject: String
        public var body: String
    }

    /// The locale used for `requested` ("fr-FR" → "fr").
    public static func locale(for requested: String?) -> String {
        let language = requested?.split(whereSeparator: { $0 == "-" || $0 == "_" }).first.map { $0.lowercased() } ?? "en"
        return locales.contains(language) ? language : "en"
    }

    public func hasTemplate(_ name: String, locale: String) -> Bool { library.getTemplate(named: "\(locale)/\(name)") != nil }

    /// Every text value is put on one line first (`SingleLine`): a first name holding
    /// "\r\nBcc: …" would otherwise end the subject line early and start a header or a
    /// body of its own. The subject is split off at the first LF scalar, not `Character`
    /// ("\r\n" is one `Character`, which a split on "\n" misses).
    public func render(_ name: String, locale: String, values: [String: Any]) -> Rendered? {
        guard let text = library.render(Self.oneLine(values), withTemplate: "\(locale)/\(name)") else { return nil }
        let scalars = text.unicodeScalars
        let end = scalars.firstIndex(of: "\n") ?? scalars.endIndex
        let subject = SingleLine.clean(String(scalars[..<end])).trimmingCharacters(in: .whitespaces)
        let body = end == scalars.endIndex ? "" : String(scalars[scalars.index(after: end)...]).trimmingCharacters(in: .newlines) + "\n"
        return Rendered(subject: subject, body: end == scalars.endIndex ? "" : body)
    }

    /// Text values, however deep in arrays and dictionaries, with their line breaks made spaces.
    static func oneLine(_ value: Any) -> Any {
        switch value {
        case let text as String: SingleLine.clean(text)
        case let dictionary as [String: Any]: dictionary.mapValues(oneLine)
        case let array as [Any]: array.map(oneLine)
        default: value
        }
    }
}
