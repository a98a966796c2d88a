// The C face of Ableton Link (see include/samplemind_link.h). Each function is one Link call:
// no logic here, so that Swift holds all of it.
#include "samplemind_link.h"

#include <ableton/Link.hpp>

#include <chrono>
#include <new>

struct samplemind_link {
    ableton::Link link;
    explicit samplemind_link(double bpm) : link(bpm) {}
};

namespace {
std::chrono::microseconds micros(int64_t value) { return std::chrono::microseconds(value); }
}

extern "C" {

samplemind_link *samplemind_link_create(double bpm) {
    try {
        return new samplemind_link(bpm);
    } catch (...) {
        return nullptr;
    }
}

void samplemind_link_destroy(samplemind_link *link) { delete link; }

void samplemind_link_enable(samplemind_link *link, bool enabled) { link->link.enable(enabled); }

bool samplemind_link_is_enabled(const samplemind_link *link) { return link->link.isEnabled(); }

size_t samplemind_link_num_peers(const samplemind_link *link) { return link->link.numPeers(); }

int64_t samplemind_link_clock_micros(const samplemind_link *link) { return link->link.clock().micros().count(); }

double samplemind_link_tempo(const samplemind_link *link) { return link->link.captureAppSessionState().tempo(); }

double samplemind_link_beat_at_time(const samplemind_link *link, int64_t time, double quantum) {
    return link->link.captureAppSessionState().beatAtTime(micros(time), quantum);
}

double samplemind_link_phase_at_time(const samplemind_link *link, int64_t time, double quantum) {
    return link->link.captureAppSessionState().phaseAtTime(micros(time), quantum);
}

int64_t samplemind_link_time_at_beat(const samplemind_link *link, double beat, double quantum) {
    return link->link.captureAppSessionState().timeAtBeat(beat, quantum).count();
}

void samplemind_link_set_tempo(samplemind_link *link, double bpm, int64_t time) {
    auto state = link->link.captureAppSessionState();
    state.setTempo(bpm, micros(time));
    link->link.commitAppSessionState(state);
}

void samplemind_link_request_beat_at_time(samplemind_link *link, double beat, int64_t time, double quantum) {
    auto state = link->link.captureAppSessionState();
    state.requestBeatAtTime(beat, micros(time), quantum);
    link->link.commitAppSessionState(state);
}

void samplemind_link_force_beat_at_time(samplemind_link *link, double beat, int64_t time, double quantum) {
    auto state = link->link.captureAppSessionState();
    state.forceBeatAtTime(beat, micros(time), quantum);
    link->link.commitAppSessionState(state);
}

}
