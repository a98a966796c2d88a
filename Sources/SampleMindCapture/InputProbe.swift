import SampleMindLog
import CALSA
import CJACK

/// Quick, side-effect-free checks used to choose an input automatically.
public enum InputProbe {
    /// True when a JACK server answers (the default one, or `JACK_DEFAULT_SERVER`'s). libjack's
    /// messages when none does go to `log` at debug level (without one, to the log a JACK input
    /// routed them to, else nowhere), never to standard error.
    public static func jackServerIsRunning(log: LogSink? = nil) -> Bool {
        if let log { JACKLog.route(to: log) } else { JACKLog.takeOver() }
        var status = jack_status_t(rawValue: 0)
        guard let client = samplemind_jack_client_open("samplemind-probe", JackNoStartServer, &status) else { return false }
        jack_client_close(client)
        return true
    }

    /// True when the ALSA capture device opens.
    public static func alsaDeviceOpens(_ device: String) -> Bool {
        samplemind_alsa_silence_library_errors()
        var pcm: OpaquePointer?
        guard snd_pcm_open(&pcm, device, SND_PCM_STREAM_CAPTURE, Int32(SND_PCM_NONBLOCK)) == 0 else { return false }
        snd_pcm_close(pcm)
        return true
    }
}
