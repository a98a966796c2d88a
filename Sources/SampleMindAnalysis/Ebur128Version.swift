import CEbur128

/// The libebur128 this build runs on, for `samplemind version`.
public enum Ebur128Version {
    public static var description: String {
        var major: Int32 = 0, minor: Int32 = 0, patch: Int32 = 0
        ebur128_get_version(&major, &minor, &patch)
        return "libebur128 \(major).\(minor).\(patch)"
    }
}
