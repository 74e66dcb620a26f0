import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A real browser for the console's tests: Debian's headless Chromium, driven over the
/// W3C WebDriver protocol by its `chromedriver` (both installed by `scripts/omni test`).
final class Browser: @unchecked Sendable {
    private let driver = Process()
    private let base: String
    private var session = ""
    private static let elementKey = "element-6066-11e4-a52e-4f735466cecf"

    struct Failure: Error, CustomStringConvertible { var description: String }

    /// Starts chromedriver and a Chromium session, `language` first in Accept-Language,
    /// `width` × `height` CSS pixels.
    init(language: String = "en-GB", width: Int = 1024, height: Int = 900) async throws {
        let port = try Self.freePort()
        driver.executableURL = URL(fileURLWithPath: ProcessInfo.processInfo.environment["OMNI_CHROMEDRIVER"] ?? "/usr/bin/chromedriver")
        driver.arguments = ["--port=\(port)"]
        driver.standardOutput = FileHandle.nullDevice
        driver.standardError = FileHandle.nullDevice
        try driver.run()
        ChildProcesses.started(driver.processIdentifier)
        base = "http://127.0.0.1:\(port)"
        let deadline = ContinuousClock.now + .seconds(20)
        while (try? await call("GET", "/status")) == nil {
            guard ContinuousClock.now < deadline else { throw Failure(description: "chromedriver did not start") }
            try await Task.sleep(for: .milliseconds(100))
        }
        let capabilities: [String: Any] = ["capabilities": ["alwaysMatch": [
            "browserName": "chrome",
            "goog:chromeOptions": [
                "binary": ProcessInfo.processInfo.environment["OMNI_CHROMIUM"] ?? "/usr/bin/chromium",
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=\(width),\(height)",
                         "--lang=\(language)"],
                "prefs": ["intl.accept_languages": language],
            ] as [String: Any],
        ] as [String: Any]]]
        let created = try await call("POST", "/session", capabilities)
        guard let id = (created["value"] as? [String: Any])?["sessionId"] as? String else { throw Failure(description: "no session: \(created)") }
        session = id
    }

    func quit() async {
        _ = try? await call("DELETE", "/session/\(session)")
        driver.terminate()
    }

    func open(_ url: String) async throws { _ = try await call("POST", "/session/\(session)/url", ["url": url]) }

    var url: String { get async throws { try await call("GET", "/session/\(session)/url")["value"] as? String ?? "" } }

    /// The first element matching `css`, waiting up to `timeout` for it to appear.
    func element(_ css: String, timeout: Duration = .seconds(10)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let found = try? await call("POST", "/session/\(session)/element", ["using": "css selector", "value": css]),
               let id = (found["value"] as? [String: Any])?[Self.elementKey] as? String {
                return id
            }
            guard ContinuousClock.now < deadline else { throw Failure(description: "no element \(css) on \(try await url)") }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    func type(_ text: String, into css: String) async throws {
        try await onFreshElement(css) { id in
            _ = try await self.call("POST", "/session/\(self.session)/element/\(id)/clear", [:])
            _ = try await self.call("POST", "/session/\(self.session)/element/\(id)/value", ["text": text])
        }
    }

    func click(_ css: String) async throws {
        try await onFreshElement(css) { id in _ = try await self.call("POST", "/session/\(self.session)/element/\(id)/click", [:]) }
    }

    func text(_ css: String) async throws -> String {
        var text = ""
        try await onFreshElement(css) { id in text = try await self.call("GET", "/session/\(self.session)/element/\(id)/text")["value"] as? String ?? "" }
        return text
    }

    /// Clicks `css` (a submit button or a link) and waits until the next page replaced this one.
    func submit(_ css: String, timeout: Duration = .seconds(15)) async throws {
        try await execute("window.omniOldPage = true; return true;")
        try await click(css)
        let deadline = ContinuousClock.now + timeout
        while (try? await execute("return window.omniOldPage === true;")) as? Bool != false {
            guard ContinuousClock.now < deadline else { throw Failure(description: "clicking \(css) did not lead to another page") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Runs `action` on `css`'s element, finding it again while the page it was found on is
    /// being replaced (a form just submitted): "stale element" means "look again".
    private func onFreshElement(_ css: String, _ action: (String) async throws -> Void) async throws {
        var attempt = 0
        while true {
            attempt += 1
            do {
                try await action(try await element(css))
                return
            } catch let failure as Failure where failure.description.contains("stale element") && attempt < 20 {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    /// Whether an element matching `css` is on the page now.
    func has(_ css: String) async -> Bool {
        guard let found = try? await call("POST", "/session/\(session)/elements", ["using": "css selector", "value": css]) else { return false }
        return !((found["value"] as? [Any]) ?? []).isEmpty
    }

    /// Waits until `css`'s text satisfies `condition`; returns the last text seen.
    @discardableResult
    func waitForText(_ css: String, timeout: Duration = .seconds(15), _ condition: (String) -> Bool) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        var last = ""
        while ContinuousClock.now < deadline {
            if let text = try? await text(css) {
                last = text
                if condition(text) { return text }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        return last
    }

    /// Runs `script` in the page (WebDriver "execute script"); returns its result.
    @discardableResult
    func execute(_ script: String) async throws -> Any? {
        try await call("POST", "/session/\(session)/execute/sync", ["script": script, "args": [Any]()])["value"]
    }

    /// The page's visible text.
    var pageText: String { get async throws { try await text("body") } }

    /// Saves a PNG of the viewport to `file`.
    func screenshot(to file: URL) async throws {
        guard let base64 = try await call("GET", "/session/\(session)/screenshot")["value"] as? String, let png = Data(base64Encoded: base64) else {
            throw Failure(description: "no screenshot")
        }
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try png.write(to: file)
    }

    @discardableResult
    private func call(_ method: String, _ path: String, _ body: [String: Any]? = nil) async throws -> [String: Any] {
        var request = HTTPClientRequest(url: base + path)
        request.method = HTTPMethod(rawValue: method)
        if let body {
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
            request.headers.add(name: "Content-Type", value: "application/json")
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let data = Data(buffer: try await response.body.collect(upTo: 64 << 20))
        let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        guard response.status == .ok else {
            throw Failure(description: "\(method) \(path): \((json["value"] as? [String: Any])?["message"] ?? String(decoding: data, as: UTF8.self))")
        }
        return json
    }

    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw Failure(description: "no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
