import CALSA

/// The capture sample formats the ALSA input negotiates, best first, and their conversion to float.
enum ALSAFormat: CaseIterable {
    case float32, signed32, signed24, signed16

    var alsa: snd_pcm_format_t {
        switch self {
        case .float32: return SND_PCM_FORMAT_FLOAT_LE
        case .signed32: return SND_PCM_FORMAT_S32_LE
        case .signed24: return SND_PCM_FORMAT_S24_LE
        case .signed16: return SND_PCM_FORMAT_S16_LE
        }
    }

    var bytesPerSample: Int { self == .signed16 ? 2 : 4 }

    var name: String {
        switch self {
        case .float32: return "FLOAT"
        case .signed32: return "S32"
        case .signed24: return "S24"
        case .signed16: return "S16"
        }
    }

    /// Converts `count` samples from `raw` into `output`. Real-time safe: no allocation, locks or system calls.
    func convert(_ raw: UnsafeRawPointer, count: Int, into output: UnsafeMutablePointer<Float>) {
        switch self {
        case .float32:
            output.update(from: raw.assumingMemoryBound(to: Float.self), count: count)
        case .signed32:
            let source = raw.assumingMemoryBound(to: Int32.self)
            for i in 0..<count { output[i] = Float(source[i]) / 2_147_483_648 }
        case .signed24:
            // 24 bits in the low three bytes of a 32-bit word; shift up to sign-extend.
            let source = raw.assumingMemoryBound(to: Int32.self)
            for i in 0..<count { output[i] = Float(source[i] << 8) / 2_147_483_648 }
        case .signed16:
            let source = raw.assumingMemoryBound(to: Int16.self)
            for i in 0..<count { output[i] = Float(source[i]) / 32_768 }
        }
    }
}
