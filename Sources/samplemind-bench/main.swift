import Foundation
import SampleMindAnalysis
import SampleMindAudioFile
import SampleMindOffline
import SampleMindSynthesis

// samplemind-bench: accuracy on ../shared/corpus (scored by ../shared/eval/score.py) and speed.
// Run it through scripts/bench, which builds in release mode and prepares the scorer's Python.

let arguments = BenchArguments(CommandLine.arguments.dropFirst())
print("SampleMind benchmark — \(Date())")
print("")
SpeedBenchmark.run(seconds: arguments.speedSeconds)
print("")
AccuracyBenchmark.run(arguments: arguments)
