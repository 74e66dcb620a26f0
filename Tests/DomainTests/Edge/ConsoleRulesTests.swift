import Foundation
import Testing
@testable import EdgeCore

@Suite("Console: what a search box holds, masks, login waits")
struct ConsoleRulesTests {
    @Test("a phone number in any national or international format is E.164; emails, cards and names are told apart")
    func queries() {
        for typed in ["06 12 34 56 78", "06.12.34.56.78", "0612345678", "+33 6 12 34 56 78", "+33 (0)6 12 34 56 78", "0033 6 12 34 56 78", " 06-12-34-56-78 "] {
            #expect(CustomerQuery.parse(typed) == .phone("+33612345678"), "\(typed)")
        }
        #expect(CustomerQuery.parse("020 7946 0958", region: "GB") == .phone("+442079460958"))
        #expect(CustomerQuery.parse("Chloe.Martin@Example.com") == .email("chloe.martin@example.com"))
        #expect(CustomerQuery.parse("LC-2026-0042") == .loyaltyCard("LC-2026-0042"))
        #expect(CustomerQuery.parse("Chloé Martin") == .name("Chloé Martin"))
        #expect(CustomerQuery.parse("12") == .name("12"))
        #expect(CustomerQuery.parse("   ") == nil)
        #expect(CustomerQuery.parse("x") == nil)
        #expect(CustomerQuery.e164("612345678", region: "FR") == nil, "no trunk 0, no country: not a phone number")
        #expect(CustomerQuery.e164("+0 12", region: "FR") == nil)
    }

    @Test("masks keep enough to tell two customers apart, not enough to reach them")
    func masks() {
        #expect(Masking.name("Chloé") == "C•••" && Masking.name(nil) == "" && Masking.name("  ") == "")
        #expect(Masking.identifier(kind: "email", value: "chloe@example.com") == "c•••@e•••.com")
        #expect(Masking.identifier(kind: "phone", value: "+33612345678") == "+••• ••• 78")
        #expect(!Masking.identifier(kind: "loyalty-card", value: "LC-2026-0042").contains("2026"))
    }

    @Test("five wrong passwords are free; then each try waits twice as long, at most 15 minutes")
    func loginWaits() {
        let last = Date(timeIntervalSince1970: 1_000)
        #expect(LoginThrottle.wait(failures: 4, last: last, now: last) == nil)
        #expect(LoginThrottle.wait(failures: 5, last: last, now: last) == 5)
        #expect(LoginThrottle.wait(failures: 5, last: last, now: last.addingTimeInterval(5)) == nil)
        #expect(LoginThrottle.wait(failures: 6, last: last, now: last.addingTimeInterval(1)) == 9)
        #expect(LoginThrottle.wait(failures: 6, last: last, now: last.addingTimeInterval(10)) == nil)
        #expect(LoginThrottle.wait(failures: 40, last: last, now: last) == 900)
    }

    @Test("the page's language: the switch, then the cookie, then Accept-Language, then English")
    func language() {
        #expect(ConsoleText.language(query: "fr", cookie: "en", acceptLanguage: "en") == "fr")
        #expect(ConsoleText.language(query: nil, cookie: "fr", acceptLanguage: "en") == "fr")
        #expect(ConsoleText.language(query: "de", cookie: nil, acceptLanguage: "de-DE, fr-FR;q=0.8, en;q=0.5") == "fr")
        #expect(ConsoleText.language(query: nil, cookie: nil, acceptLanguage: nil) == "en")
        #expect(Set(ConsoleText.english.keys) == Set(ConsoleText.french.keys), "every word in both languages")
    }
}
