import ArgumentParser
import SampleMindConfiguration

struct InputOptions: ServeOptionGroup {
    enum Kind: String, ExpressibleByArgument, CaseIterable { case auto, jack, alsa, file }

    @Option(help: "Where audio comes from: \(Kind.allCases.map(\.rawValue).joined(separator: ", ")). [input.kind]")
    var input: Kind?

    @Option(help: "Sound file for --input file. [input.file.path]")
    var file: String?

    @Flag(help: "Play the file again and again. [input.file.loop]")
    var loop = false

    @Option(help: "Play the file this many times faster than real time, 0.01–10000 (0: as fast as the analysis goes). [input.file.speed]")
    var speed: Double?

    @Option(help: "ALSA capture device (default, hw:1,0, plughw:…). [input.alsa.device]")
    var device: String?

    @Option(help: "Channels to capture (JACK input ports or ALSA channels). [input.channels]")
    var channels: Int?

    @Option(help: "ALSA sample rate to ask for. [input.alsa.sample_rate]")
    var rate: Int?

    @Option(help: "ALSA period in frames to ask for. [input.alsa.period_frames]")
    var period: Int?

    @Option(name: .customLong("jack-name"), help: "JACK client name. [input.jack.client_name]")
    var jackName: String?

    @Option(name: .customLong("jack-connect"), help: "Connect JACK output ports matching this pattern to our inputs (repeatable), e.g. system:capture_.* [input.jack.connect]")
    var jackConnect: [String] = []

    func overrides(into values: inout [String: ConfigurationValue]) {
        if let input { values["input.kind"] = .string(input.rawValue) }
        if let file {
            values["input.file.path"] = .string(file)
            if input == nil { values["input.kind"] = .string("file") }
        }
        if loop { values["input.file.loop"] = .boolean(true) }
        if let speed { values["input.file.speed"] = .number(speed) }
        if let device { values["input.alsa.device"] = .string(device) }
        if let channels { values["input.channels"] = .integer(channels) }
        if let rate { values["input.alsa.sample_rate"] = .integer(rate) }
        if let period { values["input.alsa.period_frames"] = .integer(period) }
        if let jackName { values["input.jack.client_name"] = .string(jackName) }
        if !jackConnect.isEmpty { values["input.jack.connect"] = .strings(jackConnect) }
    }
}
