/// A model file's bytes, read as little-endian fields at byte offsets the caller has checked.
struct LittleEndianBytes {
    let bytes: [UInt8]

    var count: Int { bytes.count }

    func uint8(at offset: Int) -> UInt8 { bytes[offset] }

    func uint16(at offset: Int) -> UInt16 { UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8 }

    func uint32(at offset: Int) -> UInt32 {
        (0..<4).reduce(0) { $0 | UInt32(bytes[offset + $1]) << (8 * UInt32($1)) }
    }

    func float(at offset: Int) -> Float { Float(bitPattern: uint32(at: offset)) }

    /// `count` Float32 values from `offset` on. Not real-time safe: allocates; call during set-up.
    func floats(at offset: Int, count: Int) -> [Float] {
        bytes.withUnsafeBytes { raw in
            (0..<count).map {
                Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 4 * $0, as: UInt32.self)))
            }
        }
    }
}
