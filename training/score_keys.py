"""Key labels for the music21 score excerpts of a data set (scores.py), given only where the key is
certain: the excerpt ends the score (its closing bars, or a short piece looped and heard through
its last measure), and the score's last key signature, its final chord and that chord's bass
agree. Everywhere else the excerpt keeps no key; nothing is guessed.

The rule, at the score's last measure (the last measure of its first part, as scores.py counts):
- the final sonority is the last chord of the chordified last measure (rests ignored);
- it is in root position: its root's pitch class is its lowest note's (the bass);
- the bass is the tonic of the major key or of the relative minor named by the last key signature
  in force (all parts must agree); the mode is the one whose tonic it is, so a Picardy third in a
  minor piece still gives minor.
Refused by it: modal endings (a Dorian tune ending on its final, a mass movement closing on the
dominant), open or inverted endings, and files that stop mid-piece (an exposition in the dominant).

The decision is made once per score and cached beside the data (score-keys.json, keyed by corpus
path, tune number and the file's sha256).

    python training/score_keys.py --data DIR    # labelled pieces per split, refusals by reason

numpy and music21.
"""

import argparse
import collections
import glob
import json
import os
import warnings

import compose
import scores
import sources

RULE_VERSION = 1  # of what `_decide` caches: raise it when the rule changes
CACHE_NAME = "score-keys.json"
NOT_AT_END = "the excerpt neither ends the score nor plays it through its last measure"


def key_index(tonic, minor):
    """A key in MusicalKey's order (0…11 major, 12…23 minor), as labels.json's tonic and minor give it."""
    return tonic + (12 if minor else 0)


def _decide(path, number):
    """The score's key as a key index, or why it is not certain: {"key": index or None, "why": reason or None, ...}."""
    from music21 import chord, converter, harmony, key, stream
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        score = converter.parse(path, number=number) if number is not None else converter.parse(path)
    if isinstance(score, stream.Opus):  # as scores._parse: a file of several tunes gives its first
        score = score.scores[0]
    parts = list(score.parts) or [score]
    last = list(parts[0].getElementsByClass(stream.Measure))[-1]
    start, end = float(last.offset), float(last.offset + last.duration.quarterLength)
    # Chord symbols (a lead sheet's) and grace notes are not played in the excerpts (scores._parse).
    for element in list(score.recurse().getElementsByClass(harmony.Harmony)):
        element.activeSite.remove(element)
    for element in list(score.recurse().notes):
        if element.duration.isGrace:
            element.activeSite.remove(element)
    sonorities = [c for c in score.chordify().flatten().getElementsByClass(chord.Chord)
                  if start - 1e-6 <= float(c.offset) < end - 1e-6 and c.pitches]
    if not sonorities:
        return {"key": None, "why": "no notes in the score's last measure"}
    final = sonorities[-1]
    found = {"final": " ".join(p.nameWithOctave for p in final.pitches)}
    signatures = set()
    for part in parts:
        in_force = [(float(s.getOffsetInHierarchy(part)), s) for s in part.recurse().getElementsByClass(key.KeySignature)]
        in_force = [(offset, s) for offset, s in in_force if offset < end - 1e-6]
        if in_force:
            signatures.add(max(in_force, key=lambda pair: pair[0])[1].sharps)
    if not signatures or None in signatures:
        return {**found, "key": None, "why": "no key signature with sharps or flats in force at the end"}
    if len(signatures) > 1:
        return {**found, "key": None, "why": "the parts' last key signatures differ"}
    sharps = signatures.pop()
    found["sharps"] = sharps
    root, bass = final.root().pitchClass, final.bass().pitchClass
    if root != bass:
        return {**found, "key": None, "why": "the final chord is not in root position (root is not the bass)"}
    major_tonic = (7 * sharps) % 12  # each sharp moves the major tonic a fifth up, each flat a fifth down
    minor_tonic = (major_tonic + 9) % 12  # the relative minor
    if bass not in (major_tonic, minor_tonic):
        return {**found, "key": None, "why": "the final bass is not the key signature's major or minor tonic"}
    minor = bass == minor_tonic
    return {**found, "key": key_index(bass, minor), "name": compose.key_name(bass, minor), "why": None}


