import Foundation
import SampleMindTestSupport
import XCTest

/// The benchmark's command line (the benchmarks themselves run through scripts/bench, not here).
final class BenchCommandTests: XCTestCase {
    private static let benchmarks = ["speed", "accuracy", "live", "latency", "stream", "segments", "dashboard", "performer"]

    private func bench(_ arguments: [String]) throws -> SampleMindBinary.Outcome {
        try SampleMindBinary.run(arguments, executable: SampleMindBinary.benchURL, timeout: 20)
    }

    func testHelp_exitsZeroAndListsEveryBenchmarkWithWhatItMeasures() throws {
        let outcome = try bench(["--help"])
        XCTAssertEqual(outcome.status, 0, outcome.standardError)
        let lines = outcome.standardOutput.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        for name in Self.benchmarks {
            XCTAssertTrue(lines.contains { $0.hasPrefix(name + " ") && $0.count > name.count + 10 },
                          "a line names '\(name)' and says what it measures: \(outcome.standardOutput)")
        }
        for option in ["--live-minutes", "--soak-hours", "--latency-seconds", "--python", "--corpus", "--keep"] {
            XCTAssertTrue(outcome.standardOutput.contains(option), "--help lists \(option)")
        }
        XCTAssertFalse(outcome.standardOutput.contains("SampleMind benchmark —"), "no benchmark ran")
    }

    func testBench_whenBenchmarkIsUnknown_exitsNonZeroNamingItAndTheBenchmarks() throws {
        let outcome = try bench(["sped"])
        XCTAssertNotEqual(outcome.status, 0)
        XCTAssertFalse(outcome.timedOut)
        XCTAssertTrue(outcome.standardError.contains("'sped'"), outcome.standardError)
        for name in Self.benchmarks {
            XCTAssertTrue(outcome.standardError.contains(name), "the error lists '\(name)': \(outcome.standardError)")
        }
        XCTAssertEqual(outcome.standardOutput, "", "no benchmark ran")
    }

    func testBench_whenADurationIsNotANumberOrNegative_exitsNonZeroNamingTheOption() throws {
        for arguments in [["live", "--live-minutes", "ten"], ["live", "--soak-hours=-1"]] {
            let outcome = try bench(arguments)
            XCTAssertNotEqual(outcome.status, 0, "\(arguments)")
            XCTAssertTrue(outcome.standardError.contains(arguments[1].split(separator: "=")[0]), outcome.standardError)
            XCTAssertEqual(outcome.standardOutput, "", "no benchmark ran")
        }
    }

    func testBench_whenTheBeatDecoderIsUnknownOrTheDetectorIsNotTheNetwork_exitsNonZeroSayingWhy() throws {
        let cases: [([String], String)] = [
            (["performer", "--detector", "network", "--beat-decoder", "viterbi"], "onset-function, bar-pointer or cumulative-score"),
            (["performer", "--beat-decoder", "bar-pointer"], "--beat-decoder needs --detector network"),
            (["performer", "--detector", "dsp", "--beat-decoder", "bar-pointer"], "--beat-decoder needs --detector network"),
        ]
        for (arguments, message) in cases {
            let outcome = try bench(arguments)
            XCTAssertNotEqual(outcome.status, 0, "\(arguments)")
            XCTAssertTrue(outcome.standardError.contains(message), "\(arguments): \(outcome.standardError)")
            XCTAssertEqual(outcome.standardOutput, "", "no benchmark ran")
        }
    }

    func testBench_takesOptionsBetweenBenchmarksAsScriptsBenchPassesThem() throws {
        let outcome = try bench(["--python", "/nonexistent/python", "accuracy", "--corpus", "/nonexistent/corpus", "--live-minutes", "1"])
        XCTAssertEqual(outcome.status, 0, outcome.standardError)
        XCTAssertTrue(outcome.standardOutput.contains("Accuracy: skipped — no corpus at /nonexistent/corpus"), outcome.standardOutput)
    }
}
