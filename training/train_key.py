"""Trains the key classifier (docs/model.md, "Key") on the generated pieces, whose keys are known
by construction: each is a progression with cadences in one of the 24 keys; and (--score-keys, the
default) on the score excerpts whose key score_keys.py finds certain (the excerpt ends the score,
whose last key signature, final chord and bass agree). The validation figures are given for the
generated pieces and for the labelled score excerpts apart, in both cases, so that a run without
score keys shows what they add.

Input: the analyzer's own key input (`samplemind features` writes it as <name>.key.npy, 24 values
per 10 ms hop: the averaged pitch-class profile and the bass's). The classifier is one small
network f: 24 → 2 applied to the input rotated twelve times, so that each pitch class in turn
sits where the tonic goes; f says how much that tonic looks like a major and like a minor key, and
a softmax over the 24 scores is trained against the piece's key. Because every key is scored by
the same f on a rotated input, the classifier treats all 24 transpositions alike by construction
(no transposition augmentation is needed: every piece teaches all twelve tonics at once).

Writes key.smnn (the format of docs/model-format.md, through export.py) and key.json (its
settings: the change margin chosen on the validation set, the weights' sha256).

    python training/train_key.py --data DIR --out DIR [--features DIR] [--no-score-keys]
      --data: the data set (train/ and valid/ with <piece>.labels.json)
      --features: holds train/ and valid/ with <piece>.key.npy (samplemind features -o …); by
        default the data set's own <split>/features/, where build_data.py writes them
"""

import argparse
import collections
import glob
import hashlib
import json
import os

import numpy as np
import torch

import export
import score_keys

# The KeyInput layout written by this samplemind (checked against the features' descriptions).
VALUES = 24
# Frames before this much music are skipped: the averaged profile is still forming.
SKIP_SECONDS = 2.0
# One example every this many hops (the input changes slowly: 25 updates a second, 5 s memory).
STRIDE = 10
HIDDEN = 32
# Margins the validation set chooses from (probability by which a challenger must lead).
MARGINS = (0.05, 0.1, 0.15, 0.2, 0.3, 0.4)
KEY_CHANGE_HOLD_SECONDS = 4.0
FIRST_KEY_SECONDS = 3.0
UPDATES_PER_SECOND = 25


def features_directory(features, data, split):
    """Where the split's <piece>.key.npy files are: FEATURES/<split>, or the data set's <split>/features."""
    return os.path.join(features, split) if features else os.path.join(data, split, "features")


def pieces(data, features, split, scores):
    """(key.npy path, key index 0…23 in MusicalKey's order, "generated" or "score") for the split's
    pieces with a key: the generated ones and, with `scores`, the score excerpts score_keys.py labels
    (computed here; labels.json keeps "key": null for them)."""
    scored = score_keys.keys(data, split) if scores else {}
    directory = features_directory(features, data, split)
    found = []
    for labels_path in sorted(glob.glob(os.path.join(data, split, "*.labels.json"))):
        with open(labels_path) as file:
            labels = json.load(file)
        name = os.path.basename(labels_path)[: -len(".labels.json")]
        if labels.get("kind") == "score":
            if name not in scored:
                continue
            key, source = scored[name], "score"
        elif labels.get("key") is None or labels.get("tonic") is None:
            continue
        else:
            key, source = score_keys.key_index(int(labels["tonic"]), labels["minor"]), "generated"
        path = os.path.join(directory, f"{name}.key.npy")
        if not os.path.exists(path):
            raise SystemExit(f"{path} is missing: run samplemind features -o {directory} on the split's sound files first")
        found.append((path, key, source))
    if not found:
        raise SystemExit(f"no pieces with a key in {os.path.join(data, split)}")
    return found


def examples(items):
    inputs, targets = [], []
    first = int(SKIP_SECONDS * 100)
    for path, key, _ in items:
        values = np.load(path)
        if values.ndim != 2 or values.shape[1] != VALUES:
            raise SystemExit(f"{path} holds {values.shape}, not frames × {VALUES}: features of another samplemind")
        rows = values[first::STRIDE]
        rows = rows[rows[:, :12].max(axis=1) > 0]
        inputs.append(rows)
        targets.append(np.full(len(rows), key))
    return torch.tensor(np.concatenate(inputs), dtype=torch.float32), torch.tensor(np.concatenate(targets))


