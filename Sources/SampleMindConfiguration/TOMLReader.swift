import Foundation

/// The part of TOML 1.0 that SampleMind's configuration uses, read strictly and totally: tables
/// (`[server]`, `[input.file]`), keys (bare, quoted, dotted), strings (basic, literal and their
/// multi-line forms), integers (decimal, 0x, 0o, 0b), floats (with `inf` and `nan`, which the
/// options then refuse), booleans and lists, with comments. Dates, inline tables and arrays of
/// tables are refused with a message saying so. Any bytes give entries or a syntax error with
/// its line and column — never a crash or a hang (fuzzed: see Fuzz/).
///
/// Why not a library: toml++ 3.4.0 (through TOMLKit) aborted the whole process on malformed
/// files (failed `assert`s in its table-header and time parsers, found by fuzzing), and a daemon
/// must survive any file it is asked to reload.
struct TOMLReader {
    enum Value: Equatable {
        case string(String)
        case integer(Int)
        case float(Double)
        case boolean(Bool)
        case list([Value])
    }

    /// A table header (`value` nil) or a key with its value, with the line it starts on.
    struct Entry: Equatable {
        let path: [String]
        let value: Value?
        let line: Int
    }

    struct SyntaxError: Error, Equatable {
        let line: Int
        let column: Int
        let message: String
    }

    /// Lists inside lists at most this deep (each level is a recursion).
    static let maximumNesting = 32

    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var lineStart = 0

