import Foundation
import OmniMessaging
import Testing

/// `omni-fuzz` with a fixed seed against the five real services: bad commands on every
/// commands topic and `channels.interactions`, bad requests on every route; it exits 0
/// only when every message got a reasoned outcome, no answer was a 5xx or a dropped
/// connection, and every service is still alive, ready and consuming.
@Suite("omni-fuzz: random and mutated commands and requests find no crash and no silent loss")
struct FuzzTests {
    @Test("A short fixed-seed fuzz run on the five services has no finding")
    func shortFixedSeedRun() async throws {
        let smtp = try await SMTPServerProcess()
        let providers = try await WebhookReceiver()
        let stack = try await ServiceStack([.customers, .catalog, .orders, .promotions, .notifications], environment: [
            "OMNI_SMTP_PORT": "\(smtp.port)", "OMNI_SMS_WEBHOOK_URL": "\(providers.url)/sms", "OMNI_PUSH_WEBHOOK_URL": "\(providers.url)/push",
        ])
        defer { providers.stop() }
        var arguments = ["--bootstrap", stack.broker.bootstrap, "--seed", "20240608", "--commands", "300", "--requests", "200", "--deadline", "25",
                         "--auth-dir", try TestStack.env("OMNI_TEST_AUTH_DIR")]
        for service in ServiceName.allCases {
            let process = stack.http(service)
            arguments += ["--service", "\(service.rawValue)=http://127.0.0.1:\(try #require(process.port))", "--pid", "\(service.rawValue)=\(process.pid)"]
        }
        let run = try await CLITests.run("omni-fuzz", arguments)
        await stack.stop()
        #expect(run.status == 0, "omni-fuzz found something:\n\(run.output)\n\(run.errors)")
        #expect(run.output.contains("no findings"))
    }
}
