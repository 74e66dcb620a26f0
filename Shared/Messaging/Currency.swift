/// ISO 4217 currencies Omni accepts, with their minor-unit exponent. Amounts travel in
/// minor units (cents) as integers, never as floating point.
public enum Currency {
    public static let minorUnits: [String: Int] = [
        "EUR": 2, "USD": 2, "GBP": 2, "CHF": 2, "SEK": 2, "NOK": 2, "DKK": 2, "PLN": 2, "CZK": 2, "HUF": 2,
        "RON": 2, "CAD": 2, "AUD": 2, "NZD": 2, "MXN": 2, "BRL": 2, "CNY": 2, "INR": 2, "ZAR": 2, "MAD": 2,
        "TND": 3, "KWD": 3, "BHD": 3, "JPY": 0, "KRW": 0, "CLP": 0, "ISK": 0,
    ]

    public static func isKnown(_ code: String) -> Bool { minorUnits[code] != nil }

    /// The largest amount, in minor units, that any command may carry (a price, a budget, a
    /// refund): 10^12, ten billion euros. Bounded so that a line (× at most 1,000,000 units)
    /// and any sum of lines the services keep stay far inside `Int64`.
    public static let maxAmountMinor: Int64 = 1_000_000_000_000

    /// `unit × quantity`, or nil when it does not fit in `Int64` (a price stored before the
    /// bounds, an event from elsewhere): a read model shows no total rather than trap.
    public static func lineTotal(_ unitMinor: Int64, _ quantity: Int) -> Int64? {
        let (total, overflow) = unitMinor.multipliedReportingOverflow(by: Int64(quantity))
        return overflow ? nil : total
    }
}