    private init(_ text: String) {
        bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3; lineStart = 3 }
    }

    /// Every table header and key of `text`, in order.
    static func read(_ text: String) throws(SyntaxError) -> [Entry] {
        var reader = TOMLReader(text)
        return try reader.document()
    }

    // MARK: Document

    private mutating func document() throws(SyntaxError) -> [Entry] {
        var entries: [Entry] = []
        var table: [String] = []
        var defined = Set<[String]>()
        while true {
            skipSpaces()
            guard let byte = peek() else { return entries }
            switch byte {
            case UInt8(ascii: "#"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                try endOfLine()
            case UInt8(ascii: "["):
                let start = line
                advance()
                if peek() == UInt8(ascii: "[") {
                    throw error("arrays of tables ([[…]]) are not used by SampleMind's configuration; a table header names one table, e.g. [server]")
                }
                skipSpaces()
                do { table = try key() } catch {
                    throw SyntaxError(line: error.line, column: error.column,
                                      message: "a table header must name its table after \"[\", e.g. [server]: \(error.message)")
                }
                skipSpaces()
                try expect(UInt8(ascii: "]"), "a table header ends with \"]\"")
                try endOfLine()
                guard defined.insert(table).inserted else { throw error("the table [\(table.joined(separator: "."))] is defined twice", line: start) }
                entries.append(Entry(path: table, value: nil, line: start))
            default:
                let start = line
                let path = table + (try key())
                skipSpaces()
                try expect(UInt8(ascii: "="), "expected \"=\" after the key")
                skipSpaces()
                let value = try self.value(depth: 0)
                try endOfLine()
                guard defined.insert(path).inserted else { throw error("\(path.joined(separator: ".")) is set twice", line: start) }
                entries.append(Entry(path: path, value: value, line: start))
            }
        }
    }

    /// Spaces, then a comment, then a line end or the end of the text.
    private mutating func endOfLine() throws(SyntaxError) {
        skipSpaces()
        if peek() == UInt8(ascii: "#") {
            while let byte = peek(), byte != UInt8(ascii: "\n"), byte != UInt8(ascii: "\r") { advance() }
        }
        guard let byte = peek() else { return }
        if byte == UInt8(ascii: "\r") {
            advance()
            guard peek() == UInt8(ascii: "\n") else { throw error("a carriage return must be followed by a line feed") }
        } else if byte != UInt8(ascii: "\n") {
            throw error("unexpected \(described(byte)) after the value; one key or table per line")
        }
        advance()
        newLine()
    }

    // MARK: Keys

    private mutating func key() throws(SyntaxError) -> [String] {
        var parts = [try simpleKey()]
        while true {
            let saved = (index, line, lineStart)
            skipSpaces()
            guard peek() == UInt8(ascii: ".") else {
                (index, line, lineStart) = saved
                return parts
            }
            advance()
            skipSpaces()
            parts.append(try simpleKey())
        }
    }

    private mutating func simpleKey() throws(SyntaxError) -> String {
        guard let byte = peek() else { throw error("expected a key, found the end of the file") }
        if byte == UInt8(ascii: "\"") { return try basicString() }
        if byte == UInt8(ascii: "'") { return try literalString() }
        let start = index
        while let byte = peek(), Self.isBareKeyByte(byte) { advance() }
        guard index > start else { throw error("expected a key (letters, digits, _ or -), found \(described(byte))") }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private static func isBareKeyByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "_"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }

    // MARK: Values

    private mutating func value(depth: Int) throws(SyntaxError) -> Value {
        guard let byte = peek() else { throw error("expected a value, found the end of the file") }
        switch byte {
        case UInt8(ascii: "\""):
            return .string(starts(with: "\"\"\"") ? try multiLineString(escapes: true) : try basicString())
        case UInt8(ascii: "'"):
            return .string(starts(with: "'''") ? try multiLineString(escapes: false) : try literalString())
        case UInt8(ascii: "["):
            return try list(depth: depth + 1)
        case UInt8(ascii: "{"):
            throw error("inline tables ({…}) are not used by SampleMind's configuration; write a [table] instead")
        case UInt8(ascii: "t") where starts(with: "true"):
            index += 4
            return .boolean(true)
        case UInt8(ascii: "f") where starts(with: "false"):
            index += 5
            return .boolean(false)
        case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "i"), UInt8(ascii: "n"):
            return try number()
        case UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "#"):
            throw error("expected a value after \"=\" on the same line")
        default:
            throw error("expected a value (a string in quotes, a number, true or false, or a [list]), found \(described(byte))")
        }
    }

    private mutating func list(depth: Int) throws(SyntaxError) -> Value {
        guard depth <= Self.maximumNesting else { throw error("lists are nested more than \(Self.maximumNesting) deep") }
        advance()
        var items: [Value] = []
        while true {
            try skipSpacesCommentsAndLines()
            if peek() == UInt8(ascii: "]") {
                advance()
                return .list(items)
            }
            items.append(try value(depth: depth))
            try skipSpacesCommentsAndLines()
            guard let byte = peek() else { throw error("the list is not closed with \"]\"") }
            if byte == UInt8(ascii: ",") {
                advance()
            } else if byte != UInt8(ascii: "]") {
                throw error("expected \",\" or \"]\" in the list, found \(described(byte))")
            }
        }
    }

    private mutating func skipSpacesCommentsAndLines() throws(SyntaxError) {
        while true {
            skipSpaces()
            guard let byte = peek() else { return }
            if byte == UInt8(ascii: "#") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                try endOfLine()
            } else {
                return
            }
        }
    }

    // MARK: Numbers

    private mutating func number() throws(SyntaxError) -> Value {
        let start = index
        let column = start - lineStart + 1
        while let byte = peek(), Self.isNumberByte(byte) { advance() }
        let token = String(decoding: bytes[start..<index], as: UTF8.self)
        if let value = Self.numberValue(token) { return value }
        if token.contains(":") || (token.count >= 5 && token.dropFirst(4).first == "-" && token.prefix(4).allSatisfy(\.isNumber)) {
            throw SyntaxError(line: line, column: column, message: "dates and times are not used by SampleMind's configuration")
        }
        throw SyntaxError(line: line, column: column, message: "\"\(token.prefix(40))\" is not a number TOML knows (e.g. 8080, 2.5, 1e3)")
    }

    private static func isNumberByte(_ byte: UInt8) -> Bool {
        isBareKeyByte(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: ":")
    }

    /// An integer or float spelled as TOML spells them, or nil.
    private static func numberValue(_ token: String) -> Value? {
        switch token {
        case "inf", "+inf": return .float(.infinity)
        case "-inf": return .float(-.infinity)
        case "nan", "+nan", "-nan": return .float(.nan)
        default: break
        }
        for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where token.hasPrefix(prefix) {
            let digits = token.dropFirst(2)
            guard validUnderscores(digits), let value = Int(digits.replacingUnderscores(), radix: radix) else { return nil }
            return .integer(value)
        }
        let unsigned = token.first == "+" || token.first == "-" ? token.dropFirst() : Substring(token)
        guard let first = unsigned.first, first.isASCII, first.isNumber else { return nil }
        if unsigned.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "_") }) {
            guard validUnderscores(unsigned), unsigned == "0" || first != "0",
                  let value = Int(token.replacingUnderscores()) else { return nil }
            return .integer(value)
        }
        // A float: digits, then a fraction, an exponent or both.
        let parts = unsigned.split(separator: "e", maxSplits: 1, omittingEmptySubsequences: false)
            .flatMap { $0.split(separator: "E", maxSplits: 1, omittingEmptySubsequences: false) }
        guard parts.count <= 2 else { return nil }
        let mantissa = parts[0].split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard mantissa.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && ($0.isNumber || $0 == "_") } && validUnderscores($0) }),
              mantissa[0] == "0" || mantissa[0].first != "0" else { return nil }
        if parts.count == 2 {
            let exponent = parts[1].first == "+" || parts[1].first == "-" ? parts[1].dropFirst() : parts[1]
            guard !exponent.isEmpty, exponent.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "_") }), validUnderscores(exponent) else { return nil }
        }
        guard mantissa.count == 2 || parts.count == 2, let value = Double(token.replacingUnderscores()) else { return nil }
        return .float(value)
    }

    /// Underscores only between digits.
    private static func validUnderscores(_ digits: Substring) -> Bool {
        !digits.isEmpty && digits.first != "_" && digits.last != "_" && !digits.contains("__")
    }

    // MARK: Strings

    private mutating func basicString() throws(SyntaxError) -> String {
        advance()
        var out: [UInt8] = []
        while true {
            guard let byte = peek() else { throw error("the string is not closed with \"") }
            switch byte {
            case UInt8(ascii: "\""):
                advance()
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try escape(into: &out)
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                throw error("a string must end on its line; use \"\"\" for text over several lines")
            default:
                try checkTextByte(byte)
                out.append(byte)
                advance()
            }
        }
    }

    private mutating func literalString() throws(SyntaxError) -> String {
        advance()
        let start = index
        while true {
            guard let byte = peek() else { throw error("the string is not closed with '") }
            if byte == UInt8(ascii: "'") {
                let text = String(decoding: bytes[start..<index], as: UTF8.self)
                advance()
                return text
            }
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                throw error("a string must end on its line; use ''' for text over several lines")
            }
            try checkTextByte(byte)
            advance()
        }
    }

    /// `"""…"""` (with escapes and line-ending backslashes) or `'''…'''`.
    private mutating func multiLineString(escapes: Bool) throws(SyntaxError) -> String {
        let quote = bytes[index]
        index += 3
        if peek() == UInt8(ascii: "\r"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\n") { index += 1 }
        if peek() == UInt8(ascii: "\n") { advance(); newLine() }
        var out: [UInt8] = []
        while true {
            guard let byte = peek() else { throw error("the text is not closed with \(quote == UInt8(ascii: "\"") ? "\"\"\"" : "'''")") }
            if byte == quote, index + 2 < bytes.count, bytes[index + 1] == quote, bytes[index + 2] == quote {
                index += 3
                // Up to two more quotes belong to the text.
                for _ in 0..<2 where peek() == quote {
                    out.append(quote)
                    advance()
                }
                return String(decoding: out, as: UTF8.self)
            }
            if escapes, byte == UInt8(ascii: "\\") {
                if try lineEndingBackslash() { continue }
                try escape(into: &out)
                continue
            }
            if byte == UInt8(ascii: "\n") {
                out.append(byte)
                advance()
                newLine()
                continue
            }
            if byte == UInt8(ascii: "\r") {
                guard index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\n") else { throw error("a carriage return must be followed by a line feed") }
                advance()
                continue
            }
            try checkTextByte(byte)
            out.append(byte)
            advance()
        }
    }

    /// A backslash followed only by spaces up to the line end: the line end and the next line's
    /// leading blanks are dropped. Returns false (consuming nothing) for an ordinary escape.
    private mutating func lineEndingBackslash() throws(SyntaxError) -> Bool {
        var probe = index + 1
        while probe < bytes.count, bytes[probe] == UInt8(ascii: " ") || bytes[probe] == UInt8(ascii: "\t") { probe += 1 }
        guard probe < bytes.count, bytes[probe] == UInt8(ascii: "\n") || bytes[probe] == UInt8(ascii: "\r") else { return false }
        index = probe
        while let byte = peek(), byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
            advance()
            if byte == UInt8(ascii: "\n") { newLine() }
        }
        return true
    }

    private mutating func escape(into out: inout [UInt8]) throws(SyntaxError) {
        advance()
        guard let byte = peek() else { throw error("the string ends in the middle of an escape") }
        advance()
        switch byte {
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(byte)
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let count = byte == UInt8(ascii: "u") ? 4 : 8
            guard index + count <= bytes.count,
                  let code = UInt32(String(decoding: bytes[index..<(index + count)], as: UTF8.self), radix: 16),
                  let scalar = Unicode.Scalar(code) else {
                throw error("\\\(Character(Unicode.Scalar(byte))) must be followed by \(count) hex digits of a Unicode character")
            }
            index += count
            out.append(contentsOf: Array(String(Character(scalar)).utf8))
        default:
            throw error("unknown escape \\\(described(byte)); use \\\\ for a backslash")
        }
    }

    /// Control characters other than tab may not stand in a string as they are.
    private func checkTextByte(_ byte: UInt8) throws(SyntaxError) {
        if byte < 0x20 && byte != 0x09 || byte == 0x7F {
            throw error("the control character \(described(byte)) cannot stand in a string; write it as an escape")
        }
    }

    // MARK: Bytes

    private func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func advance() { index += 1 }

    /// Call after consuming a line feed.
    private mutating func newLine() {
        line += 1
        lineStart = index
    }

    private func starts(with text: String) -> Bool {
        let pattern = Array(text.utf8)
        return index + pattern.count <= bytes.count && Array(bytes[index..<(index + pattern.count)]) == pattern
    }

    private mutating func skipSpaces() {
        while let byte = peek(), byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") { advance() }
    }

    private mutating func expect(_ byte: UInt8, _ message: String) throws(SyntaxError) {
        guard peek() == byte else { throw error(message + (peek().map { ", found \(described($0))" } ?? ", found the end of the file")) }
        advance()
    }

    private func described(_ byte: UInt8) -> String {
        switch byte {
        case UInt8(ascii: "\n"), UInt8(ascii: "\r"): return "the line's end"
        case 0x20...0x7E: return "\"\(Character(Unicode.Scalar(byte)))\""
        default: return String(format: "byte 0x%02X", byte)
        }
    }

    private func error(_ message: String, line: Int? = nil) -> SyntaxError {
        SyntaxError(line: line ?? self.line, column: line == nil ? index - lineStart + 1 : 1, message: message)
    }
}

private extension StringProtocol {
    func replacingUnderscores() -> String { String(filter { $0 != "_" }) }
}
