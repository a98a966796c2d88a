"""Chooses the onset threshold (Analyzer.networkOnsetThreshold) on the validation set: runs the
trained network over every validation piece and picks peaks exactly as ActivationPeakPicker
does online (at least the threshold, the largest of the last three hops, not smaller than the
next hop, three hops after the previous peak), for a range of thresholds.

    python tune_onsets.py --data data --run runs/main
"""

import argparse
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True)
    parser.add_argument("--run", required=True)
    args = parser.parse_args()
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
    results = {}
    for threshold in np.arange(0.2, 0.81, 0.05):
        scores = []
        for piece, activation in zip(valid, activations):
            found = np.array([piece.frame_time(i) for i in online_peaks(activation, threshold)])
            truth = np.array(piece.labels["onsets"])
            scores.append(mir_eval.onset.f_measure(truth, found, window=0.05)[0] if len(found) and len(truth) else 0.0)
        results[round(float(threshold), 2)] = float(np.mean(scores))
        print(f"threshold {threshold:.2f}: onset F {100 * results[round(float(threshold), 2)]:.1f}", flush=True)
    best = max(results, key=results.get)
    print(f"best threshold {best} (onset F {100 * results[best]:.1f} on {len(valid)} validation pieces)")
    with open(os.path.join(args.run, "onset_threshold.json"), "w") as file:
        json.dump({"thresholds": results, "best": best}, file, indent=1)


if __name__ == "__main__":
    main()
