import SampleMindProtocol

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
        json(status, "{\"error\":\(JSONText.quoted(code)),\"message\":\(JSONText.quoted(message))}", headers: headers)
    }
}
