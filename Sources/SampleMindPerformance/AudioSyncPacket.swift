/// One WLED Audio Sync v2 packet: the 44 bytes a WLED controller with the audio-reactive usermod
/// takes from the network instead of its own microphone (docs/wled.md has the byte table).
///
/// Layout followed: WLED 0.14's `struct audioSyncPacket` (usermods/audioreactive/audio_reactive.h),
/// which names the two spare pairs of bytes `pressure[2]` and `zeroCrossingCount`; WLED 0.13's v2
/// struct has the same offsets with those bytes as compiler padding, and receivers of both check
/// only the header and the size. All multi-byte fields are little-endian (the ESP32's order).
///
/// Real-time safe once made: encoding writes into a caller-owned 44-byte buffer.
public struct AudioSyncPacket: Sendable, Equatable {
    public static let size = 44
    public static let bandCount = 16
    /// "00002" and its terminating NUL.
    public static let header: [UInt8] = [0x30, 0x30, 0x30, 0x30, 0x32, 0x00]

    /// Sound pressure as 8.8 fixed point, 0…255 (WLED 0.14 and later read it; older ones ignore it).
    public var pressure: Float = 0
    /// Volume now and smoothed, on WLED's 0…255 scale of its microphone sample.
    public var sampleRaw: Float = 0
    public var sampleSmooth: Float = 0
    /// A beat: WLED's "peak" flag, set in one packet per beat.
    public var peak = false
    /// Counts packets modulo 256 so a receiver can see loss and reordering.
    public var frameCounter: UInt8 = 0
    /// The 16 GEQ channels, 0…255 each (WLED's band edges, see ``AudioSyncBands``).
    public var bands = InlineArray<16, UInt8>(repeating: 0)
    public var zeroCrossingCount: UInt16 = 0
    /// The strongest frequency's magnitude, on WLED's FFT scale, and that frequency in Hz.
    public var magnitude: Float = 0
    public var majorPeakHz: Float = 0

    public init() {}

    /// Writes the packet into `bytes` (at least ``size`` long). Values outside a field's range
    /// are clamped; NaN becomes 0, so nothing from the analysis can trap here.
    ///
    /// Real-time safe: no allocation, locks or system calls.
    public func encode(into bytes: UnsafeMutableRawBufferPointer) {
        precondition(bytes.count >= Self.size, "an Audio Sync packet needs 44 bytes")
        for (offset, byte) in Self.header.enumerated() { bytes[offset] = byte }
        let fixed = UInt32(Self.clamped(pressure, 0, 65_535.0 / 256) * 256)
        bytes[6] = UInt8(fixed >> 8)
        bytes[7] = UInt8(fixed & 0xFF)
        Self.store(Self.clamped(sampleRaw, 0, 4_096), at: 8, in: bytes)
        Self.store(Self.clamped(sampleSmooth, 0, 4_096), at: 12, in: bytes)
        bytes[16] = peak ? 1 : 0
        bytes[17] = frameCounter
        for band in 0..<Self.bandCount { bytes[18 + band] = bands[band] }
        bytes[34] = UInt8(zeroCrossingCount & 0xFF)
        bytes[35] = UInt8(zeroCrossingCount >> 8)
        Self.store(Self.clamped(magnitude, 0, 1e9), at: 36, in: bytes)
        Self.store(Self.clamped(majorPeakHz, 1, 11_025), at: 40, in: bytes)
    }

    /// The packet as a new array (tests, and callers off the real-time path).
    public var bytes: [UInt8] {
        var out = [UInt8](repeating: 0, count: Self.size)
        out.withUnsafeMutableBytes { encode(into: $0) }
        return out
    }

    /// Reads a packet back: nil unless `bytes` is 44 bytes long and starts with the v2 header,
    /// the two checks WLED's receiver makes.
    public init?(decoding bytes: [UInt8]) {
        guard bytes.count == Self.size, Array(bytes[0..<6]) == Self.header else { return nil }
        func float(at offset: Int) -> Float {
            Float(bitPattern: UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24)
        }
        pressure = Float(bytes[6]) + Float(bytes[7]) / 256
        sampleRaw = float(at: 8)
        sampleSmooth = float(at: 12)
        peak = bytes[16] != 0
        frameCounter = bytes[17]
        for band in 0..<Self.bandCount { bands[band] = bytes[18 + band] }
        zeroCrossingCount = UInt16(bytes[34]) | UInt16(bytes[35]) << 8
        magnitude = float(at: 36)
        majorPeakHz = float(at: 40)
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.bytes == b.bytes
    }

    private static func clamped(_ value: Float, _ low: Float, _ high: Float) -> Float {
        value.isNaN ? max(low, 0) : min(max(value, low), high)
    }

    private static func store(_ value: Float, at offset: Int, in bytes: UnsafeMutableRawBufferPointer) {
        let bits = value.bitPattern
        for i in 0..<4 { bytes[offset + i] = UInt8((bits >> (8 * UInt32(i))) & 0xFF) }
    }
}
