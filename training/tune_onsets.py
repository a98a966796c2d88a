"""Chooses the onset threshold (Analyzer.networkOnsetThreshold) on the validation set: runs the
trained network over every validation piece and picks peaks exactly as ActivationPeakPicker
does online (at least the threshold, the largest of the last three hops, not smaller than the
next hop, three hops after the previous peak), for a range of thresholds.

Music and noise pieces are scored apart: onset F over the pieces with music, false onsets per
minute over the noise-only ones (which have no onset to find). The rule: the best threshold is the
one with the highest music onset F among those whose noise false onsets per minute are no more
than at the threshold shipped now (detector.json beside the shipped weights, or --current), so a
new threshold never makes noise worse.

Writes the run's `onset_threshold.json` (every threshold's scores) and its `detector.json`, the
settings file the daemon reads beside the run's weights (`beats.smnn`, tied to them by sha256;
docs/model-format.md): shipping the run means copying both into Sources/SampleMindModels/Weights/.

    python tune_onsets.py --data data --run runs/main
"""

import argparse
import hashlib
import json
import os

import mir_eval
import numpy as np
import torch

import dataset
import train


def online_peaks(activation, threshold, pre_max=3, combine=3):
    peaks, since = [], 10 ** 9
    for t in range(1, len(activation)):
        since += 1
        candidate, newest = activation[t - 1], activation[t]
        if t - 1 < pre_max or candidate < threshold or candidate < newest:
            continue
        if any(activation[t - 1 - back] > candidate for back in range(1, pre_max + 1)):
            continue
        if since <= combine:
            continue
        since = 0
        peaks.append(t - 1)
    return peaks


SHIPPED_SETTINGS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Sources", "SampleMindModels",
                                "Weights", "detector.json")
RULE = "the highest music onset F-measure without more false onsets on noise"


def shipped_threshold():
    """The onset threshold of the shipped weights (their detector.json), or None."""
    try:
        with open(SHIPPED_SETTINGS, encoding="utf-8") as file:
            threshold = json.load(file).get("onset_threshold")
    except (OSError, ValueError):
        return None
    return float(threshold) if isinstance(threshold, (int, float)) else None


def write_settings(run, threshold):
    """The run's detector.json: its weights' sha256, the feature version they were trained on
    (the shipped settings' own; `samplemind features` computed the data) and the threshold."""
    with open(os.path.join(run, "beats.smnn"), "rb") as file:  # the file's own checksum (its last 32 bytes) left out
        sha256 = hashlib.sha256(file.read()[:-32]).hexdigest()
    with open(SHIPPED_SETTINGS, encoding="utf-8") as file:
        feature_version = json.load(file)["feature_version"]
    settings = {"format": 1, "weights_sha256": sha256, "feature_version": feature_version,
                "onset_threshold": threshold,
                "chosen_on": f"the generated validation set of training/run (tune_onsets.py): {RULE}"}
    with open(os.path.join(run, "detector.json"), "w") as file:
        json.dump(settings, file, indent=2)
        file.write("\n")


def score(pieces, activations, threshold):
    """Mean onset F over the music pieces, and false onsets per minute over the noise pieces."""
    music, noise_onsets, noise_minutes = [], 0, 0.0
    for piece, activation in zip(pieces, activations):
        found = np.array([piece.frame_time(i) for i in online_peaks(activation, threshold)])
        if piece.labels["kind"] == "noise":
            noise_onsets += len(found)
            noise_minutes += len(activation) / piece.description["frame_rate"] / 60
            continue
        truth = np.array(piece.labels["onsets"])
        music.append(mir_eval.onset.f_measure(truth, found, window=0.05)[0] if len(found) and len(truth) else 0.0)
    return float(np.mean(music)), (noise_onsets / noise_minutes if noise_minutes else 0.0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True)
    parser.add_argument("--run", required=True)
    parser.add_argument("--current", type=float, default=shipped_threshold(),
                        help="the threshold shipped now, whose noise false onsets the choice may not exceed "
                             "(default: onset_threshold in the shipped detector.json)")
    args = parser.parse_args()
    if args.current is None:
        parser.error(f"no onset_threshold was found in {SHIPPED_SETTINGS}; give --current")
    with open(os.path.join(args.run, "checkpoint.pt"), "rb") as file:
        arguments = torch.load(file, weights_only=False)["arguments"]
    valid = dataset.load(os.path.join(args.data, "valid"))
    model = train.Network(valid[0].features.shape[1], arguments["channels"], arguments["hidden"])
    model.load_state_dict(torch.load(os.path.join(args.run, "best.pt")))
    model.eval()
    activations = []
    with torch.no_grad():
        for piece in valid:
            activations.append(torch.sigmoid(model(torch.from_numpy(piece.features[None])))[0, :, 0].numpy())
    noise = sum(p.labels["kind"] == "noise" for p in valid)
    results = {}
    for threshold in sorted({round(float(t), 2) for t in np.arange(0.2, 0.81, 0.05)} | {round(args.current, 2)}):
        music_f, noise_rate = score(valid, activations, threshold)
        results[threshold] = {"music_onset_f": music_f, "noise_onsets_per_min": noise_rate}
        print(f"threshold {threshold:.2f}: onset F {100 * music_f:.1f} on music, {noise_rate:.2f} false onsets per "
              f"minute on noise", flush=True)
    ceiling = results[round(args.current, 2)]["noise_onsets_per_min"]
    allowed = [t for t, r in results.items() if r["noise_onsets_per_min"] <= ceiling]
    best = max(allowed, key=lambda t: results[t]["music_onset_f"])
    print(f"best threshold {best}: onset F {100 * results[best]['music_onset_f']:.1f} on {len(valid) - noise} validation "
          f"pieces with music, {results[best]['noise_onsets_per_min']:.2f} false onsets per minute on {noise} noise pieces "
          f"(at most the {ceiling:.2f} of the shipped {args.current})")
    with open(os.path.join(args.run, "onset_threshold.json"), "w") as file:
        json.dump({"thresholds": results, "best": best, "shipped": args.current,
                   "rule": "highest music onset F with noise false onsets per minute at most the shipped threshold's"},
                  file, indent=1)
    write_settings(args.run, best)
    print(f"wrote {os.path.join(args.run, 'detector.json')} for {os.path.join(args.run, 'beats.smnn')}")


if __name__ == "__main__":
    main()
