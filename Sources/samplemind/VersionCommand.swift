import ArgumentParser
import CALSA
import CEbur128
import CFFTW
import CJACK
import CSndFile
import CSQLite
import CWebSockets

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Print SampleMind's version and the versions of the libraries it runs on (for bug reports)."
    )

    func run() {
        var jackMajor: Int32 = 0, jackMinor: Int32 = 0, jackMicro: Int32 = 0, jackProto: Int32 = 0
        jack_get_version(&jackMajor, &jackMinor, &jackMicro, &jackProto)
        var ebuMajor: Int32 = 0, ebuMinor: Int32 = 0, ebuPatch: Int32 = 0
        ebur128_get_version(&ebuMajor, &ebuMinor, &ebuPatch)
        var sndfileVersion = [CChar](repeating: 0, count: 128)
        sf_command(nil, Int32(SFC_GET_LIB_VERSION), &sndfileVersion, Int32(sndfileVersion.count))
        let lines = [
            "samplemind \(SampleMindVersion.current)",
            String(cString: samplemind_fftwf_version()),
            "\(String(decoding: sndfileVersion.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))",
            "libebur128 \(ebuMajor).\(ebuMinor).\(ebuPatch)",
            "JACK \(String(cString: jack_get_version_string()))",
            "ALSA \(String(cString: snd_asoundlib_version()))",
            "libwebsockets \(String(cString: lws_get_library_version()))",
            "SQLite \(String(cString: sqlite3_libversion()))",
        ]
        print(lines.joined(separator: "\n"))
    }
}
