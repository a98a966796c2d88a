import SampleMindAnalysis
import SampleMindModels

/// The trained weights installed beside samplemind-bench, loaded once; benchmarks that need them
/// print why they are missing and measure the DSP detectors and the key profile alone.
enum BenchWeights {
    static let detector: DetectorModel? = {
        do { return try DetectorWeights.load(nil) } catch {
            print("  (network detector not measured: \(error))")
            return nil
        }
    }()

    static let key: KeyModel? = {
        do { return try KeyWeights.load(nil) } catch {
            print("  (key classifier not measured: \(error))")
            return nil
        }
    }()
}
