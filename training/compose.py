"""Pieces whose beats, bars, meter, onsets and key are known by construction.

A piece is a metrical grid (meter 3/4 or 4/4, a tempo that may hold, step or drift) and parts
placed on it: a chord progression in a key with cadences, a bass line, sometimes a melody, and
drums. Every note's start is an onset; every grid beat is a beat; the first beat of each bar is a
downbeat. Humanised timing moves the notes, never the labels: a player's push or drag is not a
new beat. numpy only.
"""

import numpy as np

NOTE_NAMES = ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"]
MAJOR_SCALE = [0, 2, 4, 5, 7, 9, 11]
MINOR_SCALE = [0, 2, 3, 5, 7, 8, 11]  # harmonic minor: the raised seventh makes V major
# Progressions as scale degrees (0 = tonic), each ending on a cadence.
MAJOR_PROGRESSIONS = [[0, 3, 4, 0], [0, 5, 3, 4], [0, 5, 1, 4], [0, 3, 0, 4], [1, 4, 0, 0],
                      [0, 4, 5, 3], [0, 2, 3, 4], [3, 4, 0, 5]]
MINOR_PROGRESSIONS = [[0, 3, 4, 0], [0, 5, 3, 4], [0, 3, 6, 4], [0, 1, 4, 0], [0, 5, 2, 4],
                      [3, 4, 0, 0], [0, 6, 5, 4]]
# General MIDI programs by role (no sound effects, no percussive programs for harmony).
CHORD_PROGRAMS = [0, 1, 2, 4, 5, 6, 16, 17, 18, 19, 24, 25, 26, 27, 29, 46, 48, 49, 50, 52, 61, 62, 88, 89, 90, 91, 94]
BASS_PROGRAMS = [32, 33, 34, 35, 36, 37, 38, 39, 43, 58, 70]
MELODY_PROGRAMS = [0, 11, 12, 13, 22, 24, 26, 40, 41, 56, 57, 60, 64, 65, 66, 68, 71, 73, 74, 75, 80, 81, 82, 85]


def key_name(tonic, minor):
    return f"{NOTE_NAMES[tonic]} {'minor' if minor else 'major'}"


def grid(rng, seconds, meter):
    """Beat times and tempo over `seconds`: steady (70 %), one step (18 %) or a drift (12 %)."""
    start_bpm = float(np.exp(rng.uniform(np.log(62), np.log(190))))
    kind = rng.choice(["steady", "step", "drift"], p=[0.70, 0.18, 0.12])
    ratio = 1.0
    if kind != "steady":
        while abs(ratio - 1) < 0.08:
            ratio = float(np.exp(rng.uniform(np.log(0.78), np.log(1.28))))
    change_at = rng.uniform(0.35, 0.65) * seconds
    beats, t, bpm = [], rng.uniform(0.3, 1.5), start_bpm
    while t < seconds:
        beats.append(t)
        if kind == "step" and t >= change_at:
            bpm = start_bpm * ratio
        elif kind == "drift":
            progress = min(1.0, max(0.0, (t - change_at) / 8))
            bpm = start_bpm * ratio ** progress
        t += 60 / bpm
    beats = np.array(beats)
    first_position = int(rng.integers(0, meter))  # pieces may start on any beat of the bar (an upbeat)
    positions = (np.arange(len(beats)) + first_position) % meter + 1
    return beats, positions, {"kind": kind, "start_bpm": start_bpm, "end_bpm": float(bpm),
                              "change_at_s": float(change_at) if kind != "steady" else None}


