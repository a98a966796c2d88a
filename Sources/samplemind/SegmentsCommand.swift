import ArgumentParser
import Foundation
import SampleMindDaemon
import SampleMindMQTT
import SampleMindConfiguration
import SampleMindProtocol
import SampleMindStorage
import SampleMindValidation

struct SegmentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segments",
        abstract: "Read the stored segments (usable while the daemon runs).",
        subcommands: [List.self, Show.self, Similar.self, Export.self]
    )

    /// The database the daemon would use, or --db.
    struct Location: ParsableArguments {
        @Option(help: "The SQLite file (default: where serve stores segments).")
        var db: String?

        func open() throws -> SegmentStore {
            let environment = ProcessInfo.processInfo.environment
            let options = try ConfigurationLoader.load(filePath: environment["SAMPLEMIND_CONFIG"], environment: environment,
                                                       overrides: db.map { ["storage.path": .string($0)] } ?? [:])
            let path = DatabaseLocation.path(options, environment: environment)
            guard FileManager.default.fileExists(atPath: path) else {
                throw CommandFailure("\(PrintableText.escaped(path)): no segment database here yet; run samplemind serve first, or name one with --db")
            }
            do { return try SegmentStore(readingFrom: path) } catch { throw CommandFailure("\(error)") }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One line per segment: id, times, tempo, key, loudness, why it closed.")
        @OptionGroup var location: Location
        @Option(help: "Only this session.") var session: Int64?
        @Option(help: "Only this room's (a database samplemind collect fills).") var room: String?
        @Option(help: "At most this many (1–10000).") var limit: Int = 100

        func validate() throws {
            guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be 1–10000") }
            if let room, case .failure(let error) = MQTTTopics.make(room: room) { throw ValidationError("--room: \(error.message)") }
        }

        func run() throws {
            let store = try location.open()
            var filter = SegmentStore.Filter(session: session)
            filter.room = room
            for segment in try store.segments(filter, limit: limit) {
                let tempo = segment.tempoBPM.map { String(format: "%6.1f BPM", $0) } ?? "     – BPM"
                let loudness = segment.loudnessLUFS.map { String(format: "%6.1f LUFS", $0) } ?? "     – LUFS"
                print(String(format: "%6lld  %8.2f–%8.2f s  ", segment.id, segment.startSeconds, segment.endSeconds)
                      + "\(tempo)  \((segment.key ?? "–").padding(toLength: 9, withPad: " ", startingAt: 0))  \(loudness)  \(segment.closeReason.rawValue)")
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One segment in full, as JSON.")
        @OptionGroup var location: Location
        @Argument(help: "The segment's id.") var id: Int64

        func run() throws {
            var filter = SegmentStore.Filter()
            filter.id = id
            guard let segment = try location.open().segments(filter, limit: 1).first else {
                throw CommandFailure("no segment \(id)")
            }
            print(SegmentJSON.encode(segment, detail: true))
        }
    }

    struct Similar: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The segments most like one (chroma, timbre, tempo, loudness; see docs/protocol.md), closest first.")
        @OptionGroup var location: Location
        @Argument(help: "The segment's id.") var id: Int64
        @Option(help: "How many (1–100).") var k: Int = 10

        func validate() throws {
            guard (1...100).contains(k) else { throw ValidationError("-k must be 1–100") }
        }

        func run() throws {
            let index = SimilarityIndex()
            try index.refresh(from: try location.open())
            guard let found = index.nearest(to: id, k: k) else { throw CommandFailure("no segment \(id)") }
            for (neighbour, distance) in found { print(String(format: "%6lld  distance %.4f", neighbour, distance)) }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every segment (or one session's) as CSV or JSON Lines.")
        enum Format: String, ExpressibleByArgument { case csv, json }
        @OptionGroup var location: Location
        @Option(help: "csv or json (one object per line).") var format: Format = .csv
        @Option(help: "Only this session.") var session: Int64?

        func run() throws {
            let store = try location.open()
            if format == .csv {
                print("id,session,start_t,end_t,start_wall,end_wall,tempo_bpm,key,loudness_lufs,loudness_range_lu,peak_dbfs,onset_rate,close_reason")
            }
            var after: Int64 = 0
            while true {
                let page = try store.segments(.init(session: session), after: after, limit: 1_000)
                for segment in page {
                    if format == .json {
                        print(SegmentJSON.encode(segment, detail: true))
                    } else {
                        let fields: [String] = [
                            "\(segment.id)", "\(segment.sessionID)", "\(segment.startSeconds)", "\(segment.endSeconds)",
                            "\(segment.startWallClock)", "\(segment.endWallClock)", segment.tempoBPM.map { "\($0)" } ?? "",
                            segment.key ?? "", segment.loudnessLUFS.map { "\($0)" } ?? "",
                            segment.loudnessRangeLU.map { "\($0)" } ?? "", "\(segment.peakDBFS)", "\(segment.onsetRate)",
                            segment.closeReason.rawValue,
                        ]
                        print(fields.joined(separator: ","))
                    }
                }
                guard let last = page.last, page.count == 1_000 else { break }
                after = last.id
            }
        }
    }
}
