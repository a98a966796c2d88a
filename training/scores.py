"""Pieces from scores in music21's bundled corpus: real composers' harmony, voice leading, rhythm
and (with legato instruments) articulation, where the generated pieces of compose.py are
formulaic. The labels come from the score: beats are the time signature's beats, downbeats the
starts of measures (a pickup measure starts part-way through its bar), onsets the starts of notes
(tied notes start once; repeated notes start each time). Only 3/4, 4/4, 3/2 and 4/2 are used: the
decoder models bars of 3 and 4 beats, and compound or two-beat metres (6/8, 2/4, 2/2) would need
beat labels it cannot count.

Selection: scores are drawn by group (classical, polyphony, folk), then by collection, then by
piece, from collections of their own for training and held-out ones for validation and test
(split by file: no score file is in two splits). The evaluation corpus's scores (sources.py
EXCLUDED_MUSIC21_*) are never listed. A score is parsed once per data set; what a piece needs from it
(measures, time signatures, notes) is cached as JSON beside the data.

numpy and music21.
"""

import functools
import hashlib
import json
import os
import re
import warnings

import numpy as np

import sources

PARSER_VERSION = 1  # of what `extract` caches: raise it when _parse changes
SCORE_SHARE = 0.375  # of the music pieces (noise pieces aside)
DRUM_SHARE = 0.25  # of the score pieces that get a drum groove under them
# Corpus collections (top directories of music21/corpus) by group. Training uses its own; validation
# and test use the held-out ones, whose files are divided between them (every third to test).
TRAIN_COLLECTIONS = {
    "classical": ["beethoven", "mozart", "cpebach", "chopin", "weber", "beach", "leadSheet", "liliuokalani"],
    "polyphony": ["palestrina", "trecento", "lusitano", "luca"],
    "folk": ["ryansMammoth", "oneills1850", "essenFolksong", "miscFolk", "nottingham-dataset"],
}
HELD_OUT_COLLECTIONS = {
    "classical": ["haydn", "schumann_robert", "schumann_clara", "handel", "corelli"],
    "polyphony": ["monteverdi"],
    "folk": ["airdsAirs"],
}
GROUP_WEIGHTS = {"classical": 0.45, "polyphony": 0.25, "folk": 0.30}
# Formats music21 reads, best first: where one piece is stored in several, the first is used.
FORMATS = (".mxl", ".musicxml", ".xml", ".krn", ".abc")
# Time signatures used (numerator, denominator): bars of 3 or 4 beats of a quarter or half note.
METRES = {(3, 4), (4, 4), (3, 2), (4, 2)}
# Ensembles a piece is voiced with (General MIDI programs, bank 0). "ranked" lists go from the highest
# part to the lowest; "any" lists are drawn from for every part. Legato ones (organ, bowed strings,
# choir, winds, brass) are most of them: those are where onsets are hard to hear.
ENSEMBLES = {
    "keyboard": {"weight": 0.20, "any": [0, 0, 1, 2, 4, 6], "legato": (0.85, 1.0), "same": True},
    "organ": {"weight": 0.16, "any": [19, 19, 19, 20, 16, 21], "legato": (0.96, 1.0), "same": True},
    "strings": {"weight": 0.20, "ranked": [40, 40, 41, 42, 43], "any": [48, 48, 49, 110], "legato": (0.92, 1.0)},
    "choir": {"weight": 0.10, "any": [52, 52, 53, 54], "legato": (0.95, 1.0), "same": True},
    "winds": {"weight": 0.10, "ranked": [72, 73, 68, 71, 69, 70], "any": [73, 71, 68, 74, 70, 69], "legato": (0.9, 1.0)},
    "brass": {"weight": 0.06, "ranked": [56, 60, 61, 57, 58], "any": [56, 57, 60, 61, 58], "legato": (0.88, 1.0)},
    "plucked": {"weight": 0.08, "any": [24, 25, 46, 45, 105, 104], "legato": (0.85, 1.0)},
    "mixed": {"weight": 0.10, "any": [0, 6, 19, 20, 40, 41, 42, 48, 52, 68, 71, 73, 56, 60, 57, 24, 46], "legato": (0.88, 1.0)},
}
LEGATO_ENSEMBLES = ("organ", "strings", "choir", "winds", "brass")


