import Glibc

/// Clock readings for stamping and timing. Real-time safe: `clock_gettime` on these clocks is a
/// vDSO call on Linux, not a system call into the kernel.
public enum MonotonicClock {
    /// Nanoseconds on CLOCK_MONOTONIC.
    @inline(__always)
    public static func nanoseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }

    /// Seconds on CLOCK_MONOTONIC.
    @inline(__always)
    public static func seconds() -> Double { Double(nanoseconds()) / 1e9 }

    /// Seconds since the Unix epoch (wall clock).
    @inline(__always)
    public static func wallClockSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
