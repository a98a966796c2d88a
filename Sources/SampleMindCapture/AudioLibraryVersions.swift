import CALSA
import CJACK

/// The JACK library this build runs on, for `samplemind version`.
public enum JACKVersion {
    public static var description: String { "JACK \(String(cString: jack_get_version_string()))" }
}

/// The ALSA library this build runs on, for `samplemind version`.
public enum ALSAVersion {
    public static var description: String { "ALSA \(String(cString: snd_asoundlib_version()))" }
}
