/// A check run before the text reaches the TOML library: toml++ 3.4.0 (bundled by TOMLKit 0.6.0)
/// aborts the whole process — an `assert`, so no error to catch — on a table header whose `[` or
/// `[[` is followed by something that cannot start a key (a line end, `#`, `=`, `.`, `,`), such as
/// a file holding just "[". Upstream fixed it later (toml++ pull request 301); until a TOMLKit
/// bundles the fix, such a header is refused here, with its line, like any other syntax error.
///
/// It follows TOML only as far as needed to know which lines are table headers: a line that
/// starts with `[` outside a value (a multi-line array or string that a key's value opened).
enum TableHeaderGuard {
    /// The 1-based line and column of the first table header the library would abort on, or nil.
    static func firstUnsafeHeader(in text: String) -> (line: Int, column: Int)? {
        var scanner = ValueScanner()
        // Lines by their bytes: as Characters, "\r\n" is one grapheme and would not split at "\n".
        let lines = Array(text.utf8).split(separator: 0x0A, omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() {
            var bytes = Array(line)
            // The library skips a byte-order mark at the start of the text.
            if index == 0, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
            if scanner.isInsideValue {
                scanner.scan(bytes[...])
                continue
            }
            var position = 0
            while position < bytes.count, bytes[position] == UInt8(ascii: " ") || bytes[position] == UInt8(ascii: "\t") { position += 1 }
            guard position < bytes.count else { continue }
            if bytes[position] == UInt8(ascii: "[") {
                var next = position + 1
                let arrayOfTables = next < bytes.count && bytes[next] == UInt8(ascii: "[")
                if arrayOfTables { next += 1 }
                while next < bytes.count, bytes[next] == UInt8(ascii: " ") || bytes[next] == UInt8(ascii: "\t") { next += 1 }
                guard next < bytes.count else {
                    // "[" at the very end of the text is reported by the library; at a line's end it aborts it.
                    if index == lines.count - 1 { return nil }
                    return (index + 1, next + 1)
                }
                guard canFollowOpeningBracket(bytes[next], afterDoubleBracket: arrayOfTables) else { return (index + 1, next + 1) }
                continue
            }
            if let equals = bytes.firstIndex(of: UInt8(ascii: "=")) {
                scanner.scan(bytes[(equals + 1)...])
            }
        }
        return nil
    }

    /// What the library survives after a header's opening bracket(s): an ASCII key's first
    /// character or a quote, `]` (its own error follows), or after a single `[` a spaced second one
    /// (`[ [`, also its own error). Anything else — a line end, `#`, `=`, `.`, a third bracket, a
    /// letter beyond ASCII — makes it abort.
    private static func canFollowOpeningBracket(_ byte: UInt8, afterDoubleBracket: Bool) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "]"):
            return true
        case UInt8(ascii: "["):
            return !afterDoubleBracket
        default:
            return false
        }
    }
}

/// Follows a key's value across lines: open brackets and braces, and multi-line strings.
private struct ValueScanner {
    private var depth = 0
    private var multiLineDelimiter: UInt8?

    var isInsideValue: Bool { depth > 0 || multiLineDelimiter != nil }

    mutating func scan(_ bytes: ArraySlice<UInt8>) {
        var i = bytes.startIndex
        func isTriple(_ quote: UInt8, at index: Int) -> Bool {
            index + 2 < bytes.endIndex && bytes[index] == quote && bytes[index + 1] == quote && bytes[index + 2] == quote
        }
        while i < bytes.endIndex {
            let byte = bytes[i]
            if let delimiter = multiLineDelimiter {
                if delimiter == UInt8(ascii: "\"") && byte == UInt8(ascii: "\\") { i += 2; continue }
                if isTriple(delimiter, at: i) { multiLineDelimiter = nil; i += 3; continue }
                i += 1
                continue
            }
            switch byte {
            case UInt8(ascii: "#"):
                return
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                if isTriple(byte, at: i) {
                    multiLineDelimiter = byte
                    i += 3
                    continue
                }
                i += 1
                while i < bytes.endIndex, bytes[i] != byte {
                    if byte == UInt8(ascii: "\"") && bytes[i] == UInt8(ascii: "\\") { i += 1 }
                    i += 1
                }
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth = max(0, depth - 1)
            default:
                break
            }
            i += 1
        }
    }
}
