"""Builds the training and validation data: generated pieces with known beats, bars, meter,
onsets and key, and excerpts of scores from music21's corpus (scores.py: about 37 % of the music
pieces, most without drums, many on legato instruments), rendered with allowed soundfonts and real
drum samples, augmented, and their network input computed by SampleMind's own front-end
(`samplemind features`).

    python build_data.py --out data            # the full set
    python build_data.py --out quick --quick   # a few minutes, to smoke-test the pipeline
    python build_data.py --out test --splits test --test 150   # a held-out test set

Writes OUT/{train,valid,test}/NNNNN.flac, NNNNN.labels.json, features/NNNNN.npy (+ .json), and
OUT/manifest.json: the settings, every source file read and every file written, with its sha256,
then runs the exclusion check (sources.py) on it. Validation uses a soundfont (OPL-3 FM) and drum
kits that training never sees, and scores by composers and collections that training never sees
(scores.HELD_OUT_COLLECTIONS); the test split uses the same held-out sources with pieces (and score
files) of its own, for figures that nothing (the onset threshold included) was tuned on. Every piece
whose labels have drums is checked to have audible drums, and every one with notes audible notes. A
stopped build resumes where it was when run again with the same settings, and refuses to mix in
pieces made with others.
"""

import argparse
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile

import numpy as np
import soundfile

import compose
import dataset
import render
import scores
import sources

VERSION = 4  # 4: the noise-only pieces' quietest level is a setting (--noise-quietest-dbfs)
# The noise-only pieces' peak level is drawn from NOISE_QUIETEST_DBFS to -0.5 dBFS, like music's.
# The shipped weights were trained on this default; runs on noise down to -66 dBFS (a quiet room
# through a preamp turned low; the test suite's quiet white noise peaks near -50 dBFS) did not win
# and are not shipped (docs/model.md, "Quieter noise in the data").
NOISE_QUIETEST_DBFS = render.QUIETEST_DBFS
# A split's number is part of every piece's random key (seed, index, number), so no piece of one
# split shares its generator with a piece of another, whatever --seed is. Half of the validation and
# test pieces use `unseen_soundfont`, which training never hears.
SPLITS = {
    "train": {"number": 0, "soundfonts": ["TimGM6mb.sf2", "sf_GMbank.sf2"], "unseen_soundfont": None,
              "drum_soundfonts": ["Black_Pearl_4_LV2.sf2"],
              "kits": None, "excluded_kits": ["ForzeeStereo", "HardElectro1", "circAfrique v4"]},
    "valid": {"number": 1, "soundfonts": ["OPL-3_FM_128M.sf2", "TimGM6mb.sf2", "sf_GMbank.sf2"],
              "unseen_soundfont": "OPL-3_FM_128M.sf2", "drum_soundfonts": ["Red_Zeppelin_4_LV2.sf2"],
              "kits": ["ForzeeStereo", "HardElectro1", "circAfrique v4"], "excluded_kits": []},
}
SPLITS["test"] = {**SPLITS["valid"], "number": 2}  # validation's held-out sources, pieces of its own
# What to change when a setting differs from the one the data set was made with.
SETTINGS = {"version": "this build_data.py", "seed": "--seed", "seconds": "--seconds (--quick makes it 12)",
            "samplemind_version": "the samplemind binary (--samplemind)",
            "feature_version": "the samplemind binary (--samplemind)",
            "music21_version": "music21 (training/requirements.txt)",
            "noise_quietest_dbfs": "--noise-quietest-dbfs"}


def kits_for(split):
    settings = SPLITS[split]
    return render.hydrogen_kits(settings["kits"], settings["excluded_kits"])


