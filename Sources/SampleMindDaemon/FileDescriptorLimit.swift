import Glibc

/// Each WebSocket subscriber is a file descriptor; the usual soft limit (1024) would cap the
/// daemon well below its configured maximum, so it raises its soft limit to the hard limit.
enum FileDescriptorLimit {
    static func raise() {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = min(limit.rlim_max, 1_048_576)
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }
}
