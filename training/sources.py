"""What the training data may be made from, and the check that enforces it.

The data builder records every file it reads (soundfonts, drum samples, scores) and every file it
writes in a manifest with its sha256. `check_manifest` refuses a manifest that names anything the
accuracy issue excludes: the evaluation corpus, the FluidR3 soundfonts and MuseScore General
(derived from FluidR3; the corpus's rendered group was made with FluidR3), and the music21 scores
listed below. It compares resolved paths (so a symlink such as default-GM.sf2 → FluidR3_GM.sf2 is
caught) and contents (so a renamed copy of an excluded soundfont or of a corpus file is caught), and
accepts a soundfont only when its sha256 is one pinned in ALLOWED_SOUNDFONTS (a name proves nothing).
Scores are refused by their path under music21/corpus/, by the corpus path the manifest records for
them (music21_corpus_path), and, when the manifest names the music21 corpus it used (music21_corpus),
by contents: a renamed copy of an excluded score is caught too.

Standard library only: the test suite runs this check with the system's python3.
"""

import hashlib
import json
import os
import sys

# Soundfonts whose names or packages mark them as FluidR3 or derived from it.
# ("fluidr3" also covers FluidR3Mono.)
EXCLUDED_SOUNDFONT_MARKERS = ("fluidr3", "fluid-soundfont", "musescore_general", "musescore-general",
                              "musescoregeneral")
# Directories searched, subdirectories included, for installed copies of excluded soundfonts, whose
# contents are then refused under any name.
EXCLUDED_SOUNDFONT_DIRECTORIES = ("/usr/share/sounds/sf2", "/usr/share/sounds/sf3", "/usr/share/soundfonts",
                                  "/usr/share/mscore-3.0/sound", "/usr/share/musescore/sound",
                                  "/usr/share/hydrogen/data/drumkits", "/usr/lib/lv2")
# music21 corpus paths (relative to music21/corpus, compared lower-cased) that must never be used:
# the evaluation corpus's rendered group was made from them.
EXCLUDED_MUSIC21_PREFIXES = ("bach/", "joplin/maple_leaf_rag", "schubert/lindenbaum", "mozart/k155/")
EXCLUDED_MUSIC21_SUBSTRINGS = ("chorale",)
# The only soundfonts the data may be rendered with: path as installed by its Debian package → sha256.
# A soundfont of any other contents is refused, whatever its name. To allow a new one, check its
# licence and that it is not derived from FluidR3, then add its path and `sha256sum` here.
ALLOWED_SOUNDFONTS = {
    "/usr/share/sounds/sf2/TimGM6mb.sf2": "c5378b62028c920cb11e4803327983fee2f2cdff5dc89c708e39da417e51c854",  # timgm6mb-soundfont
    "/usr/share/sounds/sf2/sf_GMbank.sf2": "9f39fc53bd3a1a69f13cb486838944eded358b3b6e8afbd6c1c2c33675b2034b",  # csound-soundfont
    "/usr/share/sounds/sf2/OPL-3_FM_128M.sf2": "39bff96eee3dcfbce9665e3968701b894ca2136c7d0bd580281b2bbf59e80392",  # opl3-soundfont
    "/usr/share/sounds/sf2/Black_Pearl_4_LV2.sf2": "3bc27deb1b9d6a919c7cfc4ba5fc5c077ac7899fc21becbbb234749ffc523d13",  # avldrums.lv2-soundfont
    "/usr/share/sounds/sf2/Red_Zeppelin_4_LV2.sf2": "e8710b899ece8f83b109d0e2f6a89b007b864c8c088ca3ad3cd6e47bd8e629cc",  # avldrums.lv2-soundfont
}


def sha256(path, chunk=1 << 20):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while block := file.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def _is_excluded_soundfont_name(path):
    lowered = path.lower()
    return any(marker in lowered for marker in EXCLUDED_SOUNDFONT_MARKERS)


def _music21_relative(path):
    """The part of `path` after music21/corpus/, lower-cased, or None."""
    lowered = path.replace("\\", "/").lower()
    marker = "music21/corpus/"
    index = lowered.find(marker)
    return lowered[index + len(marker):] if index >= 0 else None


