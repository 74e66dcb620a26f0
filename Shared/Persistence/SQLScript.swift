import Foundation

/// Splits a SQL file into statements, because Postgres' extended protocol (what
/// PostgresNIO speaks) takes one statement at a time. Knows quotes, identifiers,
/// comments and dollar-quoted bodies (`$$ ... $$`, `$fn$ ... $fn$`).
public enum SQLScript {
    public static func statements(_ script: String) -> [String] {
        let chars = Array(script.unicodeScalars)
        var statements: [String] = []
        var current = String.UnicodeScalarView()
        var index = 0
        var hasCode = false

        func flush() {
            let text = String(current).trimmingCharacters(in: .whitespacesAndNewlines)
            if hasCode, !text.isEmpty { statements.append(text) }
            current = String.UnicodeScalarView()
            hasCode = false
        }
        func peek(_ offset: Int) -> Unicode.Scalar? { index + offset < chars.count ? chars[index + offset] : nil }
        func copy(until terminator: [Unicode.Scalar]) {
            while index < chars.count {
                if Array(chars[index..<min(chars.count, index + terminator.count)]) == terminator {
                    current.append(contentsOf: terminator)
                    index += terminator.count
                    return
                }
                current.append(chars[index])
                index += 1
            }
        }

        while index < chars.count {
            let c = chars[index]
            switch c {
            case "-" where peek(1) == "-":
                // Comments are dropped: they would only make a statement look non-empty.
                while index < chars.count, chars[index] != "\n" { index += 1 }
            case "/" where peek(1) == "*":
                var depth = 0
                repeat {
                    if chars[index] == "/", peek(1) == "*" { depth += 1; index += 2 }
                    else if chars[index] == "*", peek(1) == "/" { depth -= 1; index += 2 }
                    else { index += 1 }
                } while depth > 0 && index < chars.count
            case "'", "\"":
                hasCode = true
                current.append(c)
                index += 1
                copy(until: [c])
            case "$":
                hasCode = true
                // A dollar quote is $tag$ with an identifier-like tag (possibly empty).
                var end = index + 1
                while end < chars.count, chars[end] == "_" || chars[end].properties.isAlphabetic || ("0"..."9").contains(chars[end]) { end += 1 }
                if end < chars.count, chars[end] == "$", !(index + 1 < end && ("0"..."9").contains(chars[index + 1])) {
                    let tag = Array(chars[index...end])
                    current.append(contentsOf: tag)
                    index = end + 1
                    copy(until: tag)
                } else {
                    current.append(c)
                    index += 1
                }
            case ";":
                index += 1
                flush()
            default:
                if !c.properties.isWhitespace { hasCode = true }
                current.append(c)
                index += 1
            }
        }
        flush()
        return statements
    }
}