def _chord(tonic, minor, degree):
    scale = MINOR_SCALE if minor else MAJOR_SCALE
    return [(tonic + scale[(degree + step) % 7] + 12 * ((degree + step) // 7)) for step in (0, 2, 4)]


def _bars(beats, positions):
    """(start index, end index) of every bar in beat indices; the last bar may be partial."""
    starts = [i for i, p in enumerate(positions) if p == 1]
    if not starts or starts[0] != 0:
        starts = [0] + starts
    return [(s, e) for s, e in zip(starts, starts[1:] + [len(beats)])]


def _beat_time(beats, index):
    """The time of fractional beat `index`, extrapolated past the last beat."""
    if index < len(beats) - 1:
        whole = int(np.floor(index))
        return beats[whole] + (index - whole) * (beats[whole + 1] - beats[whole])
    period = beats[-1] - beats[-2]
    return beats[-1] + (index - (len(beats) - 1)) * period


class Composer:
    def __init__(self, rng, meter, tonic, minor, beats, positions, timing_spread_s):
        self.rng, self.meter, self.tonic, self.minor = rng, meter, tonic, minor
        self.beats, self.positions = beats, positions
        self.spread = timing_spread_s
        self.bars = _bars(beats, positions)
        progressions = MINOR_PROGRESSIONS if minor else MAJOR_PROGRESSIONS
        self.progression = progressions[int(rng.integers(len(progressions)))]
        self.chords_per_bar = 2 if (meter == 4 and rng.random() < 0.3) else 1

    def at(self, beat_index):
        t = _beat_time(self.beats, beat_index)
        return t + self.rng.normal(0, self.spread) if self.spread > 0 else t

    def chord_at(self, bar, half):
        # Phrases of four chords; the last bar of the piece returns to the tonic (a final cadence).
        if bar == len(self.bars) - 1:
            return 0
        return self.progression[(bar * self.chords_per_bar + half) % len(self.progression)]

    def harmony(self, low_octave):
        """(start, duration, pitch, velocity) for a chord part in one of several rhythms."""
        notes = []
        style = self.rng.choice(["block", "beats", "arpeggio", "offbeat", "pad", "oompah"])
        for bar, (s, e) in enumerate(self.bars):
            for b in range(s, e):
                position = self.positions[b]
                half = 0 if self.chords_per_bar == 1 or position <= self.meter // 2 else 1
                pitches = [low_octave + p for p in _chord(self.tonic, self.minor, self.chord_at(bar, half))]
                if self.rng.random() < 0.4:
                    pitches = pitches[1:] + [pitches[0] + 12]  # an inversion
                period = _beat_time(self.beats, b + 1) - self.beats[b]
                accent = 96 if position == 1 else 80
                if style == "block" and position in (1, self.meter // 2 + 1):
                    notes += [(self.at(b), period * (self.meter // 2) * 0.95, p, accent) for p in pitches]
                elif style == "beats" or (style == "oompah" and position != 1):
                    notes += [(self.at(b), period * 0.8, p, accent - 6) for p in pitches]
                elif style == "arpeggio":
                    for k in range(2):  # two notes a beat, walking up the chord
                        notes.append((self.at(b + k / 2), period * 0.5, pitches[(b * 2 + k) % 3], accent - 10))
                elif style == "offbeat":
                    notes += [(self.at(b + 0.5), period * 0.4, p, 78) for p in pitches]
                elif style == "pad" and position == 1:
                    notes += [(self.at(b), period * (e - s) * 0.98, p, 70) for p in pitches]
        return notes, str(style)

    def bass(self):
        notes = []
        style = self.rng.choice(["root", "root_fifth", "walking", "eighths"])
        for bar, (s, e) in enumerate(self.bars):
            for b in range(s, e):
                position = self.positions[b]
                half = 0 if self.chords_per_bar == 1 or position <= self.meter // 2 else 1
                root = 36 + (self.tonic + (MINOR_SCALE if self.minor else MAJOR_SCALE)[self.chord_at(bar, half)]) % 12
                period = _beat_time(self.beats, b + 1) - self.beats[b]
                velocity = 100 if position == 1 else 84
                if style == "root" and position == 1:
                    notes.append((self.at(b), period * 0.9 * max(1, self.meter - 1), root, velocity))
                elif style == "root_fifth" and position in (1, self.meter // 2 + 1 if self.meter == 4 else 3):
                    notes.append((self.at(b), period * 0.9, root + (0 if position == 1 else 7), velocity))
                elif style == "walking":
                    step = [0, 4 if not self.minor else 3, 7, 9][(position - 1) % 4]
                    notes.append((self.at(b), period * 0.85, root + step, velocity))
                elif style == "eighths":
                    notes += [(self.at(b + k / 2), period * 0.4, root, velocity - 10 * k) for k in (0, 1)]
        return notes, str(style)

    def melody(self):
        scale = MINOR_SCALE if self.minor else MAJOR_SCALE
        notes, b = [], 0.0
        degree = int(self.rng.integers(0, 7))
        while b < len(self.beats) - 1:
            length = float(self.rng.choice([0.5, 1, 1, 2, 1.5]))
            if self.rng.random() > 0.15:  # rests
                degree = int(np.clip(degree + self.rng.integers(-2, 3), -3, 10))
                pitch = 60 + self.tonic + scale[degree % 7] + 12 * (degree // 7)
                start = self.at(b)
                notes.append((start, (_beat_time(self.beats, b + length) - start) * 0.9, pitch, int(self.rng.integers(70, 105))))
            b += length
        return notes

    def drums(self, hits_per_role):
        """(time, role, velocity) for a drum pattern fitting the meter; roles: kick, snare, hat,
        open_hat, ride, crash, tom, perc."""
        hits = []
        patterns = {4: ["rock", "four_on_floor", "half_time", "break", "shuffle_hats"], 3: ["waltz", "waltz_ride", "jazz_waltz"]}
        pattern = str(self.rng.choice(patterns[self.meter]))
        fill_every = int(self.rng.choice([4, 8]))
        for bar, (s, e) in enumerate(self.bars):
            fill = (bar + 1) % fill_every == 0 and self.rng.random() < 0.5
            if bar % fill_every == 0 and bar > 0 and self.rng.random() < 0.7:
                hits.append((self.at(s), "crash", 110))
            for b in range(s, e):
                p = self.positions[b]
                last = p == self.meter
                if fill and last:
                    hits += [(self.at(b + k / 4), "tom", 90 + 5 * k) for k in range(4)]
                    continue
                if self.meter == 4:
                    if pattern == "rock":
                        if p in (1, 3): hits.append((self.at(b), "kick", 112 if p == 1 else 100))
                        if p in (2, 4): hits.append((self.at(b), "snare", 105))
                        hits += [(self.at(b + k / 2), "hat", 80 - 15 * k) for k in (0, 1)]
                        if p == 3 and self.rng.random() < 0.3: hits.append((self.at(b + 0.5), "kick", 85))
                    elif pattern == "four_on_floor":
                        hits.append((self.at(b), "kick", 115))
                        if p in (2, 4): hits.append((self.at(b), "snare", 100))
                        hits.append((self.at(b + 0.5), "open_hat", 80))
                    elif pattern == "half_time":
                        if p == 1: hits.append((self.at(b), "kick", 115))
                        if p == 3: hits.append((self.at(b), "snare", 110))
                        hits.append((self.at(b), "hat", 75))
                        if p == 4 and self.rng.random() < 0.5: hits.append((self.at(b + 0.5), "kick", 90))
                    elif pattern == "break":
                        if p == 1: hits.append((self.at(b), "kick", 115))
                        if p == 2: hits += [(self.at(b), "snare", 105), (self.at(b + 0.5), "kick", 95)]
                        if p == 3: hits.append((self.at(b + 0.5), "kick", 100))
                        if p == 4: hits.append((self.at(b), "snare", 105))
                        hits += [(self.at(b + k / 4), "hat", 70 + 10 * (k % 2 == 0)) for k in range(4)]
                    else:  # shuffle_hats
                        if p in (1, 3): hits.append((self.at(b), "kick", 110))
                        if p in (2, 4): hits.append((self.at(b), "snare", 100))
                        hits += [(self.at(b), "ride", 80), (self.at(b + 2 / 3), "ride", 65)]
                else:
                    if pattern == "waltz":
                        hits.append((self.at(b), "kick" if p == 1 else "snare", 112 if p == 1 else 80))
                        hits.append((self.at(b), "hat", 70))
                    elif pattern == "waltz_ride":
                        if p == 1: hits.append((self.at(b), "kick", 110))
                        hits += [(self.at(b), "ride", 85 if p == 1 else 70)]
                        if p in (2, 3): hits.append((self.at(b), "hat", 60))
                    else:  # jazz waltz
                        if p == 1: hits.append((self.at(b), "kick", 100))
                        if p == 3 and self.rng.random() < 0.5: hits.append((self.at(b + 2 / 3), "snare", 70))
                        hits += [(self.at(b), "ride", 85), (self.at(b + 2 / 3), "ride", 60)] if p == 2 else [(self.at(b), "ride", 80)]
        available = [h for h in hits if h[1] in hits_per_role]
        return available, pattern


def compose(rng, seconds, with_drums, with_harmony, drum_roles):
    """One piece: its grid, labels and parts. `drum_roles` is the set of roles the kit can play."""
    meter = 3 if rng.random() < 0.35 else 4
    tonic, minor = int(rng.integers(0, 12)), bool(rng.random() < 0.45)
    beats, positions, tempo = grid(rng, seconds, meter)
    composer = Composer(rng, meter, tonic, minor, beats, positions, timing_spread_s=float(rng.uniform(0, 0.012)))
    parts, descriptions = [], {}
    if with_harmony:
        octave = int(rng.choice([48, 55, 60]))
        chord_notes, descriptions["harmony"] = composer.harmony(octave)
        parts.append({"role": "harmony", "notes": chord_notes})
        bass_notes, descriptions["bass"] = composer.bass()
        parts.append({"role": "bass", "notes": bass_notes})
        if rng.random() < 0.55:
            parts.append({"role": "melody", "notes": composer.melody()})
    drum_hits = []
    if with_drums:
        drum_hits, descriptions["drums"] = composer.drums(drum_roles)
    end = seconds
    onsets = sorted(t for part in parts for (t, _, _, _) in part["notes"] if 0 <= t < end)
    onsets += [t for (t, _, _) in drum_hits if 0 <= t < end]
    onsets = _merge(sorted(onsets), 0.03)
    keep = beats < end
    return {
        "meter": meter, "tonic": tonic, "minor": minor, "key": key_name(tonic, minor) if with_harmony else None,
        "beats": beats[keep].tolist(), "positions": positions[keep].tolist(),
        "downbeats": beats[keep][positions[keep] == 1].tolist(), "onsets": onsets, "tempo": tempo,
        "parts": parts, "drum_hits": drum_hits, "styles": descriptions, "seconds": seconds,
    }


def _merge(times, within):
    merged = []
    for t in times:
        if not merged or t - merged[-1] > within:
            merged.append(float(t))
    return merged
