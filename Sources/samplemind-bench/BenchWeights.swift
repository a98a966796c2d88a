import SampleMindAnalysis
import SampleMindModels

/// The network weights installed beside samplemind-bench, loaded once; benchmarks that need them
/// print why they are missing and measure the DSP detectors alone.
enum BenchWeights {
    static let detector: DetectorModel? = {
        do { return try DetectorWeights.load(nil) } catch {
            print("  (network detector not measured: \(error))")
            return nil
        }
    }()
}
