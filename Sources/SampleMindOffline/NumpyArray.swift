import Foundation

/// A two-dimensional Float32 array in NumPy's own file format (`.npy`, version 1.0), which
/// `numpy.load` reads without any other package: magic, a header dictionary padded to 64 bytes,
/// then the values row after row, little-endian.
public enum NumpyArray {
    public static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    /// The file's bytes for `rows` × `columns` values stored row after row in `values`.
    public static func encode(_ values: [Float], rows: Int, columns: Int) -> Data {
        precondition(values.count == rows * columns, "the values must fill rows × columns")
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(rows), \(columns)), }"
        // Magic (6) + version (2) + header length (2) + header, newline-terminated, a multiple of 64.
        let unpadded = magic.count + 4 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data(magic)
        data.append(contentsOf: [1, 0])
        let length = UInt16(header.utf8.count)
        data.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
        data.append(contentsOf: header.utf8)
        data.reserveCapacity(data.count + values.count * 4)
        for value in values {
            let bits = value.bitPattern.littleEndian
            withUnsafeBytes(of: bits) { data.append(contentsOf: $0) }
        }
        return data
    }
}
