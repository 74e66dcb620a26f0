/// What a staff member without the personal-data scope sees of a name or a contact: enough
/// to tell two customers apart, not enough to reach them. Pure.
enum Masking {
    static let dots = "•••"

    static func name(_ text: String?) -> String {
        guard let first = text?.trimmingCharacters(in: .whitespaces).first else { return "" }
        return "\(first)\(dots)"
    }

    static func identifier(kind: String, value: String) -> String {
        switch kind {
        case "email":
            let parts = value.split(separator: "@", maxSplits: 1)
            guard parts.count == 2 else { return dots }
            let domain = parts[1].split(separator: ".")
            return "\(parts[0].prefix(1))\(dots)@\(domain.first?.prefix(1) ?? "")\(dots).\(domain.count > 1 ? String(domain.last!) : "")"
        case "phone":
            return "\(value.hasPrefix("+") ? "+" : "")\(dots) \(dots) \(value.suffix(2))"
        default:
            return "\(value.prefix(2))\(dots)\(value.count > 6 ? String(value.suffix(2)) : "")"
        }
    }
}