def is_excluded_music21(relative):
    """Whether a music21 corpus path (relative to music21/corpus, e.g. "bach/bwv1.6.mxl") is one the
    data may never use."""
    relative = relative.replace("\\", "/").lower().lstrip("/")
    return relative.startswith(EXCLUDED_MUSIC21_PREFIXES) or any(s in relative for s in EXCLUDED_MUSIC21_SUBSTRINGS)


def excluded_digests(corpus_directory, music21_corpus=None):
    """sha256 → why, for every excluded file installed here: soundfonts whose resolved name marks
    them as FluidR3-derived, every file of the evaluation corpus, and (given the music21 corpus
    directory) every excluded music21 score."""
    digests = {}
    if music21_corpus and os.path.isdir(music21_corpus):
        for root, _, files in os.walk(music21_corpus):
            for name in sorted(files):
                path = os.path.join(root, name)
                relative = os.path.relpath(path, music21_corpus)
                if os.path.isfile(path) and is_excluded_music21(relative):
                    digests[sha256(path)] = f"the excluded music21 score {relative}"
    for directory in EXCLUDED_SOUNDFONT_DIRECTORIES:
        for root, _, files in os.walk(directory):
            for name in sorted(files):
                path = os.path.join(root, name)
                if os.path.isfile(path) and _is_excluded_soundfont_name(os.path.realpath(path)):
                    digests[sha256(path)] = f"the excluded soundfont {os.path.realpath(path)}"
    if corpus_directory and os.path.isdir(corpus_directory):
        for root, _, files in os.walk(corpus_directory):
            for name in sorted(files):
                path = os.path.join(root, name)
                digests[sha256(path)] = f"the evaluation corpus file {path}"
    return digests


def problems(manifest, corpus_directory, digests=None):
    """Every reason `manifest` must be refused, as sentences; empty when it is clean."""
    if digests is None:
        digests = excluded_digests(corpus_directory, manifest.get("music21_corpus"))
    corpus = os.path.realpath(corpus_directory) + os.sep if corpus_directory else None
    found = []
    entries = manifest.get("sources", []) + manifest.get("outputs", [])
    if not manifest.get("sources"):
        found.append("the manifest lists no source files; it cannot show what the data was made from")
    for entry in entries:
        path, digest = entry.get("path", ""), entry.get("sha256", "")
        resolved = entry.get("resolved_path") or path
        if entry.get("music21_corpus_path") and is_excluded_music21(entry["music21_corpus_path"]):
            found.append(f"{path}: an excluded music21 score ({entry['music21_corpus_path']})")
        for candidate in {path, resolved}:
            if _is_excluded_soundfont_name(candidate):
                found.append(f"{path}: a FluidR3 or MuseScore General soundfont (excluded: the corpus was rendered with FluidR3)")
            relative = _music21_relative(candidate)
            if relative is not None and is_excluded_music21(relative):
                found.append(f"{path}: an excluded music21 score")
            if corpus and os.path.realpath(candidate).startswith(corpus):
                found.append(f"{path}: a file of the evaluation corpus")
        if digest in digests:
            found.append(f"{path}: its contents are those of {digests[digest]}")
        if path.lower().endswith((".sf2", ".sf3")) and digest not in ALLOWED_SOUNDFONTS.values():
            found.append(f"{path}: a soundfont not on the allowed list (sha256 {digest or 'missing'} is none of those "
                         f"pinned in training/sources.py ALLOWED_SOUNDFONTS); render with one of "
                         f"{', '.join(sorted(os.path.basename(p) for p in ALLOWED_SOUNDFONTS))} as installed, or pin a "
                         f"new soundfont there once its licence and origin are checked")
    return sorted(set(found))


def check_manifest(path, corpus_directory):
    """Exits with a message naming every excluded file when the manifest at `path` is not clean."""
    with open(path, encoding="utf-8") as file:
        manifest = json.load(file)
    found = problems(manifest, corpus_directory)
    if found:
        print(f"{path}: refused, the training data would include excluded material:", file=sys.stderr)
        for line in found:
            print(f"  {line}", file=sys.stderr)
        print("Rebuild the data without these files (training/build_data.py never picks them itself).", file=sys.stderr)
        sys.exit(3)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print("usage: sources.py MANIFEST CORPUS_DIRECTORY", file=sys.stderr)
        sys.exit(2)
    check_manifest(sys.argv[1], sys.argv[2])
    print(f"{sys.argv[1]}: clean")
