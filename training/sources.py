"""What the training data may be made from, and the check that enforces it.

The data builder records every file it reads (soundfonts, drum samples, scores) and every file it
writes in a manifest with its sha256. `check_manifest` refuses a manifest that names anything the
accuracy issue excludes: the evaluation corpus, the FluidR3 soundfonts and MuseScore General
(derived from FluidR3; the corpus's rendered group was made with FluidR3), and the music21 scores
listed below. It compares resolved paths (so a symlink such as default-GM.sf2 → FluidR3_GM.sf2 is
caught) and contents (so a renamed copy of an excluded soundfont or of a corpus file is caught).

Standard library only: the test suite runs this check with the system's python3.
"""

import hashlib
import json
import os
import sys

# Soundfonts whose names or packages mark them as FluidR3 or derived from it.
EXCLUDED_SOUNDFONT_MARKERS = ("fluidr3", "fluid-soundfont", "fluidr3mono", "musescore_general",
                              "musescore-general", "musescoregeneral")
# Installed copies of excluded soundfonts whose contents are compared (any name).
EXCLUDED_SOUNDFONT_DIRECTORIES = ("/usr/share/sounds/sf2", "/usr/share/sounds/sf3", "/usr/share/soundfonts",
                                  "/usr/share/mscore-3.0/sound", "/usr/share/musescore/sound")
# music21 corpus paths (relative to music21/corpus) that must never be used.
EXCLUDED_MUSIC21_PREFIXES = ("bach/", "joplin/maple_leaf_rag", "schubert/lindenbaum", "mozart/k155/")
EXCLUDED_MUSIC21_SUBSTRINGS = ("chorale",)
ALLOWED_SOUNDFONTS = ("TimGM6mb.sf2", "sf_GMbank.sf2", "OPL-3_FM_128M.sf2",
                      "Black_Pearl_4_LV2.sf2", "Red_Zeppelin_4_LV2.sf2")


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


def excluded_digests(corpus_directory):
    """sha256 → why, for every excluded file installed here: soundfonts whose resolved name marks
    them as FluidR3-derived, and every file of the evaluation corpus."""
    digests = {}
    for directory in EXCLUDED_SOUNDFONT_DIRECTORIES:
        if not os.path.isdir(directory):
            continue
        for name in sorted(os.listdir(directory)):
            path = os.path.join(directory, name)
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
        digests = excluded_digests(corpus_directory)
    corpus = os.path.realpath(corpus_directory) + os.sep if corpus_directory else None
    found = []
    entries = manifest.get("sources", []) + manifest.get("outputs", [])
    if not manifest.get("sources"):
        found.append("the manifest lists no source files; it cannot show what the data was made from")
    for entry in entries:
        path, digest = entry.get("path", ""), entry.get("sha256", "")
        resolved = entry.get("resolved_path") or path
        for candidate in {path, resolved}:
            if _is_excluded_soundfont_name(candidate):
                found.append(f"{path}: a FluidR3 or MuseScore General soundfont (excluded: the corpus was rendered with FluidR3)")
            relative = _music21_relative(candidate)
            if relative is not None and (relative.startswith(EXCLUDED_MUSIC21_PREFIXES)
                                         or any(s in relative for s in EXCLUDED_MUSIC21_SUBSTRINGS)):
                found.append(f"{path}: an excluded music21 score")
            if corpus and os.path.realpath(candidate).startswith(corpus):
                found.append(f"{path}: a file of the evaluation corpus")
        if digest in digests:
            found.append(f"{path}: its contents are those of {digests[digest]}")
        if path.lower().endswith((".sf2", ".sf3")) and os.path.basename(resolved) not in ALLOWED_SOUNDFONTS:
            found.append(f"{path}: a soundfont not on the allowed list ({', '.join(ALLOWED_SOUNDFONTS)})")
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
