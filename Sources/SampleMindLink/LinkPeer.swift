import CLink

/// One Ableton Link peer (Ableton's own library, through the CLink bridge): join or leave the
/// session, read its tempo and beat grid, propose a tempo, place a beat. Each method is one call
/// of the bridge (Sources/CLink/include/samplemind_link.h) and names it.
///
/// Times are Link's clock: the host's CLOCK_MONOTONIC_RAW in microseconds (``clockMicros``); beats
/// are quarter notes and `quantum` the beats per bar. Not real-time safe: Link's session-state
/// calls take its lock and may allocate, so SampleMind calls them on its Link thread only.
public final class LinkPeer: @unchecked Sendable {
    private let handle: OpaquePointer

    /// A peer, not yet enabled, whose tempo is `bpm` until it joins a session. Throws when Link
    /// cannot start (samplemind_link_create).
    public init(bpm: Double) throws(LinkError) {
        guard bpm.isFinite, (20...999).contains(bpm), let handle = samplemind_link_create(bpm) else {
            throw LinkError("Ableton Link could not start (tempo \(bpm) BPM); check that networking works and memory is free")
        }
        self.handle = handle
    }

    deinit { samplemind_link_destroy(handle) }

    /// Joins (true) or leaves the session (samplemind_link_enable).
    public func enable(_ enabled: Bool) { samplemind_link_enable(handle, enabled) }
    /// samplemind_link_is_enabled
    public var isEnabled: Bool { samplemind_link_is_enabled(handle) }
    /// Other peers in the session (samplemind_link_num_peers).
    public var peerCount: Int { samplemind_link_num_peers(handle) }
    /// Link's clock now (samplemind_link_clock_micros).
    public var clockMicros: Int64 { samplemind_link_clock_micros(handle) }
    /// The session's tempo (samplemind_link_tempo).
    public var tempoBPM: Double { samplemind_link_tempo(handle) }

    /// samplemind_link_beat_at_time
    public func beat(atMicros micros: Int64, quantum: Double) -> Double { samplemind_link_beat_at_time(handle, micros, quantum) }
    /// samplemind_link_phase_at_time
    public func phase(atMicros micros: Int64, quantum: Double) -> Double { samplemind_link_phase_at_time(handle, micros, quantum) }
    /// samplemind_link_time_at_beat
    public func micros(atBeat beat: Double, quantum: Double) -> Int64 { samplemind_link_time_at_beat(handle, beat, quantum) }
    /// Proposes `bpm` from `micros` on (samplemind_link_set_tempo).
    public func setTempo(_ bpm: Double, atMicros micros: Int64) { samplemind_link_set_tempo(handle, bpm, micros) }
    /// samplemind_link_request_beat_at_time
    public func requestBeat(_ beat: Double, atMicros micros: Int64, quantum: Double) {
        samplemind_link_request_beat_at_time(handle, beat, micros, quantum)
    }
    /// samplemind_link_force_beat_at_time
    public func forceBeat(_ beat: Double, atMicros micros: Int64, quantum: Double) {
        samplemind_link_force_beat_at_time(handle, beat, micros, quantum)
    }
}

/// Ableton Link could not do what was asked, in words for the person who set it up.
public struct LinkError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
