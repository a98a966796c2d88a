import ArgumentParser
import SampleMindAudioFile
import SampleMindSynthesis
import SampleMindValidation

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Write SampleMind's own demo music (drums and chords, A minor at 112 BPM, then C major at 124 BPM) to a file."
    )

    @Option(name: .shortAndLong, help: "Where to write it (.wav or .flac).")
    var output: String = "samplemind-demo.wav"

    @Option(help: "Length in seconds.")
    var seconds: Double = 60

    func validate() throws {
        guard seconds >= 4, seconds <= 3_600 else { throw ValidationError("--seconds must be between 4 and 3600") }
        guard output.hasSuffix(".wav") || output.hasSuffix(".flac") else {
            throw ValidationError("--output must end in .wav or .flac")
        }
    }

    func run() throws {
        let song = DemoSong.make(seconds: seconds)
        let encoding: AudioFileWriter.Encoding = output.hasSuffix(".flac") ? .flac16 : .wav16
        try AudioFileWriter.write(song.stereo(), sampleRate: Int(DemoSong.sampleRate), channelCount: 2, to: output,
                                  encoding: encoding)
        print("wrote \(Int(seconds)) s of demo music to \(PrintableText.escaped(output))")
    }
}
