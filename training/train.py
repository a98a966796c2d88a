"""Trains the causal network (onset, beat and downbeat activations per 10 ms hop) on data from
build_data.py, checkpointing every epoch so a stopped run resumes where it was, and exports the
best epoch (by validation loss) as a SampleMind model file.

    python train.py --data data --out runs/main                 # resumes runs/main if it exists
    python train.py --data quick --out runs/quick --quick        # minutes: smoke-tests everything

The data's manifest is checked first (sources.py): a manifest naming excluded material stops it.
Then only the files the manifest lists as written are read, each with the sha256 listed there: a
file it does not list, or one changed since, stops it too.
"""

import argparse
import json
import os
import sys
import time

import numpy as np
import torch
from torch import nn

import dataset
import export
import reference
import sources


class CausalConv(nn.Module):
    def __init__(self, inputs, outputs, kernel, dilation):
        super().__init__()
        self.pad = (kernel - 1) * dilation
        self.conv = nn.Conv1d(inputs, outputs, kernel, dilation=dilation)

    def forward(self, x):  # batch × channels × time
        return self.conv(nn.functional.pad(x, (self.pad, 0)))


class Network(nn.Module):
    """Normalise → two causal convolutions over time → two GRUs → three sigmoids."""

    def __init__(self, inputs, channels=64, hidden=64, mean=None, std=None):
        super().__init__()
        self.register_buffer("mean", torch.zeros(inputs) if mean is None else torch.as_tensor(mean, dtype=torch.float32))
        self.register_buffer("std", torch.ones(inputs) if std is None else torch.as_tensor(std, dtype=torch.float32))
        self.conv1 = CausalConv(inputs, channels, 3, 1)
        self.conv2 = CausalConv(channels, channels, 3, 2)
        self.gru1 = nn.GRU(channels, hidden, batch_first=True)
        self.gru2 = nn.GRU(hidden, hidden, batch_first=True)
        self.head = nn.Linear(hidden, len(dataset.TARGETS))
        self.dropout = nn.Dropout(0.1)

    def forward(self, x):  # batch × time × features → batch × time × 3 (logits)
        x = (x - self.mean) / self.std
        x = x.transpose(1, 2)
        x = nn.functional.elu(self.conv1(x))
        x = nn.functional.elu(self.conv2(x))
        x = self.dropout(x.transpose(1, 2))
        x, _ = self.gru1(x)
        x, _ = self.gru2(self.dropout(x))
        return self.head(x)

    def export_layers(self):
        scale = (1 / self.std).detach().numpy()
        shift = (-self.mean / self.std).detach().numpy()
        c1, c2 = self.conv1.conv, self.conv2.conv
        return [export.BatchNorm(scale, shift),
                export.CausalConv1D(c1.weight, c1.bias, dilation=c1.dilation[0], activation="elu"),
                export.CausalConv1D(c2.weight, c2.bias, dilation=c2.dilation[0], activation="elu"),
                export.GRU(self.gru1.weight_ih_l0, self.gru1.weight_hh_l0, self.gru1.bias_ih_l0, self.gru1.bias_hh_l0),
                export.GRU(self.gru2.weight_ih_l0, self.gru2.weight_hh_l0, self.gru2.bias_ih_l0, self.gru2.bias_hh_l0),
                export.Dense(self.head.weight, self.head.bias, activation="sigmoid")]


