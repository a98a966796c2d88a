/// A small complete HTTP response, written by the network thread when the socket is writeable.
struct HTTPResponse {
    var status: UInt32
    var contentType: String
    var body: [UInt8]
    var headers: [(String, String)] = []

    static func json(_ status: UInt32, _ text: String, headers: [(String, String)] = []) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "application/json", body: Array(text.utf8), headers: headers)
    }

    static func error(_ status: UInt32, code: String, message: String, headers: [(String, String)] = []) -> HTTPResponse {
        json(status, "{\"error\":\(JSONText.quote(code)),\"message\":\(JSONText.quote(message))}", headers: headers)
    }
}

/// Minimal JSON text helpers for hand-built documents.
enum JSONText {
    static func quote(_ text: String) -> String {
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
                    out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
