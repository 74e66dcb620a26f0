import PostgresNIO
import CustomersContracts
import Foundation
import OmniMessaging
import Testing

/// The customers service as channels use it: commands on `customers.commands`, interactions
/// on `channels.interactions`, outcomes on `customers.events`, state over HTTP.
@Suite("Customers: one profile per person across channels (real process)")
struct CustomersTests {
    struct View: Decodable {
        struct Consent: Decodable { var medium: String; var granted: Bool; var channel: String; var wordingVersion: String }
        struct Entry: Decodable { var entryId: Int64; var kind: String; var channel: String?; var summary: String }
        struct Loyalty: Decodable { var balance: Int }
        var customerId: String
        var profile: CustomerProfile
        var entryChannel: String?
        var formerIds: [String]
        var consents: [Consent]
        var loyalty: Loyalty
        var recentTimeline: [Entry]
    }

    static func unique() -> String { UUID().uuidString.prefix(8).lowercased() }

    func register(_ stack: ServiceStack, _ identifiers: [CustomerIdentifier], profile: ProfileFields? = nil, channel: String = "web") async throws -> CloudEvent {
        try await stack.perform(CustomersType.registerCustomer, RegisterCustomer(identifiers: identifiers, profile: profile), key: identifiers[0].value, channel: channel)
    }

    @Test("the same person on the web and at the till is one profile, found by any identifier")
    func oneProfileAcrossChannels() async throws {
        let stack = try await ServiceStack(.customers)
        let tag = Self.unique()
        let web = try await register(stack, [CustomerIdentifier(.email, "  Maria.\(tag)@Example.COM ")],
                                     profile: ProfileFields(firstName: "Maria", timeZone: "Europe/Paris"))
        #expect(web.type == CustomersType.customerRegistered)
        let registered = try web.payload(CustomerRegistered.self)
        #expect(registered.profile.identifiers == [CustomerIdentifier(.email, "maria.\(tag)@example.com")])

        let till = try await register(stack, [CustomerIdentifier(.email, "maria.\(tag)@example.com"), CustomerIdentifier(.phone, "06 12 34 56 78".replacingOccurrences(of: "06", with: "+336")),
                                              CustomerIdentifier(.loyaltyCard, "card-\(tag)")], channel: "pos")
        #expect(till.type == CustomersType.identifierLinked)
        let id = registered.profile.customerId
        #expect(till.subject == id)
        for query in ["email=MARIA.\(tag)%40example.com", "phone=%2B33612345678", "loyaltyCard=CARD\(tag.uppercased())"] {
            let view = try await stack.getJSON("/customers/lookup?\(query)", as: View.self)
            #expect(view.customerId == id, "\(query)")
        }
        let view = try await stack.getJSON("/customers/\(id)", as: View.self)
        #expect(view.profile.firstName == "Maria" && view.entryChannel == "web" && view.profile.identifiers.count == 3)
        await stack.stop()
    }

    @Test("an anonymous visitor who logs in keeps their history: the profiles merge and the others are told")
    func anonymousSessionMerges() async throws {
        let stack = try await ServiceStack(.customers)
        let tag = Self.unique(), session = "sess-\(Self.unique())"
        for (kind, page) in [("page-view", "/shoes"), ("search", "trail")] {
            let interaction = try CloudEvent(type: CustomersType.interactionRecorded, source: "/channels/web", subject: session,
                                             payload: InteractionRecorded(identifier: CustomerIdentifier(.anonymous, session), kind: kind, channel: "social",
                                                                          details: ["page": page]), channel: "social")
            _ = try await stack.producer.send(interaction.outgoingMessage(topic: Topics.channelInteractions, key: session))
        }
        // The visitor signs up on the app later, then the app links the session.
        let deadline = ContinuousClock.now + .seconds(30)
        while try await stack.http.get("/customers/lookup?anonymous=\(session)").0 != 200, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        let customer = try await register(stack, [CustomerIdentifier(.email, "leo.\(tag)@example.com")], profile: ProfileFields(firstName: "Léo"), channel: "app")
        let customerId = try customer.payload(CustomerRegistered.self).profile.customerId
        // The login on the app links the session to the known customer.
        let merged = try await stack.perform(CustomersType.linkIdentifier, LinkIdentifier(customer: .identifier(CustomerIdentifier(.email, "leo.\(tag)@example.com")),
                                                                                           identifier: CustomerIdentifier(.anonymous, session)), key: customerId, channel: "app")
        #expect(merged.type == CustomersType.customersMerged)
        let event = try merged.payload(CustomersMerged.self)
        #expect(event.survivorId == customerId && event.mergedIds.count == 1)

        let view = try await stack.getJSON("/customers/lookup?anonymous=\(session)", as: View.self)
        #expect(view.customerId == customerId)
        #expect(view.formerIds == event.mergedIds)
        #expect(view.entryChannel == "social", "the first touchpoint, on social, is the entry channel")
        #expect(Set(view.recentTimeline.map(\.kind)).isSuperset(of: ["page-view", "search", "merged"]))
        // The merged id still answers, with the survivor.
        #expect(try await stack.getJSON("/customers/\(event.mergedIds[0])", as: View.self).customerId == customerId)
        await stack.stop()
    }