def corpus_directory():
    from music21 import corpus
    return os.path.dirname(os.path.abspath(corpus.__file__))


def music21_version():
    import music21
    return music21.__version__


def _stem(relative):
    return os.path.splitext(relative)[0]


@functools.lru_cache(maxsize=None)
def _files(collection):
    """The collection's score files (relative to the corpus), one per piece, excluded ones never."""
    root = corpus_directory()
    found = {}
    for directory, _, names in os.walk(os.path.join(root, collection)):
        for name in names:
            relative = os.path.relpath(os.path.join(directory, name), root).replace(os.sep, "/")
            extension = os.path.splitext(name)[1].lower()
            if extension not in FORMATS or sources.is_excluded_music21(relative):
                continue
            stem = _stem(relative)
            if stem not in found or FORMATS.index(extension) < FORMATS.index(os.path.splitext(found[stem])[1].lower()):
                found[stem] = relative
    return sorted(found.values())


@functools.lru_cache(maxsize=None)
def _tune_numbers(relative):
    """The tune numbers (ABC X: fields) of a file holding several tunes, or [None] for one piece."""
    if not relative.lower().endswith(".abc"):
        return [None]
    with open(os.path.join(corpus_directory(), relative), encoding="latin-1") as file:
        numbers = [int(n) for n in re.findall(r"^X:\s*(\d+)", file.read(), re.M)]
    return sorted(set(numbers)) if len(numbers) > 1 else [None]


@functools.lru_cache(maxsize=None)
def pool(split):
    """group → collection → [(relative path, tune number or None)] for `split`."""
    out = {}
    for group, collections in (TRAIN_COLLECTIONS if split == "train" else HELD_OUT_COLLECTIONS).items():
        out[group] = {}
        for collection in collections:
            files = _files(collection)
            if split != "train":  # held-out files: every third to test, the rest to validation
                files = [f for i, f in enumerate(files) if (i % 3 == 2) == (split == "test")]
            items = [(f, n) for f in files for n in _tune_numbers(f)]
            if items:
                out[group][collection] = items
    return out


def _cache_path(cache, relative, number):
    key = hashlib.sha1(f"{relative}#{number}".encode()).hexdigest()[:16]
    return os.path.join(cache, f"{re.sub(r'[^A-Za-z0-9]+', '_', _stem(relative))[-60:]}-{number or 0}-{key}.json")


def extract(relative, number, cache):
    """What a piece needs from a score, parsed once and cached: its measures (offset, length, bar
    length, beat length, beats per bar, where in its bar it starts), the runs of measures that are
    usable (an allowed metre, one after another without a gap in the bar), and every part's notes
    (offset and length in quarter notes, MIDI pitches)."""
    if sources.is_excluded_music21(relative):
        raise ValueError(f"{relative}: an excluded music21 score (sources.py); the evaluation corpus was made from it")
    path = os.path.join(corpus_directory(), relative)
    digest = sources.sha256(path)
    cached = _cache_path(cache, relative, number)
    if os.path.exists(cached):
        with open(cached) as file:
            found = json.load(file)
        if found.get("sha256") == digest and found.get("parser") == PARSER_VERSION:
            return found
    try:
        found = _parse(path, number)
    except Exception as error:  # music21 cannot read every file in its corpus; such a score is just not used
        found = {"runs": [], "why": f"music21 could not read it: {type(error).__name__}: {error}"[:300]}
    found.update({"path": relative, "number": number, "sha256": digest, "music21_version": music21_version(),
                  "parser": PARSER_VERSION})
    os.makedirs(cache, exist_ok=True)
    with open(cached + f".{os.getpid()}.tmp", "w") as file:
        json.dump(found, file)
    os.replace(cached + f".{os.getpid()}.tmp", cached)
    return found


