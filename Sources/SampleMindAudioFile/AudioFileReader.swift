import CSndFile
import Glibc

/// Reads a sound file as interleaved 32-bit floats (−1…1) through libsndfile: WAV, FLAC, AIFF,
/// Ogg Vorbis and the other formats libsndfile knows. Not real-time safe: it reads from disk.
public final class AudioFileReader {
    public let path: String
    public let sampleRate: Double
    public let channelCount: Int
    /// Frames (samples per channel) the header promises.
    public let frameCount: Int
    private let handle: OpaquePointer
    private var framesRead = 0

    public init(path: String) throws(AudioFileError) {
        self.path = path
        // Only regular files are opened: open() on a FIFO without a writer blocks for ever, and a
        // device or socket is no sound file. stat follows symbolic links, so a link to a file is fine.
        var status = stat()
        guard stat(path, &status) == 0 else { throw .notFound(path: path) }
        switch status.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw .isDirectory(path: path)
        case S_IFIFO: throw .notRegularFile(path: path, kind: "a named pipe (FIFO)")
        case S_IFCHR, S_IFBLK: throw .notRegularFile(path: path, kind: "a device")
        case S_IFSOCK: throw .notRegularFile(path: path, kind: "a socket")
        default: throw .notRegularFile(path: path, kind: "a special file")
        }
        var info = SF_INFO()
        guard let opened = sf_open(path, Int32(SFM_READ), &info) else {
            throw .unreadable(path: path, reason: Self.lowercasedFirst(String(cString: sf_strerror(nil))))
        }
        handle = opened
        guard info.frames > 0, info.channels > 0 else {
            sf_close(opened)
            throw .empty(path: path)
        }
        sampleRate = Double(info.samplerate)
        channelCount = Int(info.channels)
        frameCount = Int(info.frames)
        if let promised = Self.promisedDataBytes(opened) {
            sf_close(opened)
            throw .truncated(path: path, expectedBytes: promised.header, availableBytes: promised.available)
        }
        // Float data outside ±1 is read as is; clipping is the analyzer's business, not the reader's.
        sf_command(opened, Int32(SFC_SET_NORM_FLOAT), nil, Int32(SF_TRUE))
    }

    deinit { sf_close(handle) }

    /// libsndfile reads a file whose data chunk is cut short without complaint, noting it only in
    /// its log ("data : 88200 (should be 20000)"); a cut file is damaged, so say so.
    private static func promisedDataBytes(_ handle: OpaquePointer) -> (header: Int, available: Int)? {
        var log = [CChar](repeating: 0, count: 4096)
        sf_command(handle, Int32(SFC_GET_LOG_INFO), &log, Int32(log.count))
        let text = String(decoding: log.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        for line in text.split(separator: "\n") where line.hasPrefix("data") && line.contains("should be") {
            let numbers = line.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
            if numbers.count >= 2, numbers[0] > numbers[1] { return (numbers[0], numbers[1]) }
        }
        return nil
    }

    /// Reads up to `frames` frames into `buffer` (at least `frames × channelCount` values) and
    /// returns how many were read; 0 at the end. Throws when the file ends before its header says.
    public func read(into buffer: UnsafeMutableBufferPointer<Float>, frames: Int) throws(AudioFileError) -> Int {
        precondition(buffer.count >= frames * channelCount, "buffer too small for \(frames) frames")
        let got = Int(sf_readf_float(handle, buffer.baseAddress, sf_count_t(frames)))
        framesRead += got
        if got < frames, framesRead < frameCount {
            let error = sf_error(handle)
            if error != 0 {
                throw .unreadable(path: path, reason: Self.lowercasedFirst(String(cString: sf_strerror(handle))))
            }
            throw .unreadable(path: path, reason: "the file ended after \(framesRead) of \(frameCount) frames")
        }
        return got
    }

    /// libsndfile's messages start with a capital; ours continue a sentence.
    public static func lowercasedFirst(_ text: String) -> String {
        guard let first = text.first else { return text }
        return first.lowercased() + text.dropFirst()
    }
}
