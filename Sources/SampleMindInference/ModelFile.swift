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
    private let contents: ModelFileReader.Contents

    /// Reads and checks the file at `path`; every way it can be wrong is a ``ModelError`` naming
    /// it. Not real-time safe: reads the file and allocates.
    public init(contentsOf path: String) throws(ModelError) {
        let loaded = try ModelFileReader.read(path)
        let model = Model(checkedLayers: loaded.layers, sha256: loaded.contents.sha256)
        self.path = path
        contents = loaded.contents
        sha256 = loaded.contents.sha256
        inputSize = model.inputSize
        outputSize = model.outputSize
        parameterCount = model.parameterCount
    }

    /// A new model of these weights, every state at zero, built from the tensors decoded at
    /// start-up: no file access, parsing or checksum. Not real-time safe: allocates.
    public func makeModel() -> Model {
        do {
            return Model(checkedLayers: try contents.makeLayers(), sha256: sha256)
        } catch {
            // The same tensors built layers in init; building them again cannot fail.
            preconditionFailure("\(path): weights checked at start-up no longer make layers: \(error)")
        }
    }
}

extension ModelFile: Equatable {
    /// The same weights: the same checksum.
    public static func == (lhs: ModelFile, rhs: ModelFile) -> Bool { lhs === rhs || lhs.sha256 == rhs.sha256 }
}