def _parse(path, number):
    from music21 import chord, converter, harmony, note, stream
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        score = converter.parse(path, number=number) if number is not None else converter.parse(path)
    if isinstance(score, stream.Opus):
        score = score.scores[0]
    parts = list(score.parts) or [score]
    measures = list(parts[0].getElementsByClass(stream.Measure))
    if len(measures) < 2:
        return {"runs": [], "why": "fewer than two measures"}
    rows, signature = [], None
    for i, m in enumerate(measures):
        if m.timeSignature is not None:
            signature = m.timeSignature
        length = float(m.duration.quarterLength)
        if signature is None:
            rows.append(None)
            continue
        bar, beat = float(signature.barDuration.quarterLength), 4.0 / signature.denominator
        padding = float(m.paddingLeft or 0)
        rows.append({"offset": float(m.offset), "length": length, "bar": bar, "beat": beat,
                     "beats": int(signature.numerator), "unit": int(signature.denominator),
                     "metre": f"{signature.numerator}/{signature.denominator}", "padding": padding})
    # Where in its bar each measure starts: 0 for a full bar; a pickup starts `padding` in (as
    # notated, or for a short first measure, or for a short measure that completes a short one before).
    runs, current = [], None
    for i, row in enumerate(rows):
        previous = rows[i - 1] if i > 0 else None
        usable = (row is not None and (row["beats"], row["unit"]) in METRES and 0 < row["length"] <= row["bar"] + 1e-6)
        if not usable:
            if row is not None:
                row["phase"] = None
            current = None
            continue
        same = (previous is not None and previous.get("phase") is not None and previous["metre"] == row["metre"]
                and abs(previous["offset"] + previous["length"] - row["offset"]) < 1e-6)
        expected = (previous["phase"] + previous["length"]) % row["bar"] if same else 0.0
        if row["padding"] > 0:
            phase = row["padding"]
        elif (i == 0 or not same) and row["length"] < row["bar"] - 1e-6:
            phase = row["bar"] - row["length"]
        elif same and expected > 1e-6 and abs(expected + row["length"] - row["bar"]) < 1e-6:
            phase = expected
        else:
            phase = 0.0
        row["phase"] = phase
        continuous = same and abs(phase - expected) < 1e-6 and phase + row["length"] <= row["bar"] + 1e-6
        if continuous and current is not None:
            current[1] = i
        else:
            current = [i, i]
            runs.append(current)
    runs = [r for r in runs if r[1] > r[0]]
    if not runs:
        return {"runs": [], "why": f"no two successive measures in {sorted('%d/%d' % m for m in METRES)}"}
    notes = []
    for part in parts:
        played = []
        for element in part.stripTies().flatten().notes:
            if element.duration.isGrace or element.quarterLength <= 0 or isinstance(element, harmony.Harmony):
                continue  # grace notes, and chord symbols (a lead sheet's, which nobody plays as written)
            if isinstance(element, note.Note):
                pitches = [element.pitch.midi]
            elif isinstance(element, chord.Chord):
                pitches = sorted({p.midi for p in element.pitches})
            else:
                continue  # unpitched percussion
            played.append([float(element.offset), float(element.quarterLength), pitches])
        if played:
            notes.append(sorted(played))
    if not notes:
        return {"runs": [], "why": "no pitched notes"}
    title = score.metadata.title if score.metadata is not None else None
    return {"measures": rows, "runs": runs, "parts": notes, "title": title}


def _tempo(rng, seconds):
    """A tempo for the beat unit, 50–180 BPM log-uniform: steady (70 %), one step (18 %) or a drift
    (12 %), as compose.grid. Returns a function from beat count (from the excerpt's start) to seconds."""
    start_bpm = float(np.exp(rng.uniform(np.log(50), np.log(180))))
    kind = str(rng.choice(["steady", "step", "drift"], p=[0.70, 0.18, 0.12]))
    ratio = 1.0
    if kind != "steady":
        while abs(ratio - 1) < 0.08:
            ratio = float(np.exp(rng.uniform(np.log(0.78), np.log(1.28))))
    change_at = float(rng.uniform(0.35, 0.65) * seconds)
    lead = float(rng.uniform(0.2, 1.0))
    times, t, bpm = [], lead, start_bpm
    while t < seconds + 4:
        times.append(t)
        if kind == "step" and t >= change_at:
            bpm = start_bpm * ratio
        elif kind == "drift":
            bpm = start_bpm * ratio ** min(1.0, max(0.0, (t - change_at) / 8))
        t += 60 / bpm
    times = np.array(times)

    def at(count):
        count = np.asarray(count, np.float64)
        whole = np.clip(np.floor(count).astype(int), 0, len(times) - 2)
        return times[whole] + (count - whole) * (times[whole + 1] - times[whole])

    return at, {"kind": kind, "start_bpm": start_bpm, "end_bpm": float(bpm),
                "change_at_s": change_at if kind != "steady" else None}, ratio


