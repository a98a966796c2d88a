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
    // No library products: SwiftPM refuses a tagged dependency whose targets use unsafe flags
    // (realTimeSettings' -O), so a published library could not be depended on.
    products: [
        .executable(name: "samplemind", targets: ["samplemind"]),
        .executable(name: "samplemind-bench", targets: ["samplemind-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/ordo-one/malloc-interposer", from: "1.6.1"),
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
        // Ableton Link (header-only C++, ableton-link-dev and libasio-dev) behind a small C header.
        .target(
            name: "CLink", path: "Sources/CLink",
            cxxSettings: [.define("LINK_PLATFORM_LINUX", to: "1"), .unsafeFlags(["-std=c++17"])],
            linkerSettings: [.linkedLibrary("pthread")]
        ),
        systemLibrary("CMosquitto", pkgConfig: "libmosquitto", apt: "libmosquitto-dev"),
        // The inference layers' matrix-vector product with AVX2 and FMA (per-function target attributes).
        .target(name: "CVectorKernels", path: "Sources/CVectorKernels", cSettings: [.unsafeFlags(["-O2"])]),

        // How every part of the daemon reports what happens: levels and the sink they are written to.
        .target(name: "SampleMindLog"),
        // Checked conversions and escaping for everything that comes from outside (messages, files, flags).
        .target(name: "SampleMindValidation"),
        // Where the resource bundles installed beside the executable are (dashboard, weights).
        .target(name: "SampleMindResources"),
        // Signal processing building blocks: FFT, windows, filter banks.
        .target(name: "SampleMindDSP", dependencies: ["CFFTW"], swiftSettings: realTimeSettings),
        // The trained weights shipped with the program (a resource bundle beside the binary) and how commands load them.
        .target(name: "SampleMindModels", dependencies: ["SampleMindResources", "SampleMindAnalysis", "SampleMindInference"],
                resources: [.copy("Weights")]),
        // Small causal networks run frame by frame on the analysis thread, loaded from a weight file.
        .target(name: "SampleMindInference", dependencies: ["SampleMindValidation", "CVectorKernels"], swiftSettings: realTimeSettings),
        // The causal, block-wise analyzer and its trackers. Never imports I/O, streaming or storage.
        .target(name: "SampleMindAnalysis", dependencies: ["SampleMindDSP", "SampleMindInference", "CEbur128"], swiftSettings: realTimeSettings),
        // Lock-free hand-over between threads: sample rings, queues, wake-ups, real-time threads.
        .target(name: "SampleMindRealtime", swiftSettings: realTimeSettings),
        // Live inputs: JACK, ALSA and a file played in real time, writing into a capture channel.
        .target(
            name: "SampleMindCapture",
            dependencies: ["SampleMindLog", "SampleMindRealtime", "SampleMindAudioFile", "SampleMindValidation", "CJACK", "CALSA"],
            swiftSettings: realTimeSettings
        ),
        // What the analysis thread hands over: each consumer's output queue, each control source's
        // queue, and the engine's counters; what storage, streaming and performance depend on.
        .target(name: "SampleMindOutputs", dependencies: ["SampleMindAnalysis", "SampleMindRealtime", "SampleMindProtocol"],
                swiftSettings: realTimeSettings),
        // The analysis thread: capture channel in, frames and events out to consumers' queues.
        .target(
            name: "SampleMindEngine",
            dependencies: ["SampleMindAnalysis", "SampleMindCapture", "SampleMindInference", "SampleMindLog", "SampleMindRealtime",
                           "SampleMindProtocol", "SampleMindOutputs"],
            swiftSettings: realTimeSettings
        ),
        // The network face: WebSocket stream, HTTP API and static files on libwebsockets.
        .target(
            name: "SampleMindStreaming",
            dependencies: ["SampleMindOutputs", "SampleMindAnalysis", "SampleMindLog", "SampleMindProtocol", "SampleMindRealtime",
                           "SampleMindValidation", "SampleMindResources", "CWebSockets"],
            resources: [.copy("Dashboard")]
        ),
        // The configuration file, environment and command line, merged and checked.
        .target(name: "SampleMindConfiguration", dependencies: ["SampleMindValidation"]),
        // SQLite storage of sessions and segments (a thin layer over the C API; bound parameters only).
        .target(
            name: "SampleMindStorage",
            dependencies: ["CSQLite", "SampleMindAnalysis", "SampleMindOutputs", "SampleMindProtocol", "SampleMindRealtime", "SampleMindValidation"]
        ),
        // Running as a service: systemd notification and watchdog.
        .target(name: "SampleMindService"),
        // Reading sound files (libsndfile).
        .target(name: "SampleMindAudioFile", dependencies: ["CSndFile", "SampleMindValidation"]),
        // The project's own test and demo signals: clicks, drum patterns, chord progressions.
        .target(name: "SampleMindSynthesis"),
        // The wire protocol: every message the stream sends, the segments' JSON and the stage controls'
        // names, shared by the command line, the stream and the HTTP API. Never imports streaming,
        // storage or the engine.
        .target(name: "SampleMindProtocol", dependencies: ["SampleMindAnalysis", "SampleMindValidation"]),
        // Running the analyzer over a whole file and reporting what it emitted.
        .target(name: "SampleMindOffline", dependencies: ["SampleMindAnalysis", "SampleMindAudioFile", "SampleMindInference", "SampleMindRealtime", "SampleMindValidation"]),
        // Performer outputs: OSC (liblo) out and in, the MIDI clock's driver and WLED Audio Sync.
        .target(
            name: "SampleMindPerformance",
            dependencies: ["SampleMindOutputs", "SampleMindAnalysis", "SampleMindProtocol", "SampleMindRealtime", "SampleMindValidation", "SampleMindLog", "CLo"]
        ),
        // Ableton Link: a peer of the session, led by the beat tracker or following the session's tempo.
        .target(name: "SampleMindLink", dependencies: ["CLink", "SampleMindOutputs", "SampleMindAnalysis", "SampleMindRealtime", "SampleMindLog"]),
        // MQTT out (libmosquitto): each room's beat, tempo, key, levels and segments through a broker.
        .target(
            name: "SampleMindMQTT",
            dependencies: ["SampleMindOutputs", "SampleMindAnalysis", "SampleMindProtocol", "SampleMindRealtime", "SampleMindValidation",
                           "SampleMindLog", "CMosquitto"]
        ),
        // The running daemon: its services (input, engine, storage, performer outputs, MQTT, Link, Audio Sync, stream server)
        // started and stopped as one group, and the control loop (signals, systemd, reload).
        .target(
            name: "SampleMindDaemon",
            dependencies: ["SampleMindPerformance", "SampleMindMQTT", "SampleMindLink", "SampleMindSynthesis", "SampleMindEngine", "SampleMindCapture", "SampleMindProtocol",
                           "SampleMindRealtime", "SampleMindAudioFile", "SampleMindStreaming", "SampleMindService", "SampleMindConfiguration",
                           "SampleMindStorage", "SampleMindValidation", "SampleMindAnalysis", "SampleMindOutputs", "SampleMindLog",
                           "SampleMindInference", "SampleMindModels"]
        ),
        .executableTarget(
            name: "samplemind",
            dependencies: ["SampleMindDaemon", "SampleMindPerformance", "SampleMindMQTT",
                "SampleMindOffline", "SampleMindSynthesis", "SampleMindEngine", "SampleMindCapture", "SampleMindProtocol",
                "SampleMindRealtime", "SampleMindAudioFile", "SampleMindStreaming", "SampleMindService", "SampleMindConfiguration", "SampleMindStorage",
                "SampleMindValidation", "SampleMindDSP", "SampleMindAnalysis", "SampleMindInference", "SampleMindModels",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "samplemind-bench",
            dependencies: ["SampleMindOffline", "SampleMindSynthesis", "SampleMindEngine", "SampleMindCapture", "SampleMindStorage",
                           "SampleMindPerformance", "SampleMindLog", "SampleMindOutputs", "SampleMindNetworkNamespace", "SampleMindAnalysis", "SampleMindInference", "SampleMindModels",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),

        // An independent Link peer for the Link tests and benchmark.
        .executableTarget(name: "samplemind-link-peer", dependencies: ["SampleMindLink"]),

        // Network namespaces joined by a veth pair, for whatever sends multicast in tests and benchmarks.
        .target(name: "SampleMindNetworkNamespace", path: "Tests/SampleMindNetworkNamespace"),
        .target(
            name: "SampleMindTestSupport",
            dependencies: ["SampleMindNetworkNamespace", "SampleMindInference",
                           .product(name: "MallocInterposerSwift", package: "malloc-interposer")],
            path: "Tests/SampleMindTestSupport",
            exclude: ["validate-protocol-messages.py"]
        ),
        .testTarget(name: "SampleMindDSPTests", dependencies: ["SampleMindDSP", "SampleMindTestSupport"]),
        .testTarget(name: "SampleMindRealtimeTests", dependencies: ["SampleMindRealtime"]),
        .testTarget(name: "SampleMindValidationTests", dependencies: ["SampleMindValidation"]),
        .testTarget(name: "SampleMindDaemonTests", dependencies: ["SampleMindDaemon"]),
        .testTarget(
            name: "SampleMindInferenceTests",
            dependencies: ["SampleMindInference", "SampleMindModels", "SampleMindTestSupport", "SampleMindValidation"],
            exclude: ["reference_vectors.py", "shipped-detector-reference.json"]
        ),
        .testTarget(
            name: "SampleMindProtocolTests",
            dependencies: ["SampleMindProtocol", "SampleMindAnalysis", "SampleMindStorage", "SampleMindSynthesis", "SampleMindTestSupport"]
        ),
        .testTarget(
            name: "SampleMindAnalysisTests",
            dependencies: ["SampleMindAnalysis", "SampleMindSynthesis", "SampleMindTestSupport", "SampleMindInference", "SampleMindModels"],
            exclude: ["key-classifier-reference.json"]
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
                           "SampleMindAudioFile", "SampleMindTestSupport", "SampleMindStorage", "SampleMindAnalysis",
                           "SampleMindModels"]
        ),
        .testTarget(
            name: "SampleMindLinkTests",
            dependencies: ["samplemind", "samplemind-link-peer", "SampleMindLink", "SampleMindSynthesis", "SampleMindAudioFile", "SampleMindTestSupport"]
        ),
        .testTarget(name: "SampleMindConfigurationTests", dependencies: ["SampleMindConfiguration"]),
        .testTarget(
            name: "SampleMindPerformanceTests",
            dependencies: ["samplemind", "SampleMindPerformance", "SampleMindRealtime", "SampleMindAnalysis", "SampleMindProtocol",
                           "SampleMindSynthesis", "SampleMindAudioFile", "SampleMindTestSupport"]
        ),
        .testTarget(
            name: "SampleMindMQTTTests",
            dependencies: ["samplemind", "SampleMindMQTT", "SampleMindTestSupport"]
        ),
        .testTarget(
            name: "SampleMindStorageTests",
            dependencies: ["SampleMindStorage", "SampleMindAnalysis", "SampleMindEngine", "SampleMindSynthesis"]
        ),
        .testTarget(
            name: "SampleMindCLITests",
            dependencies: ["samplemind", "samplemind-bench", "SampleMindSynthesis", "SampleMindAudioFile", "SampleMindTestSupport"]
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
        fuzzTarget("FuzzClientMessage", ["SampleMindStreaming", "SampleMindProtocol", "SampleMindAnalysis"]),
        fuzzTarget("FuzzOSCControl", ["SampleMindPerformance", "SampleMindAnalysis"]),
        fuzzTarget("FuzzHTTPRequest", ["SampleMindStreaming"]),
        fuzzTarget("FuzzConfiguration", ["SampleMindConfiguration"]),
        fuzzTarget("FuzzMQTTSettings", ["SampleMindMQTT"]),
        fuzzTarget("FuzzSegmentMessage", ["SampleMindStorage", "SampleMindProtocol"]),
    ]
}
