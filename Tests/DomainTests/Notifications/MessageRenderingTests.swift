import Foundation
import NotificationsCore
import Testing

@Suite("Notifications: rendering keeps values on their line")
struct MessageRenderingTests {
    @Test("a first name holding CRLF and a header neither splits the subject nor moves into the body")
    func lineBreaksInValues() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("omni-templates-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("en"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "Thank you, {{firstName}}\nHello {{firstName}},\n{{#lines}}- {{name}}\n{{/lines}}See you soon.\n"
            .write(to: folder.appendingPathComponent("en/thanks.mustache"), atomically: true, encoding: .utf8)
        let renderer = try await MessageRenderer(directory: folder.path)
        for name in ["Ada\r\nBcc: x@example.org", "Ada\rBcc: x@example.org", "Ada\nBcc: x@example.org", "Ada\r", "Ada\u{2028}Bcc: x@example.org"] {
            let rendered = try #require(renderer.render("thanks", locale: "en", values: ["firstName": name, "lines": [["name": "Shoe\r\nX: 1"]]]))
            #expect(!rendered.subject.unicodeScalars.contains { $0 == "\r" || $0 == "\n" }, "\(name.debugDescription)")
            #expect(rendered.subject.hasPrefix("Thank you, Ada"), "\(rendered.subject.debugDescription)")
            #expect(rendered.body.hasPrefix("Hello Ada"), "\(rendered.body.debugDescription)")
            let lines = rendered.body.unicodeScalars.split { $0 == "\n" || $0 == "\r" }.map { String(String.UnicodeScalarView($0)) }
            #expect(!lines.contains { $0.hasPrefix("Bcc:") || $0.hasPrefix("X:") }, "\(rendered.body.debugDescription)")
            #expect(lines.count == 3, "\(lines)")
        }
        let plain = try #require(renderer.render("thanks", locale: "en", values: ["firstName": "Zoë", "lines": [["name": "Shoe"]]]))
        #expect(plain.subject == "Thank you, Zoë" && plain.body == "Hello Zoë,\n- Shoe\nSee you soon.\n")
    }
}
