/// RFC 5321 mailbox syntax (`Local-part "@" Domain`), as Omni accepts it wherever an
/// address enters (a customer's identifier, an order's contact, an assignee): a dot-string
/// local part of `atext` (no quoted strings), a domain of at least two LDH labels (no
/// address literals), ASCII only (Omni's mail does not ask for SMTPUTF8), at most 64 octets
/// before the `@` and 254 in all. An address that passes can go into `RCPT TO:<…>` and a
/// header as it is: it holds no space, CR, LF, `<`, `>` or control character.
public enum EmailAddress {
    public static let maxLength = 254
    public static let maxLocalPartLength = 64

    /// Why `text` is not a mailbox, or nil when it is one.
    public static func problem(_ text: String) -> String? {
        let scalars = Array(text.unicodeScalars)
        guard !scalars.isEmpty else { return "an email address cannot be empty" }
        guard scalars.allSatisfy(\.isASCII) else { return "an email address is ASCII only (no accented letters or symbols)" }
        guard scalars.count <= maxLength else { return "an email address has at most \(maxLength) characters" }
        guard let at = scalars.lastIndex(of: "@") else { return "an email address needs an @" }
        let local = scalars[..<at], domain = scalars[(at + 1)...]
        guard !local.isEmpty, local.count <= maxLocalPartLength else { return "the part before the @ has 1 to \(maxLocalPartLength) characters" }
        guard isDotString(local) else { return "the part before the @ may hold letters, digits, dots (not first, last or doubled) and !#$%&'*+-/=?^_`{|}~" }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy(isLabel) else {
            return "the domain needs at least two dot-separated labels of letters, digits and inner hyphens (e.g. example.com)"
        }
        return nil
    }

    public static func isValid(_ text: String) -> Bool { problem(text) == nil }

    /// `atext` runs separated by single dots.
    static func isDotString(_ scalars: ArraySlice<Unicode.Scalar>) -> Bool {
        let atoms = scalars.split(separator: ".", omittingEmptySubsequences: false)
        return atoms.allSatisfy { !$0.isEmpty && $0.allSatisfy(isAtext) }
    }

    static func isAtext(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9": true
        default: "!#$%&'*+-/=?^_`{|}~".unicodeScalars.contains(scalar)
        }
    }

    /// A letter-digit-hyphen label of 1 to 63 characters, no hyphen at either end.
    static func isLabel(_ label: ArraySlice<Unicode.Scalar>) -> Bool {
        guard (1...63).contains(label.count), label.first != "-", label.last != "-" else { return false }
        return label.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }
}

/// Text bound for one line of a protocol (an SMTP command, a mail header): every CR, LF
/// and NUL is replaced by a space, scalar by scalar. Swift's `Character` sees "\r\n" as
/// one character, so a split or a search by `Character` for "\n" misses it; scalars do not.
public enum SingleLine {
    public static func clean(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isBreak) else { return text }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars { scalars.append(isBreak(scalar) ? " " : scalar) }
        return String(scalars)
    }

    static func isBreak(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "\r" || scalar == "\n" || scalar == "\0" || scalar == "\u{2028}" || scalar == "\u{2029}" || scalar == "\u{85}"
    }
}
