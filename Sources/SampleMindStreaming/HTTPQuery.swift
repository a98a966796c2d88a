import Foundation

/// The arguments of a request's query string (`?session=3&limit=50`), as libwebsockets hands
/// them over: one `name=value` fragment each, already percent-decoded.
///
/// Pure and total, so that any bytes give arguments or a refusal; fuzzed (see Fuzz/).
enum HTTPQuery {
    /// More arguments than any endpoint takes, with room to spare.
    static let maximumArguments = 32
    /// Longest `name=value` accepted (the longest real one, a key or a cursor, is a few dozen bytes).
    static let maximumArgumentBytes = 1_024

    struct Refusal: Error, Equatable {
        let message: String
    }

    /// The arguments by name (the last of a repeated name wins), or why they are refused: too
    /// many, one too long, or a fragment that is not text.
    static func parse(_ fragments: [[UInt8]]) -> Result<[String: String], Refusal> {
        guard fragments.count <= maximumArguments else {
            return .failure(Refusal(message: "too many query arguments (at most \(maximumArguments))"))
        }
        var arguments: [String: String] = [:]
        for fragment in fragments {
            guard fragment.count <= maximumArgumentBytes else {
                return .failure(Refusal(message: "a query argument is longer than \(maximumArgumentBytes) bytes"))
            }
            guard let text = String(validating: fragment, as: UTF8.self), !text.contains("\0") else {
                return .failure(Refusal(message: "query arguments must be UTF-8 text"))
            }
            let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let value = parts.count > 1 ? String(parts[1]) : ""
            arguments[String(parts[0])] = value.removingPercentEncoding ?? value
        }
        return .success(arguments)
    }
}
