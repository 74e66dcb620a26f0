import CatalogContracts
import Foundation
import Testing

@Suite("Catalog: which price applies")
struct PriceResolutionTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    func entry(_ channel: String, _ store: String? = nil, _ amount: Int64, from: Date? = nil, to: Date? = nil) -> PriceEntry {
        PriceEntry(channel: channel, storeId: store, currency: "EUR", amountMinor: amount, validFrom: from, validTo: to)
    }

    @Test("the store's list beats the channel's, which beats the default list")
    func specificity() {
        let entries = [entry("default", nil, 1000), entry("pos", nil, 950), entry("pos", "st-1", 900)]
        #expect(PriceResolution.price(among: entries, channel: "pos", storeId: "st-1", at: now)?.amountMinor == 900)
        #expect(PriceResolution.price(among: entries, channel: "pos", storeId: "st-2", at: now)?.amountMinor == 950)
        #expect(PriceResolution.price(among: entries, channel: "web", storeId: nil, at: now)?.amountMinor == 1000)
    }

    @Test("a time-boxed price applies inside its window only, [from, to)")
    func windows() {
        let sale = entry("web", nil, 700, from: now.addingTimeInterval(-60), to: now.addingTimeInterval(60))
        let entries = [entry("web", nil, 1000), sale]
        #expect(PriceResolution.price(among: entries, channel: "web", storeId: nil, at: now)?.amountMinor == 700)
        #expect(PriceResolution.price(among: entries, channel: "web", storeId: nil, at: now.addingTimeInterval(60))?.amountMinor == 1000)
        #expect(PriceResolution.price(among: [sale], channel: "web", storeId: nil, at: now.addingTimeInterval(-61)) == nil)
    }
}