def _programs(rng, parts):
    """An ensemble and a program for every part (by register where the ensemble ranks its instruments)."""
    names = list(ENSEMBLES)
    weights = np.array([ENSEMBLES[n]["weight"] for n in names])
    ensemble = names[int(rng.choice(len(names), p=weights / weights.sum()))]
    spec = ENSEMBLES[ensemble]
    heights = [float(np.median([p for _, _, pitches in notes for p in pitches])) for notes in parts]
    if spec.get("same") or (len(parts) > 1 and rng.random() < 0.15):
        one = int(rng.choice(spec["any"]))
        programs = [one] * len(parts)
    elif "ranked" in spec and len(parts) > 1 and rng.random() < 0.6:
        ranks = np.argsort(np.argsort(-np.array(heights)))
        ranked = spec["ranked"]
        programs = [ranked[int(round(r / (len(parts) - 1) * (len(ranked) - 1)))] for r in ranks]
    else:
        programs = [int(rng.choice(spec["any"])) for _ in parts]
    return ensemble, programs, spec["legato"]


def excerpt(score, rng, seconds):
    """One excerpt of `score` (from `extract`) as a piece, or None when no excerpt of `seconds` fits
    at the tempo drawn. The piece has the fields compose.compose returns (drums none), plus
    "score" (where it came from) and "programs" (role → General MIDI program)."""
    measures, runs = score["measures"], score["runs"]
    at, tempo, ratio = _tempo(rng, seconds)
    whole_piece = len(runs) == 1 and runs[0] == [0, len(measures) - 1]
    lengths = np.array([m["length"] if m is not None else 0.0 for m in measures])
    ends = np.cumsum(lengths)  # quarter notes from the score's first measure to each measure's end
    choices = []
    for a, b in runs:
        # Enough quarter notes for `seconds` at the fastest the tempo gets, with a bar to spare.
        needed = (seconds * tempo["start_bpm"] * max(1.0, ratio) / 60 + measures[a]["beats"]) * measures[a]["beat"]
        loops = whole_piece and abs((measures[b]["phase"] + measures[b]["length"]) % measures[b]["bar"]
                                    - measures[a]["phase"]) < 1e-6 and ends[b] - ends[a] + lengths[a] >= 2 * measures[a]["bar"]
        for start in range(a, b + 1):
            if loops or ends[b] - ends[start] + lengths[start] >= needed:
                choices.append((a, b, start, loops, needed))
    if not choices:
        return None
    a, b, start, loops, needed = choices[int(rng.integers(len(choices)))]
    sequence, filled, i, played = [], 0.0, start, 0
    while filled < needed:
        sequence.append((i, filled))
        filled += measures[i]["length"]
        i += 1
        if i > b:
            if not loops:
                break
            i, played = a, played + 1
    row = measures[start]
    beat, bar, phase0 = row["beat"], row["bar"], row["phase"]

    def time(x):  # quarter notes from the excerpt's start → seconds
        return at(np.asarray(x) / beat)

    # Beats: every beat of the bar from the start; downbeats where a bar begins.
    first_beat = (-phase0) % beat
    xs = np.arange(first_beat, filled + 1e-9, beat)
    beat_times = time(xs)
    positions = (np.round(((phase0 + xs) % bar) / beat).astype(int) % row["beats"]) + 1
    keep = beat_times < seconds
    beat_times, positions = beat_times[keep], positions[keep]
    ensemble, programs, legato_range = _programs(rng, score["parts"])
    spread = float(rng.uniform(0, 0.012))
    parts, onsets = [], []
    for number, notes in enumerate(score["parts"]):
        starts = np.array([n[0] for n in notes])
        base = float(rng.uniform(62, 100))
        legato = float(rng.uniform(*legato_range))
        played_notes = []
        for index, offset in sequence:
            m = measures[index]
            lo, hi = np.searchsorted(starts, [m["offset"] - 1e-9, m["offset"] + m["length"] - 1e-9])
            for onset_ql, length_ql, pitches in notes[lo:hi]:
                x = offset + onset_ql - m["offset"]
                begin = float(time(x)) + (rng.normal(0, spread) if spread > 0 else 0.0)
                if begin >= seconds or begin < 0:
                    continue
                end = float(time(x + length_ql))
                where = ((phase0 + x) % bar) / beat
                accent = 10 if abs(where) < 1e-6 else (4 if abs(where - round(where)) < 1e-6 else 0)
                velocity = int(np.clip(base + accent + rng.normal(0, 6), 30, 127))
                for pitch in pitches:
                    played_notes.append([begin, max(0.03, (end - begin) * legato), pitch, velocity])
        # One note per pitch and start (a unison of two voices in one part is one key on one channel),
        # and a repeated pitch ends before it starts again (FluidSynth's note-off would cut the new note).
        longest = {}
        for begin, length, pitch, velocity in played_notes:
            if (begin, pitch) not in longest or length > longest[(begin, pitch)][1]:
                longest[(begin, pitch)] = [begin, length, pitch, velocity]
        played_notes = sorted(longest.values())
        last_start = {}
        for k in range(len(played_notes) - 1, -1, -1):
            begin, length, pitch, velocity = played_notes[k]
            following = last_start.get(pitch)
            if following is not None and begin + length > following - 0.005:
                played_notes[k][1] = max(0.02, following - 0.005 - begin)
            last_start[pitch] = begin
        played_notes = [(b_, min(l_, seconds + 1 - b_), p_, v_) for b_, l_, p_, v_ in played_notes]
        if played_notes:
            parts.append({"role": f"part{number}", "notes": played_notes})
            onsets += [n[0] for n in played_notes]
    if not parts or len(beat_times) < 4:
        return None
    return {
        "meter": row["beats"], "tonic": None, "minor": None, "key": None,
        "beats": beat_times.tolist(), "positions": positions.tolist(),
        "downbeats": beat_times[positions == 1].tolist(), "onsets": merge(sorted(onsets)), "tempo": tempo,
        "parts": parts, "drum_hits": [], "seconds": seconds,
        "styles": {"ensemble": ensemble, "legato": ensemble in LEGATO_ENSEMBLES},
        "programs": {part["role"]: programs[int(part["role"][4:])] for part in parts},
        "score": {"path": score["path"], "number": score["number"], "title": score.get("title"),
                  "collection": score["path"].split("/")[0], "sha256": score["sha256"],
                  "metre": row["metre"], "measures": [sequence[0][0], sequence[-1][0]], "loops": played},
    }


