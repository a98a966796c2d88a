/// The JSON text every encoder here writes: numbers rounded to a stated number of decimals
/// (non-finite values as null) and strings escaped (RFC 8259, section 7).
public enum JSONText {
    /// A number with at most `digits` decimals, without a trailing ".0"; non-finite values are null.
    public static func rounded(_ value: Double, _ digits: Int = 2) -> String {
        guard value.isFinite else { return "null" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let r = (value * scale).rounded() / scale
        return r == r.rounded() && abs(r) < 1e15 ? String(Int(r)) : String(r)
    }

    public static func rounded(_ value: Float, _ digits: Int = 2) -> String { rounded(Double(value), digits) }

    /// A JSON string literal for `text`, with quotes, backslashes and control characters escaped.
    public static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// A JSON array of `values`, each rounded to `digits` decimals.
    public static func list<let n: Int>(_ values: InlineArray<n, Float>, digits: Int) -> String {
        var out = "["
        for i in 0..<n {
            if i > 0 { out += "," }
            out += rounded(values[i], digits)
        }
        return out + "]"
    }

    /// A JSON array of `values`, each rounded to `digits` decimals.
    public static func list(_ values: [Float], digits: Int) -> String {
        "[" + values.map { rounded($0, digits) }.joined(separator: ",") + "]"
    }
}
