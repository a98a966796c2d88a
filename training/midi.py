"""A Standard MIDI File (format 1) written from notes timed in seconds.

The tempo is fixed at 120 BPM with 480 ticks per quarter note, so a tick is 1/960 s and every
note lands where the composer put it in seconds; the piece's own tempo, changes included, lives
in those times. Standard library only.
"""

import struct

TICKS_PER_SECOND = 960


def _variable_length(value):
    out = [value & 0x7F]
    value >>= 7
    while value:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    return bytes(reversed(out))


def _track(events):
    """events: (tick, bytes) in any order; returns an MTrk chunk."""
    body, previous = b"", 0
    for tick, data in sorted(events, key=lambda e: (e[0], e[1][0] & 0xF0 != 0x80)):
        body += _variable_length(tick - previous) + data
        previous = tick
    body += b"\x00\xff\x2f\x00"
    return b"MTrk" + struct.pack(">I", len(body)) + body


def write(path, parts):
    """parts: list of dicts with channel, program, volume (0–127, optional) and notes
    [(start_s, duration_s, pitch, velocity)]. No bank select: every program is read from bank 0
    (FluidSynth reads channel 10, index 9, from its percussion bank 128)."""
    tracks = [_track([(0, b"\xff\x51\x03" + (500000).to_bytes(3, "big"))])]
    for part in parts:
        channel = part["channel"]
        events = []
        events.append((0, bytes([0xC0 | channel, part.get("program", 0)])))
        events.append((0, bytes([0xB0 | channel, 7, part.get("volume", 100)])))
        for start, duration, pitch, velocity in part["notes"]:
            on = max(0, round(start * TICKS_PER_SECOND))
            off = max(on + 1, round((start + duration) * TICKS_PER_SECOND))
            pitch, velocity = min(127, max(0, int(pitch))), min(127, max(1, int(velocity)))
            events.append((on, bytes([0x90 | channel, pitch, velocity])))
            events.append((off, bytes([0x80 | channel, pitch, 0])))
        tracks.append(_track(events))
    header = b"MThd" + struct.pack(">IHHH", 6, 1, len(tracks), TICKS_PER_SECOND // 2)
    with open(path, "wb") as file:
        file.write(header + b"".join(tracks))