class Decisions:
    """The per-score decisions, read from and written back to DATA/score-keys.json."""

    def __init__(self, data):
        self.path = os.path.join(data, CACHE_NAME)
        self.version = {"rule": RULE_VERSION, "music21_version": scores.music21_version()}
        self.scores, self.changed = {}, False
        if os.path.exists(self.path):
            with open(self.path) as file:
                cached = json.load(file)
            if all(cached.get(k) == v for k, v in self.version.items()):
                self.scores = cached["scores"]

    def get(self, relative, number, digest):
        """The decision on one score (the file whose sha256 is `digest`), made now if it is not cached."""
        name = f"{relative}#{number}#{digest}"
        if name not in self.scores:
            path = os.path.join(scores.corpus_directory(), relative)
            try:
                decision = _decide(path, number)
            except Exception as error:  # music21 cannot read every file; such a score keeps no key
                decision = {"key": None, "why": f"music21 could not read it: {type(error).__name__}"}
            self.scores[name] = decision
            self.changed = True
        return self.scores[name]

    def save(self):
        if not self.changed:
            return
        scratch = f"{self.path}.{os.getpid()}.tmp"
        with open(scratch, "w") as file:
            json.dump({**self.version, "scores": self.scores}, file, indent=1, sort_keys=True)
            file.write("\n")
        os.replace(scratch, self.path)
        self.changed = False


def ends_score(excerpt, score):
    """Whether the excerpt stops on the score's last measure (`excerpt` is labels.json's "score",
    `score` what scores.extract gives).

    "loops" counts how often scores.excerpt wrapped from the score's last measure back to its
    first; it loops only a whole piece that is one run of measures, and the count includes a wrap
    taken just as the excerpt was long enough, after which nothing more is played. A looped excerpt
    that stops on the last measure has therefore played the whole piece through to the same final
    cadence (once more per extra loop), all of it the score's own music in its own key, so it is
    labelled like an unlooped one.

    The last measure itself is never heard: scores.excerpt takes a bar more than the audio reaches
    at the fastest tempo, so the sound stops one to two bars (plus the lead-in) before the final
    chord. The label rests on the excerpt being the score's closing bars, which lead to the cadence
    the rule checks."""
    return excerpt["measures"][1] == len(score["measures"]) - 1


def sounds_final_measure(labels, score):
    """Whether a looped excerpt plays its score's last measure: a whole short piece heard through
    its final cadence (and begun again). `labels` is the piece's labels.json, `score` what
    scores.extract gives; the audio reaches the end of its last labelled beat."""
    excerpt, measures = labels["score"], score["measures"]
    if excerpt["loops"] == 0 or not labels["beats"]:
        return False
    start = excerpt["measures"][0]
    beat = measures[start]["beat"]
    lead_in = (-measures[start]["phase"]) % beat
    heard = lead_in + len(labels["beats"]) * beat  # quarter notes from the excerpt's first measure
    before_last = sum(measures[j]["length"] for j in range(start, len(measures) - 1))
    return heard > before_last


def label(data, split, decisions):
    """(piece name, key index or None, reason or None) for the split's score excerpts."""
    cache = os.path.join(data, "score-cache")
    out = []
    for labels_path in sorted(glob.glob(os.path.join(data, split, "*.labels.json"))):
        with open(labels_path) as file:
            labels = json.load(file)
        if labels.get("kind") != "score":
            continue
        name = os.path.basename(labels_path)[: -len(".labels.json")]
        excerpt = labels["score"]
        relative, number = excerpt["path"], excerpt["number"]
        digest = sources.sha256(os.path.join(scores.corpus_directory(), relative))
        if digest != excerpt["sha256"]:
            out.append((name, None, "the corpus file differs from the one the piece was made from"))
            continue
        score = scores.extract(relative, number, cache)
        if not (ends_score(excerpt, score) or sounds_final_measure(labels, score)):
            out.append((name, None, NOT_AT_END))
            continue
        decision = decisions.get(relative, number, digest)
        out.append((name, decision["key"], decision["why"]))
    return out


def keys(data, split):
    """piece name → key index for the split's score excerpts whose key is certain."""
    decisions = Decisions(data)
    found = {name: key for name, key, _ in label(data, split, decisions) if key is not None}
    decisions.save()
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True, help="the data set (train/ and valid/ with <piece>.labels.json)")
    parser.add_argument("--splits", nargs="+", default=["train", "valid"])
    args = parser.parse_args()
    decisions = Decisions(args.data)
    for split in args.splits:
        found = label(args.data, split, decisions)
        labelled = [(name, key) for name, key, _ in found if key is not None]
        print(f"{split}: labelled {len(labelled)} of {len(found)} score pieces")
        for name, key in labelled:
            print(f"  {name}: {compose.key_name(key % 12, key >= 12)}")
        for why, count in collections.Counter(why for _, key, why in found if key is None).most_common():
            print(f"  refused {count}: {why}")
    decisions.save()
    print(f"decisions on {len(decisions.scores)} scores cached in {decisions.path}")


if __name__ == "__main__":
    main()
