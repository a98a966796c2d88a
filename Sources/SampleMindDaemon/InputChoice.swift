import SampleMindLog
import Foundation
import Glibc
import SampleMindAudioFile
import SampleMindCapture
import SampleMindConfiguration
import SampleMindRealtime
import SampleMindSynthesis
import SampleMindValidation

/// The input the configuration asks for. `auto` takes JACK if a server answers, else the ALSA
/// device if it opens, else — only from a terminal — SampleMind's demo music; a service started
/// by systemd waits for JACK instead.
enum InputChoice {
    static func make(_ options: LoadedConfiguration, log: @escaping LogSink) throws(InputError) -> AudioInput {
        let channels = options.integer("input.channels")
        let priority = options.integer("analysis.realtime_priority")
        let jackName = options.string("input.jack.client_name") ?? "samplemind"
        let device = options.string("input.alsa.device") ?? "default"
        func jack() throws(InputError) -> AudioInput {
            try JACKInput(clientName: jackName, channelCount: channels, connectPatterns: options.strings("input.jack.connect"),
                          clockSchedule: options.boolean("midi.clock") ? ClockSchedule() : nil)
        }
        func alsa() throws(InputError) -> AudioInput {
            try ALSAInput(device: device, sampleRate: options.integer("input.alsa.sample_rate"), channels: channels,
                          periodFrames: options.integer("input.alsa.period_frames"),
                          realtimePriority: priority > 0 ? Int32(clamping: priority) : nil)
        }
        if options.boolean("midi.clock"), options.string("input.kind") != "jack", options.string("input.kind") != "auto" {
            throw InputError("midi.clock needs the JACK input (the clock is a JACK MIDI port); use --input jack")
        }
        switch options.string("input.kind") {
        case "jack": return try jack()
        case "alsa": return try alsa()
        case "file":
            return try FileInput(path: options.string("input.file.path") ?? "", loop: options.boolean("input.file.loop"),
                                 speed: options.number("input.file.speed"))
        default:
            if InputProbe.jackServerIsRunning(log: log) {
                log(.info, "input auto: a JACK server answers; using JACK")
                return try jack()
            }
            if InputProbe.alsaDeviceOpens(device) {
                log(.info, "input auto: no JACK server; ALSA device '\(device)' opens; using it")
                return try alsa()
            }
            guard isatty(STDIN_FILENO) == 1 else {
                log(.warning, "input auto: no JACK server and no ALSA device '\(device)'; waiting for a JACK server (the demo music plays only when started from a terminal)")
                return try jack()
            }
            let demo = FileManager.default.temporaryDirectory.appendingPathComponent("samplemind-demo.wav").path
            if !FileManager.default.fileExists(atPath: demo) {
                do {
                    try AudioFileWriter.write(DemoSong.make().stereo(), sampleRate: Int(DemoSong.sampleRate),
                                              channelCount: 2, to: demo)
                } catch { throw InputError("cannot write the demo music: \(error)") }
            }
            log(.info, "input auto: no JACK server and no ALSA device; playing SampleMind's demo music (\(PrintableText.escaped(demo))) in a loop")
            return try FileInput(path: demo, loop: true, speed: 1)
        }
    }
}