def batches(pieces, rng, batch_size, frames):
    """Random crops of `frames` hops, a batch at a time, covering about the whole set per epoch."""
    total = sum(len(p.features) for p in pieces)
    weights = np.array([len(p.features) for p in pieces], np.float64) / total
    for _ in range(max(1, total // (batch_size * frames))):
        xs, ys = [], []
        for index in rng.choice(len(pieces), batch_size, p=weights):
            piece = pieces[index]
            start = int(rng.integers(0, max(1, len(piece.features) - frames)))
            x, y = piece.features[start:start + frames], piece.targets[start:start + frames]
            if len(x) < frames:
                x = np.pad(x, ((0, frames - len(x)), (0, 0)))
                y = np.pad(y, ((0, frames - len(y)), (0, 0)))
            xs.append(x)
            ys.append(y)
        yield torch.from_numpy(np.stack(xs)), torch.from_numpy(np.stack(ys))


def peaks(activation, threshold, minimum_gap):
    found, last = [], -minimum_gap
    for i in range(1, len(activation) - 1):
        if activation[i] >= threshold and activation[i] >= activation[i - 1] and activation[i] > activation[i + 1] \
                and i - last >= minimum_gap:
            found.append(i)
            last = i
    return found


def f_measure(detected, truth, window):
    if not len(truth) and not len(detected):
        return 1.0
    truth, matched, used = np.asarray(truth), 0, set()
    for t in detected:
        if len(truth) == 0:
            break
        j = int(np.argmin(np.abs(truth - t)))
        if abs(truth[j] - t) <= window and j not in used:
            used.add(j)
            matched += 1
    precision = matched / max(1, len(detected))
    recall = matched / max(1, len(truth))
    return 0 if matched == 0 else 2 * precision * recall / (precision + recall)


def validate(model, pieces, loss_function):
    """Loss and peak-picked F-measures (onsets ±50 ms; beats, downbeats ±70 ms) over whole pieces."""
    model.eval()
    losses, scores = [], {k: [] for k in dataset.TARGETS}
    with torch.no_grad():
        for piece in pieces:
            logits = model(torch.from_numpy(piece.features[None]))[0]
            losses.append(float(loss_function(logits, torch.from_numpy(piece.targets))))
            activations = torch.sigmoid(logits).numpy()
            for k, key in enumerate(dataset.TARGETS):
                gap = 3 if key == "onset" else 25
                detected = [piece.frame_time(i) for i in peaks(activations[:, k], 0.3, gap)]
                window = 0.05 if key == "onset" else 0.07
                truth = [t for t in piece.labels[key + "s"] if t > 0.5]
                scores[key].append(f_measure([t for t in detected if t > 0.5], truth, window))
    model.train()
    return float(np.mean(losses)), {k: float(np.mean(v)) for k, v in scores.items()}


def write_reference(model, piece, path, frames=64):
    """Fixed inputs and PyTorch's outputs for them, for the Swift test of the shipped weights."""
    model.eval()
    x = piece.features[100:100 + frames]
    with torch.no_grad():
        torch_out = torch.sigmoid(model(torch.from_numpy(x[None])))[0].numpy()
    numpy_out = reference.run(model.export_layers(), x)
    difference = float(np.max(np.abs(numpy_out - torch_out)))
    if difference > 1e-4:
        raise SystemExit(f"the exported layers differ from PyTorch by {difference:.2e}; the exporter or the model is wrong")
    with open(path, "w") as file:
        json.dump({"inputs": x.tolist(), "outputs": torch_out.tolist(), "numpy_difference": difference}, file)
    model.train()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--hours", type=float, default=None, help="stop after this long (resumable)")
    parser.add_argument("--channels", type=int, default=64)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--batch", type=int, default=24)
    parser.add_argument("--frames", type=int, default=600, help="hops per training crop (6 s)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="3 short epochs")
    parser.add_argument("--model", help="write the best model file here too")
    parser.add_argument("--reference", help="write fixed inputs and PyTorch outputs here (JSON)")
    parser.add_argument("--corpus", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "corpus"))
    args = parser.parse_args()
    if args.quick:
        args.epochs, args.frames = 3, 300
    sources.check_manifest(os.path.join(args.data, "manifest.json"), args.corpus)
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    outputs = dataset.manifest_outputs(args.data)
    train, valid = (dataset.load(os.path.join(args.data, split), outputs) for split in ("train", "valid"))
    print(f"{len(train)} training pieces ({sum(len(p.features) for p in train) / 6000:.0f} min), "
          f"{len(valid)} validation pieces", flush=True)
    stacked = np.concatenate([p.features for p in train])
    mean, std = stacked.mean(axis=0), stacked.std(axis=0) + 1e-3
    model = Network(stacked.shape[1], args.channels, args.hidden, mean, std)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=args.epochs, eta_min=5e-5)
    positive = torch.tensor([3.0, 5.0, 8.0])
    loss_function = nn.BCEWithLogitsLoss(pos_weight=positive)
    os.makedirs(args.out, exist_ok=True)
    checkpoint_path = os.path.join(args.out, "checkpoint.pt")
    history, epoch, best = [], 0, float("inf")
    if os.path.exists(checkpoint_path):
        state = torch.load(checkpoint_path, weights_only=False)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        history, epoch, best = state["history"], state["epoch"], state["best"]
        print(f"resumed after epoch {epoch} (best validation loss {best:.4f})", flush=True)
    rng = np.random.default_rng([args.seed, epoch])
    parameters = sum(p.numel() for n, p in model.named_parameters())
    print(f"{parameters} parameters", flush=True)
    started = time.time()
    while epoch < args.epochs:
        if args.hours is not None and time.time() - started > args.hours * 3600:
            print("time is up; run again to resume", flush=True)
            break
        epoch_started, losses = time.time(), []
        for x, y in batches(train, rng, args.batch, args.frames):
            optimizer.zero_grad()
            loss = loss_function(model(x), y)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            losses.append(loss.item())
        scheduler.step()
        epoch += 1
        valid_loss, scores = validate(model, valid, loss_function)
        record = {"epoch": epoch, "train_loss": float(np.mean(losses)), "valid_loss": valid_loss,
                  **{f"valid_f_{k}": v for k, v in scores.items()}, "seconds": round(time.time() - epoch_started, 1)}
        history.append(record)
        print(json.dumps(record), flush=True)
        if valid_loss < best:
            best = valid_loss
            torch.save(model.state_dict(), os.path.join(args.out, "best.pt"))
        torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict(),
                    "history": history, "epoch": epoch, "best": best,
                    "arguments": {"channels": args.channels, "hidden": args.hidden}}, checkpoint_path + ".tmp")
        os.replace(checkpoint_path + ".tmp", checkpoint_path)
    with open(os.path.join(args.out, "history.json"), "w") as file:
        json.dump(history, file, indent=1)
    model.load_state_dict(torch.load(os.path.join(args.out, "best.pt")))
    model.eval()
    layers = model.export_layers()
    for path in filter(None, [os.path.join(args.out, "beats.smnn"), args.model]):
        export.write(path, layers)
    if args.reference:
        write_reference(model, valid[0], args.reference)
    print(f"exported {os.path.join(args.out, 'beats.smnn')} ({parameters} parameters, best validation loss {best:.4f})")


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    main()
