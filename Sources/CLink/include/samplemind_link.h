// A C face for Ableton Link (header-only C++, ableton-link-dev), so that Swift can use it: one
// opaque peer and the handful of calls SampleMind needs. SampleMindLink wraps each call once.
//
// Times are Link's clock: the host's CLOCK_MONOTONIC_RAW in microseconds on Linux
// (samplemind_link_clock_micros). Beats and phases are in quarter notes for a given quantum.
//
// Threads: create, destroy and enable from one controlling thread; the session-state calls
// capture and commit Link's "app" session state, which Link makes safe from any non-audio
// thread. None of these is real-time safe; SampleMind calls them only on its Link thread.
#ifndef SAMPLEMIND_LINK_H
#define SAMPLEMIND_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct samplemind_link samplemind_link;

/// A Link peer, not yet enabled, with `bpm` as its tempo until it joins a session. NULL when
/// Link cannot be made (out of memory, or its networking failed to start).
samplemind_link *samplemind_link_create(double bpm);
void samplemind_link_destroy(samplemind_link *link);

/// Joins (true) or leaves (false) the network session.
void samplemind_link_enable(samplemind_link *link, bool enabled);
bool samplemind_link_is_enabled(const samplemind_link *link);
size_t samplemind_link_num_peers(const samplemind_link *link);

/// Link's clock now, in microseconds.
int64_t samplemind_link_clock_micros(const samplemind_link *link);

/// The session's tempo, and the beat and phase at `micros` for `quantum`.
double samplemind_link_tempo(const samplemind_link *link);
double samplemind_link_beat_at_time(const samplemind_link *link, int64_t micros, double quantum);
double samplemind_link_phase_at_time(const samplemind_link *link, int64_t micros, double quantum);
int64_t samplemind_link_time_at_beat(const samplemind_link *link, double beat, double quantum);

/// Proposes `bpm` from `micros` on.
void samplemind_link_set_tempo(samplemind_link *link, double bpm, int64_t micros);
/// Asks that `beat` falls at `micros` (other peers' phase wins when they are playing:
/// Link moves the beat to the nearest one with the session's phase).
void samplemind_link_request_beat_at_time(samplemind_link *link, double beat, int64_t micros, double quantum);
/// Puts `beat` at `micros` for the whole session, whatever other peers do.
void samplemind_link_force_beat_at_time(samplemind_link *link, double beat, int64_t micros, double quantum);

#ifdef __cplusplus
}
#endif

#endif
