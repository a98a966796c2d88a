import Foundation
import SampleMindInference

/// A valid model file (docs/model-format.md) of one dense layer, `inputs` → `outputs`, with
/// small fixed weights: sound in every way a file can be checked, for tests of what a model is
/// used for (a detector needs 218 inputs and 3 outputs).
public enum DenseModelFile {
    public static func write(inputs: Int, outputs: Int, to path: String) throws {
        var body: [UInt8] = []
        func append(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { body.append(contentsOf: $0) } }
        append(1)                                   // one layer
        body += [1, 0, 0, 0]                        // dense, identity, reserved
        for size in [inputs, outputs, 0, 0] { append(UInt32(size)) }
        append(0)                                   // the layer's parameter (unused by dense)
        for n in 0..<(inputs * outputs + outputs) { append((Float(n % 7 - 3) / 10).bitPattern) }  // weights, then bias
        var file: [UInt8] = [0x89, 0x53, 0x4D, 0x4E, 0x4E, 0x0D, 0x0A, 0x1A]
        withUnsafeBytes(of: UInt32(1).littleEndian) { file.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt32(body.count).littleEndian) { file.append(contentsOf: $0) }
        file += body
        file += SHA256.hash(file)
        try Data(file).write(to: URL(fileURLWithPath: path))
    }
}