    @Test("a loyalty card used in store links to an online customer: one profile, one balance; two known people never merge")
    func cardLinksAndConflicts() async throws {
        let stack = try await ServiceStack(.customers)
        let tag = Self.unique()
        let card = CustomerIdentifier(.loyaltyCard, "LC\(tag)")
        let inStore = try await register(stack, [card], channel: "pos")
        let storeId = try inStore.payload(CustomerRegistered.self).profile.customerId
        _ = try await stack.perform(CustomersType.adjustLoyalty, AdjustLoyalty(customer: .identifier(card), points: 40, reason: "welcome", reference: "w-\(tag)"), key: storeId, channel: "pos")
        let online = try await register(stack, [CustomerIdentifier(.email, "ana.\(tag)@example.com")], profile: ProfileFields(firstName: "Ana"))
        let onlineId = try online.payload(CustomerRegistered.self).profile.customerId

        let merged = try await stack.perform(CustomersType.linkIdentifier, LinkIdentifier(customer: .id(onlineId), identifier: card), key: onlineId)
        #expect(try merged.payload(CustomersMerged.self).survivorId == onlineId, "the identified profile survives")
        let view = try await stack.getJSON("/customers/lookup?loyaltyCard=\(card.value)", as: View.self)
        #expect(view.customerId == onlineId && view.loyalty.balance == 40 && view.profile.firstName == "Ana")

        let other = try await register(stack, [CustomerIdentifier(.email, "bruno.\(tag)@example.com")])
        let otherId = try other.payload(CustomerRegistered.self).profile.customerId
        let refused = try await stack.perform(CustomersType.linkIdentifier, LinkIdentifier(customer: .id(otherId), identifier: CustomerIdentifier(.email, "ana.\(tag)@example.com")), key: otherId)
        #expect(try refused.payload(CommandRejected.self).reasonCode == "conflicting-identities")
        #expect(try await stack.getJSON("/customers/\(otherId)", as: View.self).customerId == otherId, "nothing merged")
        await stack.stop()
    }

    @Test("consents are kept as history with their proof; points are booked once and never below zero")
    func consentsAndLoyalty() async throws {
        let stack = try await ServiceStack(.customers)
        let tag = Self.unique()
        let registered = try await register(stack, [CustomerIdentifier(.email, "zoe.\(tag)@example.com")])
        let id = try registered.payload(CustomerRegistered.self).profile.customerId
        for (medium, granted, channel) in [(ContactMedium.sms, true, "web"), (.email, true, "web"), (.sms, false, "telesales")] {
            let changed = try await stack.perform(CustomersType.recordConsent, RecordConsent(customer: .id(id), medium: medium, granted: granted, channel: channel, wordingVersion: "v3"), key: id,
                                              channel: channel)
            #expect(changed.type == CustomersType.consentChanged)
        }
        let view = try await stack.getJSON("/customers/\(id)", as: View.self)
        #expect(view.consents.map { "\($0.medium)=\($0.granted)@\($0.channel)" } == ["email=true@web", "sms=false@telesales"])
        let history = try await stack.getJSON("/customers/\(id)/consents?history=true", as: [View.Consent].self)
        #expect(history.count == 3)

        let prefs = try await stack.perform(CustomersType.setContactPreferences, SetContactPreferences(customer: .id(id), preferredMedium: .email, quietHours: QuietHours(start: "21:30", end: "08:00")), key: id)
        #expect(try prefs.payload(ContactPreferencesChanged.self).quietHours == QuietHours(start: "21:30", end: "08:00"))

        let earned = try await stack.perform(CustomersType.adjustLoyalty, AdjustLoyalty(customer: .id(id), points: 100, reason: "goodwill", reference: "t-1"), key: id)
        #expect(try earned.payload(LoyaltyChanged.self).balance == 100)
        let spent = try await stack.perform(CustomersType.redeemLoyalty, RedeemLoyalty(customer: .id(id), points: 30, reference: "order-1"), key: id)
        #expect(try spent.payload(LoyaltyChanged.self).balance == 70)
        for (command, code) in [(RedeemLoyalty(customer: .id(id), points: 30, reference: "order-1"), "already-booked"),
                                (RedeemLoyalty(customer: .id(id), points: 71, reference: "order-2"), "insufficient-points")] {
            let refused = try await stack.perform(CustomersType.redeemLoyalty, command, key: id)
            #expect(try refused.payload(CommandRejected.self).reasonCode == code)
        }
        #expect(try await stack.getJSON("/customers/\(id)", as: View.self).loyalty.balance == 70)
        await stack.stop()
    }

