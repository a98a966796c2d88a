import SampleMindInference
import SampleMindModels
import SampleMindValidation

/// The network's weights for a command: the file named, or the one installed with samplemind;
/// read and checked once, before any audio is analysed.
enum NetworkWeights {
    static func load(explicitPath: String?) throws -> ModelFile {
        guard let path = explicitPath ?? ShippedModels.detectorPath else {
            throw CommandFailure("the network's weights are not installed beside samplemind; reinstall it or give --model FILE")
        }
        do {
            return try ModelFile(contentsOf: path)
        } catch {
            throw CommandFailure("\(error)")
        }
    }
}
