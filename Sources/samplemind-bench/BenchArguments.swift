import Foundation

/// Options: --corpus DIR, --scorer FILE, --baseline FILE, --python PATH, --speed-seconds N, --keep DIR.
struct BenchArguments {
    var corpus = "../shared/corpus"
    var scorer = "../shared/eval/score.py"
    var baseline = "../shared/eval/baseline.md"
    var python = "../.venv-eval/bin/python"
    var speedSeconds = 120.0
    var keep: String?

    init<S: Sequence>(_ words: S) where S.Element == String {
        var iterator = words.makeIterator()
        while let word = iterator.next() {
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
            default: fatalError("samplemind-bench: unknown option \(word)")
            }
        }
    }
}
