"""Feature arrays written by `samplemind features` and frame targets from the labels."""

import json
import os

import numpy as np

import sources

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


def piece_files(directory, name):
    """The files a piece is read from: its labels, features and their description."""
    return [os.path.join(directory, f"{name}.labels.json"), os.path.join(directory, "features", f"{name}.npy"),
            os.path.join(directory, "features", f"{name}.json")]


def manifest_outputs(data):
    """Resolved path → sha256 of every file the data set's manifest lists as written by build_data.py."""
    with open(os.path.join(data, "manifest.json"), encoding="utf-8") as file:
        manifest = json.load(file)
    return {os.path.realpath(entry["path"]): entry["sha256"] for entry in manifest.get("outputs", [])}


def refuse_unverified(directory, paths, outputs):
    """Exits naming the files of `paths` the manifest does not vouch for, if any."""
    found = unverified(paths, outputs)
    if found:
        shown = "\n  ".join(found[:10]) + (f"\n  … and {len(found) - 10} more" if len(found) > 10 else "")
        raise SystemExit(f"{directory}: refused, {len(found)} of the files training would read are not those "
                         f"build_data.py wrote:\n  {shown}\nRebuild the data set (training/build_data.py into a new "
                         f"--out directory): its manifest names files by absolute path, and one written before this "
                         f"check lists no label or feature files.")


def unverified(paths, outputs):
    """Why each of `paths` may not be read: not listed in the manifest, missing, or changed since."""
    found = []
    for path in paths:
        expected = outputs.get(os.path.realpath(path))
        if expected is None:
            found.append(f"{path}: not listed in the manifest")
        elif not os.path.isfile(path):
            found.append(f"{path}: listed in the manifest but missing")
        elif sources.sha256(path) != expected:
            found.append(f"{path}: changed since the manifest was written (sha256 differs)")
    return found


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


def load(directory, outputs=None):
    """The pieces in `directory`. With `outputs` (manifest_outputs), the pieces are those on disk or in
    the manifest, and every file read must be listed there with the contents it had when listed."""
    names = {f[:-len(".labels.json")] for f in os.listdir(directory) if f.endswith(".labels.json")}
    if outputs is None:
        names = {n for n in names if os.path.exists(os.path.join(directory, "features", f"{n}.npy"))}
    else:
        names |= {os.path.basename(p)[:-len(".labels.json")] for p in outputs
                  if p.endswith(".labels.json") and os.path.dirname(p) == os.path.realpath(directory)}
        refuse_unverified(directory, [path for n in sorted(names) for path in piece_files(directory, n)], outputs)
    pieces = [Piece(directory, n) for n in sorted(names)]
    versions = {p.description["feature_version"] for p in pieces}
    if len(versions) > 1:
        raise SystemExit(f"{directory}: features of versions {sorted(versions)} are mixed; rebuild them")
    return pieces
