"""Scores `samplemind analyze` on the validation set (generated pieces and score excerpts, grouped
also by repertoire and ensemble), whose bars, meter and tempo changes are known: beat, downbeat and
onset F-measure (mir_eval, 70/70/50 ms), meter accuracy, tempo Accuracy 1/2, and the re-lock time
after tempo steps. The corpus is scored by ../shared/eval/score.py instead (scripts/bench accuracy).

    python evaluate.py --data data --samplemind ../.build/release/samplemind -- --detector network
    python evaluate.py --data test --split test --samplemind ../.build/release/samplemind -- --detector network

The onset threshold is tuned on the validation set; the test split (build_data.py --splits test)
gives figures nothing was tuned on.
"""

import argparse
import json
import math
import os
import subprocess
import tempfile
from collections import defaultdict

import mir_eval
import numpy as np


UNSEEN_SOUNDFONT = "OPL-3_FM_128M.sf2"  # validation's and test's soundfont that training never hears


def relock_seconds(labels, beats, tolerance=0.07):
    """After a tempo step: from the step, how long until every reported beat lies on the new grid.
    None without a step; infinity when the tracker never re-locked within the piece (fewer than
    four beats after the step, or the last of them off the grid)."""
    change = labels["tempo"].get("change_at_s")
    if change is None:
        return None
    truth = np.array(labels["beats"])
    after = [b for b in beats if b >= change]
    if len(after) < 4:
        return math.inf
    on_grid = [np.min(np.abs(truth - b)) <= tolerance for b in after]
    for k in range(len(after)):
        if all(on_grid[k:]):
            return after[k] - change
    return math.inf


def soundfont_group(soundfont):
    if soundfont is None:
        return "drums only"  # no melodic part, so no soundfont was played
    return "unseen soundfont" if soundfont == UNSEEN_SOUNDFONT else "seen soundfont"


def score(labels, result):
    if labels["kind"] == "noise":
        minutes = labels["seconds"] / 60
        return {"noise_onsets_per_min": len(result["onsets"]) / minutes, "noise_beats_per_min": len(result["beats"]) / minutes,
                "noise_with_tempo": float(result.get("tempo_bpm") is not None)}
    beats, downbeats = np.array(result["beats"]), np.array(result["downbeats"])
    true_beats, true_downbeats = np.array(labels["beats"]), np.array(labels["downbeats"])
    trim = lambda x: x[x >= 5.0]
    scores = {
        "beat_f": mir_eval.beat.f_measure(trim(true_beats), trim(beats)),
        "downbeat_f": mir_eval.beat.f_measure(trim(true_downbeats), trim(downbeats)),
        "onset_f": mir_eval.onset.f_measure(np.array(labels["onsets"]), np.array(result["onsets"]), window=0.05)[0]
        if len(result["onsets"]) else 0.0,
        "meter_right": float(result.get("beats_per_bar") == labels["meter"]),
    }
    truth_bpm = labels["tempo"]["start_bpm"] if labels["tempo"]["kind"] == "steady" else None
    if truth_bpm and result.get("tempo_bpm"):
        ratio = result["tempo_bpm"] / truth_bpm
        scores["tempo_acc1"] = float(abs(ratio - 1) <= 0.04)
        scores["tempo_acc2"] = float(any(abs(ratio / f - 1) <= 0.04 for f in (1, 2, 0.5, 3, 1 / 3)))
    elif truth_bpm:
        scores["tempo_acc1"] = scores["tempo_acc2"] = 0.0
    if labels["tempo"]["kind"] == "step":
        relock = relock_seconds(labels, result["beats"])
        scores["relocked"] = float(math.isfinite(relock))
        if math.isfinite(relock):
            scores["relock_s"] = relock
    return scores


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True)
    parser.add_argument("--samplemind", required=True)
    parser.add_argument("--split", default="valid", help="the split to score: valid (default) or test")
    parser.add_argument("--json", help="write the per-piece and pooled scores here")
    parser.add_argument("analyze_options", nargs="*", help="options for samplemind analyze, after --")
    args = parser.parse_args()
    directory = os.path.join(args.data, args.split)
    names = sorted(f[:-5] for f in os.listdir(directory) if f.endswith(".flac"))
    with tempfile.TemporaryDirectory() as out:
        for start in range(0, len(names), 50):
            subprocess.run([args.samplemind, "analyze", "--output", out, *args.analyze_options,
                            *[os.path.join(directory, f"{n}.flac") for n in names[start:start + 50]]], check=True)
        pieces = {}
        for name in names:
            with open(os.path.join(directory, f"{name}.labels.json")) as file:
                labels = json.load(file)
            with open(os.path.join(out, f"{name}.json")) as file:
                result = json.load(file)
            pieces[name] = {"scores": score(labels, result), "meter": labels["meter"], "soundfont": labels["soundfont"],
                            "kind": labels["kind"], "tempo": labels["tempo"]["kind"],
                            "score_group": (labels.get("score") or {}).get("group"),
                            "ensemble": (labels.get("styles") or {}).get("ensemble") if labels.get("score") else None,
                            "drums": bool(labels.get("drum_hits"))}
    groups = defaultdict(list)
    for piece in pieces.values():
        music = piece["kind"] != "noise"
        names = (["all", f"meter {piece['meter']}", f"tempo {piece['tempo']}", f"kind {piece['kind']}",
                  soundfont_group(piece["soundfont"])] if music else ["kind noise"])
        if piece.get("score_group"):  # score excerpts: by repertoire, ensemble and whether drums play
            names += [f"score {piece['score_group']}", f"score ensemble {piece['ensemble']}",
                      "score with drums" if piece["drums"] else "score without drums"]
        for group in names:
            groups[group].append(piece["scores"])
    table = {}
    for group, members in sorted(groups.items()):
        keys = sorted({k for m in members for k in m})
        table[group] = {k: float(np.mean([m[k] for m in members if k in m])) for k in keys}
        table[group]["pieces"] = len(members)
        if group == "all":
            relocks = [m["relock_s"] for m in members if "relock_s" in m]
            table[group]["relock_steps"] = sum(1 for m in members if "relocked" in m)
            table[group]["relock_never"] = sum(1 for m in members if m.get("relocked") == 0.0)
            if relocks:
                table[group]["relock_s_median"] = float(np.median(relocks))
    columns = ["pieces", "onset_f", "beat_f", "downbeat_f", "meter_right", "tempo_acc1", "tempo_acc2", "relock_s",
               "relocked", "noise_onsets_per_min", "noise_beats_per_min", "noise_with_tempo"]
    print("| group | " + " | ".join(columns) + " |")
    print("|---" * (len(columns) + 1) + "|")
    for group, row in table.items():
        cells = [f"{row[c]:.0f}" if c == "pieces" else ("" if c not in row else
                 (f"{row[c]:.1f}" if c in ("relock_s", "noise_onsets_per_min", "noise_beats_per_min")
                  else f"{100 * row[c]:.1f}")) for c in columns]
        print(f"| {group} | " + " | ".join(cells) + " |")
    overall = table.get("all", {})
    if overall.get("relock_steps"):
        relocked = overall["relock_steps"] - overall["relock_never"]
        median = f"median {overall['relock_s_median']:.1f} s over {relocked} steps" if relocked else "no step re-locked"
        print(f"re-lock after tempo steps: {median}, {overall['relock_never']} of {overall['relock_steps']} "
              f"never re-locked within the piece")
    if args.json:
        with open(args.json, "w") as file:
            json.dump({"groups": table, "pieces": pieces}, file, indent=1)


if __name__ == "__main__":
    main()
