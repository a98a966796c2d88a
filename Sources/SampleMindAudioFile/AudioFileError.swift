/// Why a sound file could not be read or written. Each message names the file and the reason.
public enum AudioFileError: Error, Equatable, CustomStringConvertible {
    case notFound(path: String)
    case isDirectory(path: String)
    /// A named pipe, device or socket: opening one to read can wait for ever (a FIFO with no writer).
    case notRegularFile(path: String, kind: String)
    case unreadable(path: String, reason: String)
    case empty(path: String)
    case truncated(path: String, expectedBytes: Int, availableBytes: Int)
    case unwritable(path: String, reason: String)

    public var description: String {
        switch self {
        case .notFound(let path):
            return "\(path): no such file; check the path"
        case .isDirectory(let path):
            return "\(path): is a directory, not a sound file; name the files inside it"
        case .notRegularFile(let path, let kind):
            return "\(path): is \(kind), not a regular sound file; save the audio to a file and name that"
        case .unreadable(let path, let reason):
            return "\(path): cannot be read as audio (\(reason)); use WAV, FLAC, AIFF or Ogg Vorbis"
        case .empty(let path):
            return "\(path): contains no audio samples"
        case .truncated(let path, let expected, let available):
            return "\(path): file is truncated (its header promises \(expected) bytes of audio, only \(available) are there); re-export or re-copy it"
        case .unwritable(let path, let reason):
            return "\(path): cannot be written (\(reason))"
        }
    }
}
