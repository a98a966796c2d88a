import CMosquitto

/// libmosquitto's process-wide set-up (`mosquitto_lib_init`, which initialises OpenSSL and the
/// random seed), done once however many clients the process makes, and its version for
/// `samplemind version`.
///
/// Not real-time safe: call during set-up.
public enum MosquittoLibrary {
    /// Runs `mosquitto_lib_init` the first time it is read (Swift runs a static's initialiser once,
    /// under its own lock); never cleaned up, since clients may exist until the process ends.
    static let initialised: Int32 = mosquitto_lib_init()

    /// "libmosquitto 2.0.11".
    public static var description: String {
        var major: Int32 = 0, minor: Int32 = 0, revision: Int32 = 0
        _ = mosquitto_lib_version(&major, &minor, &revision)
        return "libmosquitto \(major).\(minor).\(revision)"
    }
}
