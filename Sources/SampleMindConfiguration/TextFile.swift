import Glibc

/// A small text file read whole (the configuration file, the token file), with what can go wrong
/// told apart: the file cannot be read (missing, a directory, no permission), it is far too large
/// to be what it claims, or what it holds is not plain UTF-8 text, reported with its line.
///
/// A NUL byte is refused: no configuration holds one, and a reader that passes the text on as a C
/// string (as the TOML library used before did) would silently end the file there, dropping every
/// key after it.
enum TextFile {
    enum Failure: Error {
        /// Why the file could not be read, in words with what to do ("there is no such file; check the path").
        case unreadable(String)
        case tooLarge
        /// Where the text stops being plain text (1-based line and column) and what was found there.
        case notText(line: Int, column: Int, problem: String)
    }

    /// The file's text. Reads at most `maximumBytes` + 1 bytes, so that /dev/zero or a runaway
    /// file cannot exhaust memory.
    static func read(_ path: String, maximumBytes: Int) throws(Failure) -> String {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .unreadable(reason(errno)) }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .unreadable(reason(errno))
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[..<count])
            if bytes.count > maximumBytes { throw .tooLarge }
        }
        return try text(bytes)
    }

    /// `bytes` as text, or where the first NUL byte or invalid UTF-8 sequence is. Columns count
    /// Unicode scalars, which is what an editor shows for all but combining marks.
    static func text(_ bytes: [UInt8]) throws(Failure) -> String {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0, line = 1, column = 1
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                if encoded.count == 1, encoded.first == 0 {
                    throw .notText(line: line, column: column,
                                   problem: "the file contains a NUL byte (0x00); configuration files are plain text — remove it")
                }
                if encoded.count == 1, encoded.first == 0x0A {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
                offset += encoded.count
            case .error:
                let hex = String(bytes[offset], radix: 16, uppercase: true)
                throw .notText(line: line, column: column,
                               problem: "not valid UTF-8 text (byte 0x\(hex.count == 1 ? "0" : "")\(hex)); save the file as UTF-8")
            case .emptyInput:
                return String(decoding: bytes, as: UTF8.self)
            }
        }
    }

    private static func reason(_ code: Int32) -> String {
        switch code {
        case ENOENT: return "there is no such file; check the path"
        case ENOTDIR: return "part of the path is a file, not a folder; check the path"
        case EISDIR: return "it is a directory; name the file itself"
        case EACCES, EPERM: return "permission denied; make it readable by the user the daemon runs as"
        default: return String(cString: strerror(code)) + "; check the path and permissions"
        }
    }
}
