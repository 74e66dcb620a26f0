import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// Renders the console's pages (`Pages/templates`, Mustache: every value HTML-escaped)
/// and serves its assets.
struct ConsolePages: Sendable {
    private let library: MustacheLibrary
    let stylesheet: String
    let script: String

    init() throws {
        guard let pages = Bundle.module.url(forResource: "Pages", withExtension: nil) else {
            throw ConsoleSetupError(description: "the Pages resource is missing from the bundle")
        }
        var library = MustacheLibrary()
        let templates = pages.appendingPathComponent("templates")
        for file in try FileManager.default.contentsOfDirectory(atPath: templates.path) where file.hasSuffix(".mustache") {
            try library.register(String(contentsOf: templates.appendingPathComponent(file), encoding: .utf8), named: String(file.dropLast(".mustache".count)))
        }
        self.library = library
        stylesheet = try String(contentsOf: pages.appendingPathComponent("assets/console.css"), encoding: .utf8)
        script = try String(contentsOf: pages.appendingPathComponent("assets/console.js"), encoding: .utf8)
    }

    /// An HTML page: `values` plus the language's words (`t`) and the switch's state.
    func page(_ template: String, language: String, title: String, values: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        var values = values
        values["lang"] = language
        values["t"] = ConsoleText.words(language)
        values["title"] = title
        values["isEnglish"] = language == "en"
        values["isFrench"] = language == "fr"
        let html = library.render(values, withTemplate: template) ?? "<!doctype html><title>Omni</title><p>missing page \(template)</p>"
        var headers = Self.securityHeaders
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// What every console answer carries: no framing, no sniffing, nothing cached, and only
    /// this origin's own styles, scripts and connections.
    static var securityHeaders: HTTPFields {
        var headers = HTTPFields()
        headers[.contentSecurityPolicy] = "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
        headers[.xContentTypeOptions] = "nosniff"
        headers[.referrerPolicy] = "same-origin"
        headers[.cacheControl] = "no-store"
        return headers
    }

    static func redirect(to location: String, cookies: [Cookie] = []) -> Response {
        var headers = securityHeaders
        headers[.location] = location
        var response = Response(status: .seeOther, headers: headers)
        for cookie in cookies { response.setCookie(cookie) }
        return response
    }
}

struct ConsoleSetupError: Error, CustomStringConvertible { var description: String }

extension HTTPField.Name {
    static let xContentTypeOptions = Self("X-Content-Type-Options")!
    static let referrerPolicy = Self("Referrer-Policy")!
}
