import CSndFile

/// Writes interleaved float samples to a WAV (16-bit, 24-bit or float) or FLAC file through libsndfile.
public enum AudioFileWriter {
    public enum Encoding: Sendable {
        case wav16, wav24, wavFloat, flac16, flac24

        var format: Int32 {
            switch self {
            case .wav16: return Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_16)
            case .wav24: return Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_24)
            case .wavFloat: return Int32(SF_FORMAT_WAV | SF_FORMAT_FLOAT)
            case .flac16: return Int32(SF_FORMAT_FLAC | SF_FORMAT_PCM_16)
            case .flac24: return Int32(SF_FORMAT_FLAC | SF_FORMAT_PCM_24)
            }
        }
    }

    public static func write(
        _ interleaved: [Float], sampleRate: Int, channelCount: Int, to path: String, encoding: Encoding = .wav16
    ) throws(AudioFileError) {
        var info = SF_INFO(frames: 0, samplerate: Int32(sampleRate), channels: Int32(channelCount),
                           format: encoding.format, sections: 0, seekable: 0)
        guard let handle = sf_open(path, Int32(SFM_WRITE), &info) else {
            throw .unwritable(path: path, reason: AudioFileReader.lowercasedFirst(String(cString: sf_strerror(nil))))
        }
        defer { sf_close(handle) }
        // Keep full-scale samples from wrapping around when converted to integers.
        sf_command(handle, Int32(SFC_SET_CLIPPING), nil, Int32(SF_TRUE))
        let frames = interleaved.count / channelCount
        let written = interleaved.withUnsafeBufferPointer { sf_writef_float(handle, $0.baseAddress, sf_count_t(frames)) }
        guard written == frames else {
            throw .unwritable(path: path, reason: AudioFileReader.lowercasedFirst(String(cString: sf_strerror(handle))))
        }
    }
}
