import CustomersContracts
import OmniMessaging

/// How identifiers are normalised, so the same person typed differently on two channels
/// resolves to one customer.
public enum IdentifierRules {
    public static func normalised(_ identifier: CustomerIdentifier) throws(Rejection) -> CustomerIdentifier {
        let raw = identifier.value.trimmingCharacters(in: .whitespacesAndNewlines)
        switch identifier.kind {
        case .email: return CustomerIdentifier(.email, try email(raw))
        case .phone: return CustomerIdentifier(.phone, try phone(raw))
        case .loyaltyCard:
            let card = raw.uppercased().filter { $0 != " " && $0 != "-" }
            guard (6...32).contains(card.count), card.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
                throw Rejection("invalid-loyalty-card", "a loyalty card number has 6 to 32 letters or digits, got '\(raw)'")
            }
            return CustomerIdentifier(.loyaltyCard, card)
        case .social:
            let parts = raw.lowercased().split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, parts[1].count > 1 || (parts[1].count == 1 && parts[1] != "@") else {
                throw Rejection("invalid-social-handle", "a social handle is network:handle, e.g. instagram:@maria, got '\(raw)'")
            }
            let handle = parts[1].hasPrefix("@") ? parts[1] : "@" + parts[1]
            return CustomerIdentifier(.social, "\(parts[0]):\(handle)")
        case .anonymous:
            guard !raw.isEmpty, raw.count <= 128 else { throw Rejection("invalid-anonymous-id", "an anonymous id has 1 to 128 characters") }
            return CustomerIdentifier(.anonymous, raw)
        }
    }

    /// Lowercased; RFC 5321 mailbox syntax (`EmailAddress`).
    public static func email(_ raw: String) throws(Rejection) -> String {
        let email = raw.lowercased()
        if let problem = EmailAddress.problem(email) {
            throw Rejection("invalid-email", "'\(SingleLine.clean(raw))' is not an email address: \(problem)")
        }
        return email
    }

    /// E.164: `+`, a country code and the number, 8 to 15 digits; spaces, dots, dashes and
    /// brackets are dropped and a leading `00` reads as `+`.
    public static func phone(_ raw: String) throws(Rejection) -> String {
        var text = raw.filter { !" .-()/".contains($0) }
        if text.hasPrefix("00") { text = "+" + text.dropFirst(2) }
        let digits = text.dropFirst()
        guard text.hasPrefix("+"), (8...15).contains(digits.count), digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber), digits.first != "0" else {
            throw Rejection("invalid-phone", "'\(raw)' is not a phone number in international form (E.164, e.g. +33612345678)")
        }
        return text
    }
}
