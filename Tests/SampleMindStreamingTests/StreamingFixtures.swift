import Foundation
import Glibc
import SampleMindAnalysis
import SampleMindAudioFile
import SampleMindModels
import SampleMindOffline
import SampleMindSynthesis
import SampleMindTestSupport
import XCTest

/// A daemon playing a generated song from a file, with its server on a free port.
final class ServingDaemon {
    let process: ChildProcess
    let port: Int
    let expected: FileAnalysisResult

    /// Plays `seconds` of the generated song, or `samples` (mono, 48 kHz) when given; `launcher`
    /// runs the daemon through another program (e.g. `prlimit --nofile=300:300`).
    init(seconds: Double = 14, samples: [Float]? = nil, speed: Double = 1, loop: Bool = false, port: Int = 0, extra: [String] = [],
         environment: [String: String] = [:], launcher: [String] = [], in scratch: ScratchDirectory) throws {
        let song = Percussion.drumPattern(bpm: 120, seconds: seconds, sampleRate: 48_000)
            .mixed(with: Harmony.progression(tonic: 9, minor: true, seconds: seconds, sampleRate: 48_000))
        let path = scratch.file("song.wav")
        try AudioFileWriter.write(samples ?? song.samples, sampleRate: 48_000, channelCount: 1, to: path, encoding: .wavFloat)
        // What the daemon runs by default: the network's onsets, the DSP trackers' beats, the key classifier.
        var options = FileAnalysis.Options()
        options.detector = .network
        options.network = try DetectorWeights.load(nil)
        options.beatDecoder = .onsetFunction
        options.keyModel = try KeyWeights.load(nil)
        expected = try FileAnalysis.run(path: path, options: options)
        var arguments = ["serve", "--input", "file", "--file", path, "--speed", "\(speed)", "--port", "\(port)", "--realtime-priority", "0"]
        if loop { arguments.append("--loop") }
        let command = launcher + [SampleMindBinary.url.path] + arguments + extra
        process = try ChildProcess(command[0], Array(command.dropFirst()), environment: environment,
                                   label: "daemon-\(UUID().uuidString.prefix(8))", in: scratch)
        guard process.waitFor("listening on http://", timeout: 10),
              let line = process.errors.split(separator: "\n").first(where: { $0.contains("listening on http://") }),
              let address = line.components(separatedBy: "http://").dropFirst().first?.split(separator: "/").first,
              let port = Int(address.split(separator: ":").last ?? "") else {
            process.stop(signal: SIGKILL)
            throw NSError(domain: "ServingDaemon", code: 1, userInfo: [NSLocalizedDescriptionKey: "no port: \(process.errors)"])
        }
        self.port = port
    }

    func client(headers: [String: String] = [:], path: String = "/v1/stream", receiveBufferBytes: Int32? = nil) throws -> WebSocketTestClient {
        try WebSocketTestClient(port: port, path: path, headers: headers, receiveBufferBytes: receiveBufferBytes)
    }

    /// Waits until /v1/status reports the input's format (the analysis has its first session).
    func waitUntilAnalysing(timeout: Double = 10) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let status = try? httpGet(port: port, path: "/v1/status"), status.body.contains("\"sample_rate\"") { return }
            usleep(50_000)
        }
        throw NSError(domain: "ServingDaemon", code: 2, userInfo: [NSLocalizedDescriptionKey: "the input never started: \(process.errors)"])
    }

    deinit { process.stop(signal: SIGKILL) }
}
