/// What a staff member typed in the search box, and how the customers service is asked.
/// Pure: tested without I/O.
enum CustomerQuery: Equatable {
    case email(String)
    /// In E.164 (`+33612345678`), whatever national format was typed.
    case phone(String)
    case loyaltyCard(String)
    case name(String)

    /// Country calling codes of the national formats the console reads (a leading trunk 0
    /// is dropped: `06 12 34 56 78` in France is `+33612345678`).
    static let callingCodes = ["FR": "33", "BE": "32", "ES": "34", "IT": "39", "DE": "49", "GB": "44", "CH": "41", "LU": "352", "NL": "31", "PT": "351"]

    /// `region`: the country whose national format a number without `+` or `00` is in.
    static func parse(_ typed: String, region: String = "FR") -> CustomerQuery? {
        let text = typed.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return nil }
        if text.contains("@") { return .email(text.lowercased()) }
        if let phone = e164(text, region: region) { return .phone(phone) }
        let compact = text.filter { !$0.isWhitespace }
        // A loyalty card: letters and digits with at least four digits, no spaces between words.
        if compact.count >= 6, compact.count <= 40, compact.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }),
           compact.filter(\.isNumber).count >= 4 {
            return .loyaltyCard(compact.uppercased())
        }
        return text.count >= 2 ? .name(String(text.prefix(100))) : nil
    }

    /// `text` as an E.164 number if it reads as a phone number: `+`, `00` or a national
    /// number with a trunk 0; spaces, dots, dashes and brackets ignored; 8 to 15 digits.
    static func e164(_ text: String, region: String) -> String? {
        let allowed = Set("0123456789+ .-()/")
        guard text.allSatisfy({ allowed.contains($0) }) else { return nil }
        // `+33 (0)6 ...`: the bracketed trunk 0 is not dialled from abroad.
        var digits = (text.hasPrefix("+") ? text.replacingOccurrences(of: "(0)", with: "") : text).filter(\.isNumber)
        if text.hasPrefix("+") {
            // Already international.
        } else if digits.hasPrefix("00") {
            digits.removeFirst(2)
        } else if digits.hasPrefix("0"), let code = callingCodes[region.uppercased()] {
            digits = code + digits.dropFirst()
        } else {
            return nil
        }
        guard (8...15).contains(digits.count), digits.first != "0" else { return nil }
        return "+" + digits
    }

    /// The customers service's lookup parameter, or nil for a name (searched instead).
    var lookup: (name: String, value: String)? {
        switch self {
        case .email(let value): ("email", value)
        case .phone(let value): ("phone", value)
        case .loyaltyCard(let value): ("loyaltyCard", value)
        case .name: nil
        }
    }
}
