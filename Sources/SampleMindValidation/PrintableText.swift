/// Text from outside (file names, device names, keys from a configuration file) made safe to
/// print on one line of a terminal or a log: control characters are written as escapes, so a
/// newline in a file name cannot split an error message in two and an escape sequence cannot
/// reach the terminal.
public enum PrintableText {
    /// `text` with every control character (C0, DEL, C1) escaped as `\n`, `\t`, `\r`, `\\` or `\u{1B}`.
    /// Printable text, including non-ASCII letters, is unchanged.
    public static func escaped(_ text: some StringProtocol) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return String(text) }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case "\\": out += "\\\\"
            default:
                if needsEscape(scalar) {
                    out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar == "\\"
    }
}
