import Glibc

/// Keeps every connection that is not a WebSocket subscriber — a request being read or answered,
/// a keep-alive connection, a half-sent request, a socket that sends nothing — from holding a
/// file descriptor for long, and keeps a flood of them from taking the descriptors that `/health`
/// and the subscribers need.
///
/// libwebsockets times out some of these states itself; this is the backstop for all of them:
/// a connection with no activity for ``idleSeconds`` is closed, and when the connections would
/// leave fewer than ``reservedDescriptors`` descriptors for the rest of the daemon, the oldest
/// idle ones are closed to make room for the new one. Connections are keys (the server uses the
/// libwebsockets handle's address), so the policy is tested without sockets.
///
/// Not thread safe: the network thread owns it.
struct ConnectionGuard {
    /// Descriptors left for everything else the daemon opens: the database and its journal, the
    /// OSC and systemd sockets, the audio device, libwebsockets' own pipes.
    static let reservedDescriptors = 48

    /// Most descriptors the process may have open (`ulimit -n`).
    let descriptorLimit: Int
    /// A connection with no activity for this long is closed.
    let idleSeconds: Double

    private var lastActivity: [Int: Double] = [:]
    /// Closed for being idle, and to make room, since the start.
    private(set) var closedIdle = 0
    private(set) var closedForRoom = 0
    /// True from the first connection closed to make room until the count is back under 80 %.
    private(set) var crowded = false

    init(descriptorLimit: Int, idleSeconds: Double) {
        self.descriptorLimit = descriptorLimit
        self.idleSeconds = idleSeconds
    }

    /// The soft `RLIMIT_NOFILE` now.
    static func currentDescriptorLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max else { return 1_024 }
        return Int(clamping: limit.rlim_cur)
    }

    /// Connections held that are not subscribers.
    var count: Int { lastActivity.count }

    /// Most connections of both kinds at once.
    var capacity: Int { max(8, descriptorLimit - Self.reservedDescriptors) }

    /// A new connection. Returns the connections to close now to make room for it (the ones idle
    /// longest), given `subscribers` open WebSocket subscribers; `crowdingBegan` is true when this
    /// is the first such closing since the count was last normal (log it once).
    mutating func opened(_ key: Int, now: Double, subscribers: Int) -> (close: [Int], crowdingBegan: Bool) {
        lastActivity[key] = now
        let excess = lastActivity.count + subscribers - capacity
        guard excess > 0 else { return ([], false) }
        let victims = lastActivity.filter { $0.key != key }.sorted { $0.value < $1.value }.prefix(excess).map(\.key)
        for victim in victims { lastActivity[victim] = nil }
        closedForRoom += victims.count
        let began = !crowded && !victims.isEmpty
        if !victims.isEmpty { crowded = true }
        return (victims, began)
    }

    /// Something happened on the connection (a request, a response written).
    mutating func active(_ key: Int, now: Double) {
        if lastActivity[key] != nil { lastActivity[key] = now }
    }

    /// The connection became a subscriber (which has its own limits) or closed.
    mutating func forget(_ key: Int) {
        lastActivity[key] = nil
    }

    /// The connections idle for too long, to close now; `crowdingEnded` is true once when the
    /// count is back under 80 % of the capacity after crowding.
    mutating func expired(now: Double, subscribers: Int) -> (close: [Int], crowdingEnded: Bool) {
        let idle = lastActivity.filter { now - $0.value > idleSeconds }.map(\.key)
        for key in idle { lastActivity[key] = nil }
        closedIdle += idle.count
        var ended = false
        if crowded, (lastActivity.count + subscribers) * 5 < capacity * 4 {
            crowded = false
            ended = true
        }
        return (idle, ended)
    }
}
