import Foundation
import Mustache

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

    public func render(_ name: String, locale: String, values: [String: Any]) -> Rendered? {
        guard let text = library.render(values, withTemplate: "\(locale)/\(name)") else { return nil }
        let parts = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        return Rendered(subject: String(parts.first ?? "").trimmingCharacters(in: .whitespaces),
                        body: parts.count > 1 ? String(parts[1]).trimmingCharacters(in: .newlines) + "\n" : "")
    }
}