def require_audible(stem, what, split, name, labels):
    """Refuses a piece whose labels promise sound (drum hits, notes) that its audio stem lacks: a
    kit or soundfont that plays nothing (AVL drums on the percussion channel did) would teach the
    network beats and onsets in silence."""
    if render.silent(stem):
        raise RuntimeError(f"{split}/{name}: its labels have {what} but the {what} rendered silent (peak below "
                           f"-60 dBFS; drum kit {labels.get('drum_kit')!r}, drum soundfont "
                           f"{labels.get('drum_soundfont')!r}, soundfont {labels.get('soundfont')!r}); fix the kit reader "
                           f"or renderer (training/render.py) before building data")


def score_cache(out):
    return os.path.join(out, "score-cache")


def is_score_piece(seed, index, number):
    """Whether music piece `index` is a score excerpt: in every block of 8 pieces, the same number
    (scores.SCORE_SHARE of 8, rounded) at places drawn for the block, so every split, however small
    (--quick), has its share rather than a coin's luck."""
    per_block = int(round(scores.SCORE_SHARE * 8))
    return bool(np.random.default_rng([seed, index // 8, number, 3]).permutation(8)[index % 8] < per_block)


def make_piece(job):
    """A music piece: a generated one or (scores.SCORE_SHARE of them) a score excerpt."""
    split, index, build, out = job
    settings, seconds = SPLITS[split], build["seconds"]
    from_score = is_score_piece(build["seed"], index, settings["number"])
    # Each kind has its own random stream, so a generated piece is the same whatever the score share.
    rng = np.random.default_rng([build["seed"], index, settings["number"]] + ([1] if from_score else []))
    kits = kits_for(split)
    rate = 48000 if rng.random() < 0.2 else 44100
    if from_score:
        kind = "score"
        with_drums, with_harmony = bool(rng.random() < scores.DRUM_SHARE), True
    else:
        kind = str(rng.choice(["band", "harmony", "drums"], p=[0.55, 0.30, 0.15]))
        with_drums, with_harmony = kind in ("band", "drums"), kind in ("band", "harmony")
    soundfont = str(rng.choice(settings["soundfonts"]))
    if settings["unseen_soundfont"] and index % 2 == 0:
        soundfont = settings["unseen_soundfont"]
    use_kit = with_drums and rng.random() < 0.75
    kit = kits[int(rng.integers(len(kits)))] if use_kit else None
    drum_font = str(rng.choice(settings["drum_soundfonts"])) if with_drums and not use_kit else None
    roles = set(kit.roles) if kit else set(render.GM_DRUM_NOTES)
    if from_score:
        piece = scores.piece(rng, split, seconds, score_cache(out))
        if with_drums:  # a groove on the score's own beats and bars
            composer = compose.Composer(rng, piece["meter"], 0, False, np.array(piece["beats"]), np.array(piece["positions"]),
                                        timing_spread_s=float(rng.uniform(0, 0.008)))
            piece["drum_hits"], piece["styles"]["drums"] = composer.drums(roles)
            piece["onsets"] = scores.merge(sorted(piece["onsets"] + [t for t, _, _ in piece["drum_hits"] if 0 <= t < seconds]))
        programs = piece["programs"]
    else:
        piece = compose.compose(rng, seconds, with_drums, with_harmony, roles)
        programs = {"harmony": int(rng.choice(compose.CHORD_PROGRAMS)), "bass": int(rng.choice(compose.BASS_PROGRAMS)),
                    "melody": int(rng.choice(compose.MELODY_PROGRAMS))}
    length = int(seconds * rate)
    music, drums = render.render_parts(piece, os.path.join(render.SOUNDFONTS, soundfont), programs, rate, length, rng,
                                       os.path.join(render.SOUNDFONTS, drum_font) if drum_font else None)
    if kit:
        drums = render.mix_drums(piece["drum_hits"], kit, rng, rate, length, render.SampleCache(rate))
        balance = float(rng.uniform(0.5, 2.0)) if with_harmony else 1.0
        music = music * (np.std(drums) / (np.std(music) + 1e-9) / balance if with_harmony and np.std(music) > 0 else 1)
    name = f"{index:05d}"
    labels = {k: piece[k] for k in ("meter", "key", "tonic", "minor", "beats", "positions", "downbeats", "onsets",
                                    "tempo", "styles", "seconds")}
    labels.update({"version": VERSION, "split": split, "sample_rate": rate, "kind": kind,
                   "soundfont": soundfont if with_harmony else None,  # drums alone play no soundfont's instruments
                   "drum_kit": kit.name if kit else None, "drum_soundfont": drum_font, "programs": programs,
                   "drum_hits": len(piece["drum_hits"]), "notes": sum(len(p["notes"]) for p in piece["parts"])})
    if from_score:
        labels["score"] = piece["score"]
    if labels["drum_hits"]:
        require_audible(drums, "drums", split, name, labels)
    if labels["notes"]:
        require_audible(music, "notes", split, name, labels)
    audio, augmentation = render.augment(music + drums, rng, rate)
    labels.update({"augmentation": augmentation, "build": build})
    path = os.path.join(out, split, f"{name}.flac")
    soundfile.write(path, audio, rate, subtype="PCM_16")
    with open(os.path.join(out, split, f"{name}.labels.json"), "w") as file:
        json.dump(labels, file)
    return path, sources_of(labels)


def sources_of(labels):
    """The source files a piece was made from, by its labels."""
    used = [os.path.join(render.SOUNDFONTS, labels["soundfont"])] if labels.get("soundfont") else []
    if labels.get("drum_soundfont"):
        used.append(os.path.join(render.SOUNDFONTS, labels["drum_soundfont"]))
    if labels.get("drum_kit"):
        used += render.HydrogenKit(os.path.join(render.HYDROGEN_KITS, labels["drum_kit"])).sample_paths()
    if labels.get("score"):
        used.append(os.path.join(scores.corpus_directory(), labels["score"]["path"]))
    return used


def make_noise(job):
    """A piece with no music: stationary noise (white, pink, brown or band-limited), perhaps with
    mains hum and a slow swell, so the network learns that noise is neither onset nor beat."""
    split, index, build, out = job
    seconds = build["seconds"]
    rng = np.random.default_rng([build["seed"], index, SPLITS[split]["number"], 2])
    rate = 48000 if rng.random() < 0.2 else 44100
    length = int(seconds * rate)
    colour = str(rng.choice(["white", "pink", "brown", "band"]))
    white = rng.standard_normal((length, 2)).astype(np.float32)
    if colour == "pink":
        noise = np.stack([render.pink_noise(rng, length) for _ in range(2)], axis=1)
    elif colour == "brown":
        noise = np.cumsum(white, axis=0)
        noise -= render.signal.savgol_filter(noise, 4001, 1, axis=0)  # leaky: no drift to infinity
    elif colour == "band":
        low = float(np.exp(rng.uniform(np.log(60), np.log(4000))))
        sos = render.signal.butter(2, [low, min(low * rng.uniform(1.5, 8), rate * 0.45)], btype="bandpass", fs=rate, output="sos")
        noise = render.signal.sosfilt(sos, white, axis=0)
    else:
        noise = white
    noise = noise / (np.std(noise) + 1e-12)
    if rng.random() < 0.3:
        hum = float(rng.choice([50.0, 60.0]))
        t = np.arange(length) / rate
        tone = sum(np.sin(2 * np.pi * hum * k * t) / k for k in (1, 2, 3))
        noise = noise + (float(rng.uniform(0.1, 1.0)) * tone)[:, None]
    if rng.random() < 0.4:
        t = np.arange(length) / rate
        swell = 1 + float(rng.uniform(0.1, 0.5)) * np.sin(2 * np.pi * float(rng.uniform(0.03, 0.3)) * t + rng.uniform(0, 6.3))
        noise = noise * swell[:, None]
    audio, augmentation = render.augment(noise.astype(np.float32), rng, rate, quietest_dbfs=build["noise_quietest_dbfs"])
    name = f"noise-{index:05d}"
    path = os.path.join(out, split, f"{name}.flac")
    soundfile.write(path, audio, rate, subtype="PCM_16")
    labels = {"version": VERSION, "split": split, "sample_rate": rate, "kind": "noise", "noise": colour, "meter": None,
              "key": None, "beats": [], "positions": [], "downbeats": [], "onsets": [], "seconds": seconds,
              "tempo": {"kind": "none", "start_bpm": None, "end_bpm": None, "change_at_s": None},
              "soundfont": None, "drum_kit": None, "drum_soundfont": None, "augmentation": augmentation, "build": build}
    with open(os.path.join(out, split, f"{name}.labels.json"), "w") as file:
        json.dump(labels, file)
    return path, []


def samplemind_binary(explicit):
    if explicit:
        return explicit
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    for build in ("release", "debug"):
        candidate = os.path.join(root, ".build", build, "samplemind")
        if os.path.isfile(candidate):
            return candidate
    sys.exit("no samplemind binary: build it first (swift build -c release) or give --samplemind PATH")


def feature_version(binary):
    """The feature version `samplemind features` writes, read from its description of a second of silence."""
    with tempfile.TemporaryDirectory() as scratch:
        probe = os.path.join(scratch, "probe.wav")
        soundfile.write(probe, np.zeros((44100, 2), np.float32), 44100)
        subprocess.run([binary, "features", "--output", scratch, probe], check=True, stdout=subprocess.DEVNULL)
        with open(os.path.join(scratch, "probe.json")) as file:
            return json.load(file)["feature_version"]


def build_settings(args, binary):
    """What the pieces depend on besides their index: recorded in every label file and the manifest."""
    version = subprocess.run([binary, "--version"], check=True, capture_output=True, text=True).stdout.strip()
    return {"version": VERSION, "seed": args.seed, "seconds": float(args.seconds), "samplemind_version": version,
            "feature_version": feature_version(binary), "music21_version": scores.music21_version(),
            "noise_quietest_dbfs": float(args.noise_quietest_dbfs)}


def check_resume(out, build):
    """Exits when OUT already holds pieces made with other settings: resuming would mix them."""
    for split in SPLITS:
        directory = os.path.join(out, split)
        names = sorted(f for f in os.listdir(directory) if f.endswith(".labels.json")) if os.path.isdir(directory) else []
        for name in names:
            with open(os.path.join(directory, name)) as file:
                recorded = json.load(file).get("build")
            if recorded is None:
                sys.exit(f"{os.path.join(directory, name)}: made by an older build_data.py that did not record its "
                         f"settings, so resuming could mix settings; build into a new --out directory")
            for key, wanted in build.items():
                if recorded.get(key) != wanted:
                    sys.exit(f"{out}: refused to resume: its pieces were made with {key} {recorded.get(key)!r}, this run "
                             f"has {wanted!r} ({SETTINGS[key]}). Build into a new --out directory, or resume with the "
                             f"settings the data set was made with.")


def noise_pieces(count, percent):
    """How many noise-only pieces go with `count` pieces of music: `percent` of them, at least one."""
    return max(1, count * percent // 100) if count > 0 and percent > 0 else 0


def _run(job):
    function, arguments = job
    return function(arguments)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--train", type=int, default=1200, help="training pieces")
    parser.add_argument("--valid", type=int, default=150, help="validation pieces")
    parser.add_argument("--test", type=int, default=150, help="test pieces (with --splits test)")
    parser.add_argument("--splits", nargs="+", choices=list(SPLITS), default=["train", "valid"],
                        help="the splits to build (default: train valid)")
    parser.add_argument("--noise", type=int, default=10, help="noise-only pieces, as a percentage of each split")
    parser.add_argument("--noise-quietest-dbfs", type=float, default=NOISE_QUIETEST_DBFS,
                        help=f"the noise-only pieces' peak level is drawn from here to -0.5 dBFS (default {NOISE_QUIETEST_DBFS:g}, as music's)")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--seed", type=int, default=20261205)
    parser.add_argument("--quick", action="store_true", help="24 + 8 (+ 8 test) pieces of 12 s")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--samplemind", help="the samplemind binary that computes the features")
    parser.add_argument("--corpus", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "corpus"))
    args = parser.parse_args()
    if not -120.0 <= args.noise_quietest_dbfs <= -0.5:
        parser.error(f"--noise-quietest-dbfs is a peak level from -120 to -0.5 dBFS, got {args.noise_quietest_dbfs}")
    if args.quick:
        args.train, args.valid, args.test, args.seconds = 24, 8, 8, 12
    args.out = os.path.abspath(args.out)  # the manifest names files by absolute path
    binary = samplemind_binary(args.samplemind)
    build = build_settings(args, binary)
    check_resume(args.out, build)
    for split in args.splits:
        os.makedirs(os.path.join(args.out, split, "features"), exist_ok=True)
    counts = [(split, getattr(args, split)) for split in args.splits]
    jobs = [(make_piece, (split, i, build, args.out)) for split, count in counts for i in range(count)
            if not os.path.exists(os.path.join(args.out, split, f"{i:05d}.labels.json"))]
    jobs += [(make_noise, (split, i, build, args.out))
             for split, count in counts for i in range(noise_pieces(count, args.noise))
             if not os.path.exists(os.path.join(args.out, split, f"noise-{i:05d}.labels.json"))]
    sources_used = set()
    with multiprocessing.Pool(args.jobs) as pool:
        for n, (path, used) in enumerate(pool.imap_unordered(_run, jobs), start=1):
            sources_used.update(used)
            if n % 50 == 0 or n == len(jobs):
                print(f"rendered {n}/{len(jobs)}", flush=True)
    # Sources of pieces rendered by an earlier, interrupted run are re-derived from their labels.
    outputs, pieces = [], 0
    for split in [s for s in SPLITS if os.path.isdir(os.path.join(args.out, s))]:
        directory = os.path.join(args.out, split)
        audio = sorted(f for f in os.listdir(directory) if f.endswith(".flac"))
        for name in audio:
            with open(os.path.join(directory, name.replace(".flac", ".labels.json"))) as file:
                sources_used.update(sources_of(json.load(file)))
        missing = [os.path.join(directory, a) for a in audio
                   if not os.path.exists(os.path.join(directory, "features", a.replace(".flac", ".npy")))]
        for start in range(0, len(missing), 64):
            subprocess.run([binary, "features", "--output", os.path.join(directory, "features")] + missing[start:start + 64],
                           check=True)
        outputs += [path for a in audio for path in
                    [os.path.join(directory, a)] + dataset.piece_files(directory, a[:-len(".flac")])]
        pieces += len(audio)
    corpus = scores.corpus_directory()
    manifest = {
        **build, "samplemind": binary, "music21_corpus": corpus,
        "sources": [{"path": p, "resolved_path": os.path.realpath(p), "sha256": sources.sha256(p),
                     **({"music21_corpus_path": os.path.relpath(p, corpus).replace(os.sep, "/")}
                        if os.path.realpath(p).startswith(os.path.realpath(corpus) + os.sep) else {})}
                    for p in sorted(sources_used)],
        "outputs": [{"path": p, "sha256": sources.sha256(p)} for p in outputs],
    }
    with open(os.path.join(args.out, "manifest.json"), "w") as file:
        json.dump(manifest, file, indent=1)
    sources.check_manifest(os.path.join(args.out, "manifest.json"), args.corpus)
    print(f"{args.out}: {pieces} pieces, {len(manifest['sources'])} source files, manifest clean")


if __name__ == "__main__":
    main()
