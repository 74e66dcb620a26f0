import OmniMessaging
import Testing

@Suite("A channel's command acts only as its source may")
struct ChannelSourceTests {
    struct Sale: ActsForChannel {
        var actingChannel: String?
        var actingStore: String?
    }

    @Test("sources parse into channel and store; services', staff's and clients' are not channels")
    func parsing() {
        #expect(ChannelSource("/channels/pos/store-42") == ChannelSource("/channels/pos/store-42"))
        #expect(ChannelSource("/channels/pos/store-42")?.store == "store-42")
        #expect(ChannelSource("/channels/web")?.channel == "web")
        #expect(ChannelSource("/channels/web")?.store == nil)
        for other in ["/services/orders", "/staff/alice", "/clients/erp", "/channels", "/channels/", "channels/web", "/channels/pos/a/b", ""] {
            #expect(ChannelSource(other) == nil, "\(other)")
        }
    }

    @Test("a till of store 42 may act at store 42 as pos, not at store 7, not as the web shop")
    func violations() throws {
        let till = try #require(ChannelSource("/channels/pos/store-42"))
        #expect(till.violation(envelopeChannel: "pos", command: Sale(actingChannel: "pos", actingStore: "store-42")) == nil)
        #expect(till.violation(envelopeChannel: nil, command: Sale(actingChannel: nil, actingStore: nil)) == nil)
        #expect(till.violation(envelopeChannel: "pos", command: Sale(actingChannel: "pos", actingStore: "store-7"))?.code == "source-store-mismatch")
        #expect(till.violation(envelopeChannel: "pos", command: Sale(actingChannel: "web", actingStore: nil))?.code == "source-channel-mismatch")
        #expect(till.violation(envelopeChannel: "web", command: Sale(actingChannel: nil, actingStore: nil))?.code == "source-channel-mismatch")
        // A source naming no store (the web shop) is not held to one.
        let web = try #require(ChannelSource("/channels/web"))
        #expect(web.violation(envelopeChannel: "web", command: Sale(actingChannel: "web", actingStore: "store-7")) == nil)
    }
}
