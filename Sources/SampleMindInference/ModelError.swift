import SampleMindValidation

/// Why a model could not be loaded or built. The message names the file (escaped, so a control
/// character in its name can neither split the line nor reach the terminal), says what is wrong
/// with it and what to do. Layers are numbered from 1 in order.
public struct ModelError: Error, Equatable, CustomStringConvertible {
    public enum Problem: Error, Equatable {
        case notFound
        /// A directory, named pipe, device or socket.
        case notRegularFile(kind: String)
        case unreadable(reason: String)
        case tooLarge(bytes: Int, limit: Int)
        case truncated(expectedBytes: Int, actualBytes: Int)
        case trailingBytes(expectedBytes: Int, actualBytes: Int)
        case badMagic
        case unsupportedVersion(UInt32)
        case checksumMismatch
        /// A header that breaks the format: an unknown layer kind or activation, a non-zero
        /// reserved field, a layer count or body length that does not add up.
        case malformedHeader(String)
        case absurdSize(layer: Int, LayerError)
        case tooManyParameters(count: Int, limit: Int)
        case sizesDoNotChain(layer: Int, outputSize: Int, nextInputSize: Int)
        /// A layer the file describes correctly whose weights are unusable (NaN or infinite).
        case invalidLayer(layer: Int, LayerError)
        case noLayers
    }

    /// The model file, as given; nil for a model built in code.
    public let path: String?
    public let problem: Problem

    public init(path: String?, problem: Problem) {
        self.path = path
        self.problem = problem
    }

    public var description: String {
        let subject = path.map { "model file \(PrintableText.escaped($0))" } ?? "model"
        return "\(subject): \(explanation)"
    }

    private var explanation: String {
        let exportAgain = "export the model again with training/export.py"
        switch problem {
        case .notFound:
            return "no such file; check the path"
        case .notRegularFile(let kind):
            return "is \(kind), not a model file; name the model's .smnn file"
        case .unreadable(let reason):
            return "cannot be read (\(PrintableText.escaped(reason))); check its permissions"
        case .tooLarge(let bytes, let limit):
            return "is \(bytes) bytes, more than the \(limit) a model file may have; it is not a SampleMind model file"
        case .truncated(let expected, let actual):
            return "is truncated (it has \(actual) bytes, it needs \(expected)); copy it or \(exportAgain)"
        case .trailingBytes(let expected, let actual):
            return "is \(actual) bytes, its header says \(expected): it is damaged or was appended to; copy it or \(exportAgain)"
        case .badMagic:
            return "is not a SampleMind model file (it does not begin with the bytes 89 53 4D 4E 4E 0D 0A 1A); \(exportAgain)"
        case .unsupportedVersion(let version):
            return "has model format version \(version), this SampleMind reads version \(ModelFileReader.version); "
                + "\(exportAgain) from this SampleMind's source, or use a SampleMind that reads version \(version)"
        case .checksumMismatch:
            return "its SHA-256 checksum does not match its contents, so the file is damaged; copy it or \(exportAgain)"
        case .malformedHeader(let reason):
            return "\(reason); \(exportAgain)"
        case .absurdSize(let layer, let error):
            return "layer \(layer): \(error), beyond any network SampleMind runs; the file is damaged or not meant for SampleMind"
        case .tooManyParameters(let count, let limit):
            return "its layers have \(count) parameters, more than the \(limit) a model may have; "
                + "the file is damaged or not meant for SampleMind"
        case .sizesDoNotChain(let layer, let output, let nextInput):
            return "layer \(layer) outputs \(output) values but layer \(layer + 1) takes \(nextInput), "
                + "so the layers do not fit together; check the network's definition and \(exportAgain)"
        case .invalidLayer(let layer, let error):
            return "layer \(layer): \(error); \(exportAgain) from a checkpoint whose weights are all finite"
        case .noLayers:
            return "has no layers; \(exportAgain)"
        }
    }
}