def merge(times, within=0.03):
    """Onsets closer than `within` count once (as compose._merge)."""
    merged = []
    for t in times:
        if not merged or t - merged[-1] > within:
            merged.append(float(t))
    return merged


def piece(rng, split, seconds, cache, tries=200):
    """A score excerpt for `split`, drawn by group, collection and piece; scores without a usable
    excerpt at the drawn tempo are passed over (deterministically: the same rng gives the same piece)."""
    groups = pool(split)
    names = [g for g in GROUP_WEIGHTS if groups.get(g)]
    weights = np.array([GROUP_WEIGHTS[g] for g in names])
    # The group is drawn once, so a group whose scores are often in metres not used (folk tunes in
    # 6/8 or 2/4) keeps its share; collection and piece are drawn again until one fits.
    group = names[int(rng.choice(len(names), p=weights / weights.sum()))]
    collections = sorted(groups[group])
    sizes = np.sqrt([len(groups[group][c]) for c in collections])
    reasons = []
    for _ in range(tries):
        collection = collections[int(rng.choice(len(collections), p=sizes / sizes.sum()))]
        items = groups[group][collection]
        relative, number = items[int(rng.integers(len(items)))]
        score = extract(relative, number, cache)
        if not score["runs"]:
            reasons.append(f"{relative}#{number}: {score.get('why')}")
            continue
        made = excerpt(score, rng, seconds)
        if made is not None:
            made["score"]["group"] = group
            return made
        reasons.append(f"{relative}#{number}: too short at the tempo drawn")
    raise RuntimeError(f"no usable score excerpt for {split} in {tries} tries: " + "; ".join(reasons[-5:]))
