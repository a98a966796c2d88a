// swift-tools-version: 6.0
import PackageDescription

/// A system library target over one Debian -dev package, found with pkg-config.
func systemLibrary(_ name: String, pkgConfig: String, apt: String) -> Target {
    .systemLibrary(name: name, path: "Sources/\(name)", pkgConfig: pkgConfig, providers: [.apt([apt])])
}

/// Code on the real-time path is optimised in every build: unoptimised Swift allocates where
/// generic code is not specialised, so a debug build would break the no-allocation rule.
let realTimeSettings: [SwiftSetting] = [.unsafeFlags(["-O"])]

let package = Package(
    name: "SampleMind",
    products: [
        .executable(name: "samplemind", targets: ["samplemind"]),
        .executable(name: "samplemind-bench", targets: ["samplemind-bench"]),
        .library(name: "SampleMindAnalysis", targets: ["SampleMindAnalysis"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/ordo-one/malloc-interposer", from: "1.6.1"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // Thin bridges to the C libraries (module maps and the few inline shims Swift needs).
        systemLibrary("CFFTW", pkgConfig: "fftw3f", apt: "libfftw3-dev"),
        systemLibrary("CSndFile", pkgConfig: "sndfile", apt: "libsndfile1-dev"),
        systemLibrary("CEbur128", pkgConfig: "libebur128", apt: "libebur128-dev"),
        systemLibrary("CJACK", pkgConfig: "jack", apt: "libjack-jackd2-dev"),
        systemLibrary("CALSA", pkgConfig: "alsa", apt: "libasound2-dev"),
        systemLibrary("CWebSockets", pkgConfig: "libwebsockets", apt: "libwebsockets-dev"),
        systemLibrary("CSQLite", pkgConfig: "sqlite3", apt: "libsqlite3-dev"),
        systemLibrary("CLo", pkgConfig: "liblo", apt: "liblo-dev"),

        // Checked conversions and escaping for everything that comes from outside (messages, files, flags).
        .target(name: "SampleMindValidation"),
        // Signal processing building blocks: FFT, windows, filter banks.
        .target(name: "SampleMindDSP", dependencies: ["CFFTW"], swiftSettings: realTimeSettings),
        // The causal, block-wise analyzer and its trackers. Never imports I/O, streaming or storage.
        .target(name: "SampleMindAnalysis", dependencies: ["SampleMindDSP", "CEbur128"], swiftSettings: realTimeSettings),
        // Lock-free hand-over between threads: sample rings, queues, wake-ups, real-time threads.
        .target(name: "SampleMindRealtime", swiftSettings: realTimeSettings),
        // Live inputs: JACK, ALSA and a file played in real time, writing into a capture channel.
        .target(
            name: "SampleMindCapture",
            dependencies: ["SampleMindRealtime", "SampleMindAudioFile", "CJACK", "CALSA"],
            swiftSettings: realTimeSettings
        ),
        // The analysis thread: capture channel in, frames and events out to consumers' queues.
        .target(
            name: "SampleMindEngine",
            dependencies: ["SampleMindAnalysis", "SampleMindCapture", "SampleMindRealtime", "SampleMindProtocol"],
            swiftSettings: realTimeSettings
        ),
        // The network face: WebSocket stream, HTTP API and static files on libwebsockets.
        .target(
            name: "SampleMindStreaming",
            dependencies: ["SampleMindEngine", "SampleMindProtocol", "SampleMindRealtime", "SampleMindValidation", "CWebSockets"],
            resources: [.copy("Dashboard")]
        ),
        // The configuration file, environment and command line, merged and checked.
        .target(name: "SampleMindConfiguration", dependencies: ["SampleMindValidation", .product(name: "TOMLKit", package: "TOMLKit")]),
        // SQLite storage of sessions and segments (a thin layer over the C API; bound parameters only).
        .target(name: "SampleMindStorage", dependencies: ["CSQLite", "SampleMindAnalysis", "SampleMindEngine", "SampleMindRealtime"]),
        // Running as a service: systemd notification and watchdog.
        .target(name: "SampleMindService"),
        // Reading sound files (libsndfile).
        .target(name: "SampleMindAudioFile", dependencies: ["CSndFile", "SampleMindValidation"]),
        // The project's own test and demo signals: clicks, drum patterns, chord progressions.
        .target(name: "SampleMindSynthesis"),
        // The JSON shapes of frames and events, shared by the command line and the stream.
        .target(name: "SampleMindProtocol", dependencies: ["SampleMindAnalysis", "SampleMindValidation"]),
        // Running the analyzer over a whole file and reporting what it emitted.
        .target(name: "SampleMindOffline", dependencies: ["SampleMindAnalysis", "SampleMindAudioFile"]),
        // Performer outputs: OSC (liblo) out and in, and the MIDI clock's driver.
        .target(
            name: "SampleMindPerformance",
            dependencies: ["SampleMindEngine", "SampleMindProtocol", "SampleMindRealtime", "SampleMindValidation", "CLo"]
        ),
        .executableTarget(
            name: "samplemind",
            dependencies: ["SampleMindPerformance",
                "SampleMindOffline", "SampleMindSynthesis", "SampleMindEngine", "SampleMindCapture", "SampleMindProtocol",
                "SampleMindRealtime", "SampleMindAudioFile", "SampleMindStreaming", "SampleMindService", "SampleMindConfiguration", "SampleMindStorage",
                "SampleMindValidation",
                "CFFTW", "CSndFile", "CEbur128", "CJACK", "CALSA", "CWebSockets", "CSQLite", "CLo",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "samplemind-bench",
            dependencies: ["SampleMindOffline", "SampleMindSynthesis", "SampleMindEngine", "SampleMindCapture", "SampleMindStorage",
                           "SampleMindPerformance", "CJACK"]
        ),

        .target(
            name: "SampleMindTestSupport",
            dependencies: [.product(name: "MallocInterposerSwift", package: "malloc-interposer")],
            path: "Tests/SampleMindTestSupport"
        ),
        .testTarget(name: "SampleMindDSPTests", dependencies: ["SampleMindDSP", "SampleMindTestSupport"]),
        .testTarget(name: "SampleMindValidationTests", dependencies: ["SampleMindValidation"]),
        .testTarget(
            name: "SampleMindAnalysisTests",
            dependencies: ["SampleMindAnalysis", "SampleMindSynthesis", "SampleMindTestSupport"]
        ),
        .testTarget(
            name: "SampleMindLiveTests",
            dependencies: [
                "samplemind", "SampleMindEngine", "SampleMindCapture", "SampleMindOffline", "SampleMindSynthesis",
                "SampleMindAudioFile", "SampleMindTestSupport", "SampleMindPerformance", "SampleMindRealtime", "SampleMindAnalysis",
            ]
        ),
        .testTarget(
            name: "SampleMindStreamingTests",
            dependencies: ["samplemind", "SampleMindStreaming", "SampleMindOffline", "SampleMindSynthesis",
                           "SampleMindAudioFile", "SampleMindTestSupport", "SampleMindStorage"]
        ),
        .testTarget(name: "SampleMindConfigurationTests", dependencies: ["SampleMindConfiguration"]),
        .testTarget(
            name: "SampleMindPerformanceTests",
            dependencies: ["samplemind", "SampleMindPerformance", "SampleMindRealtime", "SampleMindAnalysis", "SampleMindProtocol",
                           "SampleMindSynthesis", "SampleMindAudioFile", "SampleMindTestSupport"]
        ),
        .testTarget(
            name: "SampleMindStorageTests",
            dependencies: ["SampleMindStorage", "SampleMindAnalysis", "SampleMindEngine", "SampleMindSynthesis"]
        ),
        .testTarget(
            name: "SampleMindCLITests",
            dependencies: ["samplemind", "SampleMindSynthesis", "SampleMindAudioFile", "SampleMindTestSupport"]
        ),
    ]
)

// Coverage-guided fuzz targets (libFuzzer), one per parser of input from outside: only when SAMPLEMIND_FUZZ
// is set, so `swift build` and `swift test` never see them. `bash scripts/fuzz` builds and runs them.
if Context.environment["SAMPLEMIND_FUZZ"] != nil {
    func fuzzTarget(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
        .executableTarget(name: name, dependencies: dependencies + ["CLibFuzzer"], path: "Fuzz/\(name)")
    }
    package.targets += [
        .systemLibrary(name: "CLibFuzzer", path: "Fuzz/CLibFuzzer"),
        fuzzTarget("FuzzClientMessage", ["SampleMindStreaming", "SampleMindAnalysis"]),
        fuzzTarget("FuzzOSCControl", ["SampleMindPerformance", "SampleMindAnalysis"]),
        fuzzTarget("FuzzHTTPRequest", ["SampleMindStreaming"]),
        fuzzTarget("FuzzConfiguration", ["SampleMindConfiguration"]),
    ]
}