class Classifier(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = torch.nn.Linear(VALUES, HIDDEN)
        self.out = torch.nn.Linear(HIDDEN, 2)

    def forward(self, x):
        """Scores (batch × 24): tonic t major at t, minor at 12 + t, as KeyClassifier.swift computes them."""
        index = torch.arange(12)
        scores = []
        for tonic in range(12):
            rotation = (index + tonic) % 12
            rotated = torch.cat([x[:, rotation], x[:, 12 + rotation]], dim=1)
            scores.append(self.out(torch.relu(self.hidden(rotated))))
        scores = torch.stack(scores, dim=1)  # batch × 12 × 2
        return torch.cat([scores[:, :, 0], scores[:, :, 1]], dim=1)


def mirex(estimate, truth):
    """MIREX weighted key score of key indices (0…11 major, 12…23 minor)."""
    if estimate == truth:
        return 1.0
    e_tonic, e_minor = estimate % 12, estimate >= 12
    t_tonic, t_minor = truth % 12, truth >= 12
    if e_minor == t_minor and (e_tonic - t_tonic) % 12 in (5, 7):
        return 0.5
    if e_minor != t_minor:
        if not t_minor and e_tonic == (t_tonic + 9) % 12:
            return 0.3
        if t_minor and e_tonic == (t_tonic + 3) % 12:
            return 0.3
        if e_tonic == t_tonic:
            return 0.2
    return 0.0


def held_longest(probabilities, margin):
    """The key the tracker's rules (KeyTracker.swift) would hold longest over one piece, from
    per-update probabilities (updates × 24)."""
    step = 1 / UPDATES_PER_SECOND
    key, challenger, held = -1, -1, 0.0
    time_held = np.zeros(24)
    for n, scores in enumerate(probabilities):
        best = int(np.argmax(scores))
        if key < 0:
            if (n + 1) * step >= FIRST_KEY_SECONDS:
                key = best
        elif best != key and scores[best] - scores[key] >= margin:
            if best != challenger:
                challenger, held = best, 0.0
            held += step
            if held >= KEY_CHANGE_HOLD_SECONDS:
                key, challenger, held = best, -1, 0.0
        else:
            challenger, held = -1, 0.0
        if key >= 0:
            time_held[key] += step
    return int(np.argmax(time_held)) if time_held.any() else -1


def validate(model, items, margin):
    """MIREX weighted and exact scores (percent) of the key held longest, and the piece count, for
    each source of `items` ("generated", "score")."""
    scores, exact = collections.defaultdict(list), collections.defaultdict(list)
    with torch.no_grad():
        for path, key, source in items:
            values = np.load(path)[:: 100 // UPDATES_PER_SECOND]
            values = values[values[:, :12].max(axis=1) > 0]
            if len(values) == 0:
                scores[source].append(0.0)
                exact[source].append(0.0)
                continue
            probabilities = torch.softmax(model(torch.tensor(values, dtype=torch.float32)), dim=1).numpy()
            estimate = held_longest(probabilities, margin)
            scores[source].append(mirex(estimate, key) if estimate >= 0 else 0.0)
            exact[source].append(float(estimate == key))
    return {source: {"pieces": len(scores[source]), "weighted": 100 * float(np.mean(scores[source])),
                     "exact": 100 * float(np.mean(exact[source]))} for source in scores}


def read_dense_layers(path):
    """The dense layers of a model file export.py wrote (docs/model-format.md), as (weight, bias) pairs."""
    with open(path, "rb") as file:
        data = file.read()
    count = int(np.frombuffer(data, "<u4", 1, 16)[0])
    offset, layers = 20 + 24 * count, []
    for n in range(count):
        kind, _, _, _, inputs, outputs = np.frombuffer(data, "<u1", 4, 20 + 24 * n).tolist() + \
            np.frombuffer(data, "<u4", 2, 20 + 24 * n + 4).tolist()
        if kind != export.KINDS["dense"]:
            raise SystemExit(f"{path}: layer {n + 1} is not dense; not a key classifier")
        weight = np.frombuffer(data, "<f4", inputs * outputs, offset).reshape(outputs, inputs)
        offset += 4 * inputs * outputs
        bias = np.frombuffer(data, "<f4", outputs, offset)
        offset += 4 * outputs
        layers.append((weight, bias))
    return layers


def reference(weights, directory, out):
    """Writes the shipped classifier's PyTorch outputs on fixed inputs (the first validation
    pieces' key input, every 3 s) for the Swift test KeyClassifierTests."""
    (w1, b1), (w2, b2) = read_dense_layers(weights)
    model = Classifier()
    with torch.no_grad():
        model.hidden.weight.copy_(torch.tensor(w1))
        model.hidden.bias.copy_(torch.tensor(b1))
        model.out.weight.copy_(torch.tensor(w2))
        model.out.bias.copy_(torch.tensor(b2))
    inputs = []
    for path in sorted(glob.glob(os.path.join(directory, "*.key.npy")))[:4]:
        values = np.load(path)
        inputs.extend(values[300::300][:4].tolist())
    with torch.no_grad():
        probabilities = torch.softmax(model(torch.tensor(inputs, dtype=torch.float32)), dim=1).tolist()
    with open(weights, "rb") as file:
        sha256 = hashlib.sha256(file.read()[:-32]).hexdigest()
    with open(out, "w") as file:
        json.dump({"weights_sha256": sha256, "inputs": inputs, "probabilities": probabilities}, file)
        file.write("\n")
    print(f"wrote {out}: {len(inputs)} inputs")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--features", help="holds train/ and valid/ with <piece>.key.npy (default: DATA/<split>/features)")
    parser.add_argument("--data")
    parser.add_argument("--out", required=True)
    parser.add_argument("--reference", metavar="KEY_SMNN",
                        help="write the PyTorch outputs of these weights on fixed inputs to --out (a JSON file) and stop")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--score-keys", action=argparse.BooleanOptionalAction, default=True,
                        help="also train on the score excerpts whose key score_keys.py finds certain (they are "
                             "validated on either way)")
    args = parser.parse_args()
    if not args.data and not args.features:
        parser.error("--data or --features is needed")
    if args.reference:
        reference(args.reference, features_directory(args.features, args.data, "valid"), args.out)
        return
    if not args.data:
        parser.error("--data is needed for training")
    torch.manual_seed(args.seed)
    torch.set_num_threads(2)

    train_items = pieces(args.data, args.features, "train", args.score_keys)
    # The labelled score excerpts of the validation set are always scored, so that a run without
    # score keys can be compared; they choose the epoch (validation loss) only when trained on.
    valid_items = pieces(args.data, args.features, "valid", True)
    chosen_items = [item for item in valid_items if args.score_keys or item[2] == "generated"]
    x, y = examples(train_items)
    vx, vy = examples(chosen_items)
    count = collections.Counter(item[2] for item in train_items)
    valid_count = collections.Counter(item[2] for item in valid_items)
    print(f"train: {count['generated']} generated and {count['score']} score pieces, {len(x)} examples; validation: "
          f"{valid_count['generated']} generated and {valid_count['score']} score pieces, {len(vx)} examples for the loss")
    model = Classifier()
    optimiser = torch.optim.Adam(model.parameters(), lr=3e-3, weight_decay=1e-4)
    loss_function = torch.nn.CrossEntropyLoss()
    best_loss, best_state = float("inf"), None
    history = []
    for epoch in range(args.epochs):
        model.train()
        order = torch.randperm(len(x))
        for start in range(0, len(x), 512):
            batch = order[start:start + 512]
            optimiser.zero_grad()
            loss = loss_function(model(x[batch]), y[batch])
            loss.backward()
            optimiser.step()
        model.eval()
        with torch.no_grad():
            valid_loss = float(loss_function(model(vx), vy))
            accuracy = 100 * float((model(vx).argmax(dim=1) == vy).float().mean())
        history.append({"epoch": epoch + 1, "validation_loss": valid_loss, "frame_accuracy": accuracy})
        print(f"epoch {epoch + 1}: validation loss {valid_loss:.4f}, frame accuracy {accuracy:.1f} %")
        if valid_loss < best_loss:
            best_loss, best_state = valid_loss, {k: v.clone() for k, v in model.state_dict().items()}
    model.load_state_dict(best_state)

    # The margin is chosen on every validation piece with a key, generated and score excerpts
    # pooled (the score excerpts are real music, the generated pieces cover all 24 keys).
    results = {margin: validate(model, valid_items, margin) for margin in MARGINS}

    def pooled(m):
        return sum(r["weighted"] * r["pieces"] for r in results[m].values()) / sum(r["pieces"] for r in results[m].values())

    margin = max(MARGINS, key=lambda m: (pooled(m), -m))
    for m in MARGINS:
        line = ", ".join(f"{source} ({r['pieces']}) weighted {r['weighted']:.1f}, exact {r['exact']:.1f}"
                         for source, r in sorted(results[m].items()))
        print(f"change margin {m}: {line}; pooled weighted {pooled(m):.1f}" + ("  ← chosen" if m == margin else ""))

    os.makedirs(args.out, exist_ok=True)
    weights = os.path.join(args.out, "key.smnn")
    export.write(weights, [
        export.Dense(model.hidden.weight.detach().numpy(), model.hidden.bias.detach().numpy(), "relu"),
        export.Dense(model.out.weight.detach().numpy(), model.out.bias.detach().numpy()),
    ])
    with open(weights, "rb") as file:
        sha256 = hashlib.sha256(file.read()[:-32]).hexdigest()
    generated = results[margin]["generated"]
    settings = {
        "format": 1, "weights_sha256": sha256, "key_input_values": VALUES, "change_margin": margin,
        "chosen_on": f"the validation set ({sum(r['pieces'] for r in results[margin].values())} pieces with a key, "
                     f"generated and score excerpts pooled): the highest MIREX weighted score of the key held longest",
        "validation": {"weighted": generated["weighted"], "exact": generated["exact"]},
        "trained_on": f"{count['generated']} generated pieces and {count['score']} score excerpts with a certain key "
                      f"(score_keys.py)",
        "history": history,
    }
    if "score" in results[margin]:
        settings["validation"]["score_excerpts"] = results[margin]["score"]
    with open(os.path.join(args.out, "key.json"), "w") as file:
        json.dump(settings, file, indent=2)
        file.write("\n")
    print(f"wrote {weights} (sha256 {sha256[:12]}) and key.json (change margin {margin})")


if __name__ == "__main__":
    main()
