/// A model file read and checked once, at start-up: its checksum, format, sizes and weights.
/// Each ``makeModel()`` then builds a fresh ``Model`` with its own state from the bytes already
/// in memory, so an analyzer set up later (when the input's format changes) never touches the
/// disk and cannot meet a damaged file.
public final class ModelFile: Sendable {
    /// The path as given.
    public let path: String
    /// The SHA-256 of the file (hexadecimal, over everything before the checksum), to name the
    /// weights in logs and results.
    public let sha256: String
    public let inputSize: Int
    public let outputSize: Int
    public let parameterCount: Int
    private let bytes: LittleEndianBytes

    /// Reads and checks the file at `path`; every way it can be wrong is a ``ModelError`` naming
    /// it. Not real-time safe: reads the file and allocates.
    public init(contentsOf path: String) throws(ModelError) {
        let checked = try ModelFileReader.readChecked(path)
        self.path = path
        bytes = checked.bytes
        sha256 = checked.sha256
        let model = Self.build(bytes, path: path)
        inputSize = model.inputSize
        outputSize = model.outputSize
        parameterCount = model.parameterCount
    }

    /// A new model of these weights, every state at zero. Not real-time safe: allocates.
    public func makeModel() -> Model { Self.build(bytes, path: path) }

    private static func build(_ bytes: LittleEndianBytes, path: String) -> Model {
        do {
            let decoded = try ModelFileReader.decode(bytes)
            return Model(checkedLayers: decoded.layers, sha256: decoded.sha256)
        } catch {
            // The same bytes passed every check in init; decoding them again cannot fail.
            preconditionFailure("\(path): a model file checked at start-up no longer decodes: \(error)")
        }
    }
}

extension ModelFile: Equatable {
    /// The same weights: the same checksum.
    public static func == (lhs: ModelFile, rhs: ModelFile) -> Bool { lhs === rhs || lhs.sha256 == rhs.sha256 }
}
