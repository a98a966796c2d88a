import SampleMindValidation

/// A secret (a password, a token) kept in a file of its own, so it stays out of the process list
/// and the configuration: one line, trailing line ends dropped, at most 4 KiB. Messages name the
/// option and the file, never the secret.
public enum SecretFile {
    /// The one line in `path`; `option` ("mqtt.password_file", "--token-file") and `what`
    /// ("password", "token") are for the message.
    public static func line(at path: String, option: String, what: String) throws(ConfigurationError) -> String {
        let shown = "\(option) \"\(PrintableText.escaped(path))\""
        let text: String
        do { text = try TextFile.read(path, maximumBytes: 4_096) } catch {
            switch error {
            case .unreadable(let reason): throw ConfigurationError("\(shown): cannot read the \(what) file: \(reason)")
            case .tooLarge: throw ConfigurationError("\(shown): the file is larger than 4 KiB; it should hold the \(what) alone, on one line")
            case .notText(let line, let column, let problem): throw ConfigurationError("\(shown), line \(line), column \(column): \(problem)")
            }
        }
        var secret = Substring(text)
        while let last = secret.last, last == "\n" || last == "\r" { secret = secret.dropLast() }
        guard !secret.isEmpty, !secret.contains(where: \.isNewline) else {
            throw ConfigurationError("\(shown): the file must hold the \(what) on one line, and it is empty or has several lines")
        }
        return String(secret)
    }
}