    @Test("bad input gets a reason; HTTP answers 4xx problem+json")
    func badInput() async throws {
        let stack = try await ServiceStack(.customers)
        let cases: [(String, any Encodable & Sendable, String)] = [
            (CustomersType.registerCustomer, RegisterCustomer(identifiers: [CustomerIdentifier(.email, "not-an-email")]), "invalid-email"),
            (CustomersType.registerCustomer, RegisterCustomer(identifiers: [CustomerIdentifier(.phone, "0612")]), "invalid-phone"),
            (CustomersType.registerCustomer, RegisterCustomer(identifiers: []), "missing-identifier"),
            (CustomersType.updateProfile, UpdateProfile(customer: .id(UUID().uuidString), profile: ProfileFields(firstName: "X")), "unknown-customer"),
            (CustomersType.recordConsent, RecordConsent(customer: .identifier(CustomerIdentifier(.email, "nobody@example.com")), medium: .sms, granted: true, channel: "web", wordingVersion: "v1"), "unknown-customer"),
            (CustomersType.registerCustomer, RegisterCustomer(identifiers: [CustomerIdentifier(.email, "tz@example.com")], profile: ProfileFields(timeZone: "Mars/Olympus")), "invalid-time-zone"),
        ]
        for (type, payload, code) in cases {
            let outcome = try await stack.perform(type, payload, key: "bad")
            #expect(try outcome.payload(CommandRejected.self).reasonCode == code, "\(type)")
        }
        for (path, status) in [("/customers/lookup?email=nobody%40example.com", 404), ("/customers/lookup", 400), ("/customers/lookup?phone=12", 400),
                               ("/customers/\(UUID().uuidString)", 404), ("/customers/\(UUID().uuidString)/timeline?limit=0", 400)] {
            let (code, body) = try await stack.http.get(path)
            #expect(code == status, "\(path): \(body)")
            #expect(body.contains("\"status\":\(status)"), "\(path): \(body)")
        }
        await stack.stop()
    }

    @Test("forget me: erasure removes the person, tells the other services, and the timeline pages in order before that")
    func timelineAndErasure() async throws {
        let stack = try await ServiceStack(.customers)
        let tag = Self.unique()
        let email = CustomerIdentifier(.email, "eve.\(tag)@example.com")
        let id = try await register(stack, [email]).payload(CustomerRegistered.self).profile.customerId
        let base = Date().addingTimeInterval(-3600)
        for n in 0..<7 {
            let interaction = try CloudEvent(type: CustomersType.interactionRecorded, source: "/channels/pos", subject: id,
                                             payload: InteractionRecorded(identifier: email, kind: "store-visit", channel: "pos", occurredAt: base.addingTimeInterval(Double(n) * 60),
                                                                          details: ["n": "\(n)"]))
            _ = try await stack.producer.send(interaction.outgoingMessage(topic: Topics.channelInteractions, key: id))
        }
        struct Page: Decodable { var entries: [View.Entry]; var nextBefore: Int64? }
        var summaries: [String] = []
        var before: Int64?
        let deadline = ContinuousClock.now + .seconds(30)
        while summaries.filter({ $0.hasPrefix("store-visit") }).count < 7, ContinuousClock.now < deadline {
            summaries = []
            before = nil
            repeat {
                let page = try await stack.getJSON("/customers/\(id)/timeline?limit=3\(before.map { "&before=\($0)" } ?? "")", as: Page.self)
                summaries += page.entries.map(\.summary)
                before = page.nextBefore
            } while before != nil
            try await Task.sleep(for: .milliseconds(100))
        }
        let visits = summaries.filter { $0.hasPrefix("store-visit") }
        #expect(visits == (0..<7).reversed().map { "store-visit n=\($0)" }, "newest first, every entry once across pages")

        // Before erasure, the GDPR access request gives everything held on her.
        struct Export: Decodable { var customerId: String; var profile: CustomerProfile; var timeline: [View.Entry]; var loyaltyLedger: [Ledger]; struct Ledger: Decodable {} }
        let export = try await stack.getJSON("/customers/\(id)/export", as: Export.self)
        #expect(export.customerId == id && export.profile.identifiers.contains(email))
        #expect(export.timeline.filter { $0.summary.hasPrefix("store-visit") }.count == 7 && export.loyaltyLedger.isEmpty)

        let erased = try await stack.perform(CustomersType.eraseCustomer, EraseCustomer(customer: .id(id), reason: "customer request"), key: id)
        #expect(try erased.payload(CustomerErased.self).customerId == id)
        #expect(try await stack.http.get("/customers/\(id)").0 == 410)
        #expect(try await stack.http.get("/customers/\(id)/export").0 == 410)
        #expect(try await stack.http.get("/customers/lookup?email=\(email.value.replacingOccurrences(of: "@", with: "%40"))").0 == 404)
        let leftovers = try await TestStack.withAdmin { admin in
            try await admin.query(PostgresQuery(unsafeSQL: """
                SELECT (SELECT count(*) FROM \(stack.schema).identifiers WHERE customer_id = '\(id)') + (SELECT count(*) FROM \(stack.schema).timeline WHERE customer_id = '\(id)')
                     + (SELECT count(*) FROM \(stack.schema).consents WHERE customer_id = '\(id)')
                     + (SELECT count(*) FROM \(stack.schema).customers WHERE customer_id = '\(id)' AND (first_name IS NOT NULL OR addresses <> '[]'))
                """)).decode(Int.self).first { _ in true }
        }
        #expect(leftovers == 0, "no personal data left")
        await stack.stop()
    }
}
