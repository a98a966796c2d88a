import Foundation

/// Sections (speed, accuracy, live, latency, stream, segments, dashboard, performer; default speed and accuracy) and options: --corpus DIR,
/// --scorer FILE, --baseline FILE, --python PATH, --speed-seconds N, --keep DIR, --live-minutes N,
/// --soak-hours N, --latency-seconds N, --stream-seconds N, --dashboard-seconds N, --performer-seconds N.
struct BenchArguments {
    enum Section: String { case speed, accuracy, live, latency, stream, segments, dashboard, performer }

    var sections: [Section] = []
    var liveMinutes = 10.0
    var soakHours = 24.0
    var latencySeconds = 60.0
    var streamSeconds = 20.0
    var dashboardSeconds = 30.0
    var performerSeconds = 40.0
    var corpus = "../shared/corpus"
    var scorer = "../shared/eval/score.py"
    var baseline = "../shared/eval/baseline.md"
    var python = "../.venv-eval/bin/python"
    var speedSeconds = 120.0
    var keep: String?

    init<S: Sequence>(_ words: S) where S.Element == String {
        var iterator = words.makeIterator()
        while let word = iterator.next() {
            if let section = Section(rawValue: word) {
                sections.append(section)
                continue
            }
            guard let value = iterator.next() else {
                fatalError("samplemind-bench: \(word) needs a value")
            }
            switch word {
            case "--corpus": corpus = value
            case "--scorer": scorer = value
            case "--baseline": baseline = value
            case "--python": python = value
            case "--speed-seconds": speedSeconds = Double(value) ?? speedSeconds
            case "--keep": keep = value
            case "--live-minutes": liveMinutes = Double(value) ?? liveMinutes
            case "--soak-hours": soakHours = Double(value) ?? soakHours
            case "--latency-seconds": latencySeconds = Double(value) ?? latencySeconds
            case "--stream-seconds": streamSeconds = Double(value) ?? streamSeconds
            case "--dashboard-seconds": dashboardSeconds = Double(value) ?? dashboardSeconds
            case "--performer-seconds": performerSeconds = Double(value) ?? performerSeconds
            default: fatalError("samplemind-bench: unknown option \(word)")
            }
        }
        if sections.isEmpty { sections = [.speed, .accuracy] }
    }
}
