import Foundation
import OmniMessaging
import Testing

/// The staff console in a real browser (headless Chromium over WebDriver) against the
/// real edge and services.
@Suite("Staff console: sign in, find the customer, see everything at once (headless Chromium)", .serialized)
struct ConsoleTests {
    /// A console on its own: the edge with a staff directory of its own, and the services it reads.
    final class ConsoleStack: Sendable {
        let journey: JourneyStack
        let edge: ServiceProcess
        let staffDirectory: URL
        var url: String { "http://127.0.0.1:\(edge.port ?? 0)" }

        init() async throws {
            journey = try await JourneyStack()
            staffDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("omni-staff-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: staffDirectory, withIntermediateDirectories: true)
            let services = journey.services
            var environment = [
                "OMNI_CONSOLE_STAFF_FILE": staffDirectory.appendingPathComponent("staff.json").path,
                "OMNI_CONSOLE_SIGNING_KEYS_FILE": try TestStack.credentials().signingKeysFile.path,
            ]
            for service in [ServiceName.customers, .catalog, .orders, .promotions, .notifications] {
                environment["OMNI_EDGE_\(service.rawValue.uppercased())_URL"] = "http://127.0.0.1:\(services.http(service).port ?? 0)"
            }
            edge = try await services.startEdge(environment: environment)
        }

        /// Creates a staff member with `omni-cli auth member add`, as an operator would.
        func addMember(_ name: String, role: String, stores: [String] = [], displayName: String, password: String) throws {
            let cli = Process()
            cli.executableURL = URL(fileURLWithPath: try TestStack.env("OMNI_BIN_DIR")).appendingPathComponent("omni-cli")
            cli.arguments = ["auth", "member", "add", name, "--role", role, "--display-name", displayName, "--password-stdin", "--cost", "10",
                             "--auth-dir", try TestStack.credentials().directory.path, "--public-dir", staffDirectory.path]
                + stores.flatMap { ["--store", $0] }
            let input = Pipe()
            cli.standardInput = input
            cli.standardOutput = FileHandle.nullDevice
            try cli.run()
            input.fileHandleForWriting.write(Data((password + "\n").utf8))
            try input.fileHandleForWriting.close()
            cli.waitUntilExit()
            guard cli.terminationStatus == 0 else { throw Browser.Failure(description: "omni-cli auth member add exited \(cli.terminationStatus)") }
        }

        func stop() async {
            await journey.stop()
            try? FileManager.default.removeItem(at: staffDirectory)
        }
    }

    static func screenshot(_ browser: Browser, _ name: String) async throws {
        // OMNI_TEST_SCREENSHOT_DIR=docs/console refreshes the ones the README shows.
        let environment = ProcessInfo.processInfo.environment
        let folder = environment["OMNI_TEST_SCREENSHOT_DIR"].map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: environment["OMNI_TEST_LOG_DIR"] ?? NSTemporaryDirectory()).appendingPathComponent("console")
        try await browser.screenshot(to: folder.appendingPathComponent("\(name).png"))
    }

    @Test("sign in: a wrong password is refused, five of them slow the next tries; the right one opens the console, sign out closes it; French from the browser's language")
    func signIn() async throws {
        let stack = try await ConsoleStack()
        defer { Task { await stack.stop() } }
        try stack.addMember("alice", role: "telesales-agent", displayName: "Alice Martin", password: "correct horse battery")
        let browser = try await Browser()
        defer { Task { await browser.quit() } }

        try await browser.open("\(stack.url)/console")
        _ = try await browser.element("#sign-in")
        #expect(try await browser.url.hasSuffix("/console/login"))
        try await Self.screenshot(browser, "login")

        try await browser.type("alice", into: "#name")
        try await browser.type("not the password", into: "#password")
        try await browser.click("#sign-in")
        #expect(try await browser.waitForText("#error") { $0.contains("Wrong login name or password") }.contains("Wrong login name or password"))

        try await browser.type("Alice", into: "#name")
        try await browser.type("correct horse battery", into: "#password")
        try await browser.click("#sign-in")
        #expect(try await browser.waitForText("#who") { $0 == "Alice Martin" } == "Alice Martin")
        #expect(try await browser.url.hasSuffix("/console/customers"))
        try await Self.screenshot(browser, "search")

        try await browser.click("#sign-out")
        _ = try await browser.element("#sign-in")
        try await browser.open("\(stack.url)/console/customers")
        _ = try await browser.element("#sign-in")
        #expect(try await browser.url.hasSuffix("/console/login"), "signed out, the console sends back to the sign-in page")

        // Five wrong passwords in a row; the sixth try, even the right one, must wait.
        for _ in 0..<5 {
            try await browser.type("alice", into: "#name")
            try await browser.type("wrong password", into: "#password")
            try await browser.click("#sign-in")
            _ = try await browser.element("#error")
        }
        try await browser.type("alice", into: "#name")
        try await browser.type("correct horse battery", into: "#password")
        try await browser.click("#sign-in")
        #expect(try await browser.waitForText("#error") { $0.contains("Too many") }.contains("Too many"))

        let french = try await Browser(language: "fr-FR")
        defer { Task { await french.quit() } }
        try await french.open("\(stack.url)/console/login")
        #expect(try await french.text("#sign-in") == "Se connecter")
        try await french.click("a[hreflang=en]")
        #expect(try await french.waitForText("#sign-in") { $0 == "Sign in" } == "Sign in", "the switch picks English")
    }
}
