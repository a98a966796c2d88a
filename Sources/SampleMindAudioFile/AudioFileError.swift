import SampleMindValidation

/// Why a sound file could not be read or written. Each message names the file (escaped, so a
/// control character in its name cannot split the line or reach the terminal) and the reason.
public enum AudioFileError: Error, Equatable, CustomStringConvertible {
    case notFound(path: String)
    case isDirectory(path: String)
    /// A named pipe, device or socket: opening one to read can wait for ever (a FIFO with no writer).
    case notRegularFile(path: String, kind: String)
    case unreadable(path: String, reason: String)
    case empty(path: String)
    case truncated(path: String, expectedBytes: Int, availableBytes: Int)
    case unwritable(path: String, reason: String)

    /// The file the error is about, as given.
    public var path: String {
        switch self {
        case .notFound(let path), .isDirectory(let path), .notRegularFile(let path, _), .unreadable(let path, _),
             .empty(let path), .truncated(let path, _, _), .unwritable(let path, _):
            return path
        }
    }

    public var description: String {
        let file = PrintableText.escaped(path)
        switch self {
        case .notFound:
            return "\(file): no such file; check the path"
        case .isDirectory:
            return "\(file): is a directory, not a sound file; name the files inside it"
        case .notRegularFile(_, let kind):
            return "\(file): is \(kind), not a regular sound file; save the audio to a file and name that"
        case .unreadable(_, let reason):
            // libsndfile's reasons can quote what it found in the file.
            return "\(file): cannot be read as audio (\(PrintableText.escaped(reason))); use WAV, FLAC, AIFF or Ogg Vorbis"
        case .empty:
            return "\(file): contains no audio samples"
        case .truncated(_, let expected, let available):
            return "\(file): file is truncated (its header promises \(expected) bytes of audio, only \(available) are there); re-export or re-copy it"
        case .unwritable(_, let reason):
            return "\(file): cannot be written (\(PrintableText.escaped(reason)))"
        }
    }
}
