import SampleMindAnalysis
import SampleMindCapture
import SampleMindEngine

/// The line `systemctl status` shows (sd_notify STATUS=).
enum ServiceStatusLine {
    /// One line for `systemctl status`: what the input does and what the music does.
    static func text(engine: LiveEngine, input source: AudioInput) -> String {
        switch engine.capture.state {
        case .waiting: return "waiting for \(source.description)"
        case .disconnected: return "\(source.description) disconnected; retrying"
        case .finished: return "\(source.description) finished"
        case .failed: return "\(source.description) failed"
        case .running:
            let tempo = engine.counters.tempoBPM
            let key = engine.counters.keyIndex.load(ordering: .relaxed)
            var music: [String] = []
            if tempo > 0 { music.append("\((tempo * 10).rounded() / 10) BPM") }
            if key >= 0 { music.append(MusicalKey(index: key).description) }
            return "analysing \(source.description)" + (music.isEmpty ? "" : ": " + music.joined(separator: ", "))
        }
    }
}
