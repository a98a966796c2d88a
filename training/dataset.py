"""Feature arrays written by `samplemind features` and frame targets from the labels."""

import json
import os

import numpy as np

TARGETS = ("onset", "beat", "downbeat")


def frame_targets(times, frames, first_centre, frame_rate, spread=0.5):
    """1 at the frame whose centre is nearest each time, `spread` on the frames either side."""
    target = np.zeros(frames, np.float32)
    for t in times:
        i = int(round((t - first_centre) * frame_rate))
        if 0 <= i < frames:
            target[i] = 1
            for j in (i - 1, i + 1):
                if 0 <= j < frames:
                    target[j] = max(target[j], spread)
    return target


class Piece:
    def __init__(self, directory, name):
        self.name = name
        self.features = np.load(os.path.join(directory, "features", f"{name}.npy"))
        with open(os.path.join(directory, "features", f"{name}.json")) as file:
            self.description = json.load(file)
        with open(os.path.join(directory, f"{name}.labels.json")) as file:
            self.labels = json.load(file)
        frames, rate = len(self.features), self.description["frame_rate"]
        first = self.description["first_frame_centre_s"]
        self.targets = np.stack([frame_targets(self.labels[key + "s"], frames, first, rate) for key in TARGETS], axis=1)

    def frame_time(self, i):
        return self.description["first_frame_centre_s"] + i / self.description["frame_rate"]


def load(directory):
    names = sorted(f[:-12] for f in os.listdir(directory) if f.endswith(".labels.json"))
    pieces = [Piece(directory, n) for n in names if os.path.exists(os.path.join(directory, "features", f"{n}.npy"))]
    versions = {p.description["feature_version"] for p in pieces}
    if len(versions) > 1:
        raise SystemExit(f"{directory}: features of versions {sorted(versions)} are mixed; rebuild them")
    return pieces
