"""Turns a composed piece into audio: melodic parts through FluidSynth with an allowed soundfont,
drums from a Hydrogen kit's real samples (mixed here) or an AVL drum soundfont, then
augmentation: gain, EQ, noise, reverb, stereo width. numpy, scipy and soundfile.
"""

import os
import re
import subprocess
import tempfile
import xml.etree.ElementTree as ElementTree

import numpy as np
import soundfile
from scipy import signal

import midi

HYDROGEN_KITS = "/usr/share/hydrogen/data/drumkits"
SOUNDFONTS = "/usr/share/sounds/sf2"
# Hydrogen instrument names → the roles compose.py plays. Order matters: the first match wins.
ROLE_PATTERNS = [
    ("open_hat", r"open|opened|semi|swish|hat 1 op"),
    ("hat", r"closed|hh|hi-?hat|hat|maraca|shaker|tambourine|snaps"),
    ("kick", r"kick|bass ?drum|\bbd\b|thump|djembe1 bass|sangban1 head hit"),
    ("snare", r"snare|clap|rim|slap|djembe\d slap"),
    ("ride", r"ride|bell|cowbell|clave"),
    ("crash", r"crash|china|splash|cymbal"),
    ("tom", r"tom|bongo|conga|djembe\d tone|woodblock"),
]
# General MIDI drum notes for the AVL soundfonts.
GM_DRUM_NOTES = {"kick": 36, "snare": 38, "hat": 42, "open_hat": 46, "ride": 51, "crash": 49, "tom": 45}
# The AVL soundfonts hold one kit as bank 0, program 0; FluidSynth would look for it in bank 128 on
# the General MIDI drum channel (index 9) and play nothing, so their drums go on channel 0.
AVL_DRUM_CHANNEL = 0


def _namespace_free(tag):
    return tag.split("}")[-1]


class KitError(ValueError):
    """A drum kit that was selected but cannot play: it would render silence."""


class HydrogenKit:
    """A kit's instruments by role, each a list of velocity layers (min, max, path).

    Reads both drumkit.xml formats: the newer one, where each instrument holds `<layer>` entries
    (inside `<instrumentComponent>` or directly), and the older one (Hydrogen before 0.9.4, e.g.
    HardElectro1, Millo-Drums_v.1, rumpf_kit_z01_h2), where an instrument names its one sample in a
    `<filename>` of its own. Raises KitError when no instrument has both a sample file that exists
    and a name that maps to a role: such a kit would play nothing."""

    def __init__(self, directory):
        self.directory = directory
        self.name = os.path.basename(directory)
        root = ElementTree.parse(os.path.join(directory, "drumkit.xml")).getroot()
        self.roles = {}
        instruments, with_samples = 0, 0
        for instrument in root.iter():
            if _namespace_free(instrument.tag) != "instrument":
                continue
            instruments += 1
            fields = {_namespace_free(child.tag): child for child in instrument}
            name = (fields.get("name").text or "") if "name" in fields else ""
            layers = []
            for layer in instrument.iter():
                if _namespace_free(layer.tag) != "layer":
                    continue
                values = {_namespace_free(child.tag): (child.text or "") for child in layer}
                path = os.path.join(directory, values.get("filename", ""))
                if values.get("filename") and os.path.isfile(path):
                    layers.append((float(values.get("min", 0)), float(values.get("max", 1)), path))
            if not layers and "filename" in fields and (fields["filename"].text or "").strip():
                path = os.path.join(directory, fields["filename"].text.strip())  # the old format: one sample
                if os.path.isfile(path):
                    layers.append((0.0, 1.0, path))
            if not layers:
                continue
            with_samples += 1
            for role, pattern in ROLE_PATTERNS:
                if re.search(pattern, name.lower()):
                    self.roles.setdefault(role, []).append(layers)
                    break
        if not self.roles:
            raise KitError(f"{directory}: the drum kit yields no usable instrument ({instruments} instruments, "
                           f"{with_samples} with a sample file found, none named like a drum role of "
                           f"render.ROLE_PATTERNS); it would render silence. Teach HydrogenKit its format or role "
                           f"names, or leave it out of the split's kits (build_data.SPLITS)")

    def playable(self):
        """Whether the kit can play a groove: a kick with a snare or a hi-hat."""
        return {"kick", "snare"} <= set(self.roles) or {"kick", "hat"} <= set(self.roles)

    def sample_paths(self):
        return sorted({path for instruments in self.roles.values() for layers in instruments for _, _, path in layers})


def hydrogen_kits(names=None, excluded=()):
    """The kits named (all installed ones when `names` is None) less `excluded`. Raises KitError for a
    kit so selected that yields no instrument, or none that can play a groove, and for a named kit
    that is not installed: a split never silently loses a kit or renders silence."""
    installed = sorted(os.listdir(HYDROGEN_KITS))
    if names is not None:
        missing = sorted(set(names) - set(installed))
        if missing:
            raise KitError(f"drum kits {missing} are not installed in {HYDROGEN_KITS} (apt-get install hydrogen-drumkits)")
    kits = []
    for name in installed:
        if (names is not None and name not in names) or name in excluded:
            continue
        kit = HydrogenKit(os.path.join(HYDROGEN_KITS, name))
        if not kit.playable():
            raise KitError(f"{kit.directory}: the drum kit has no kick with a snare or hi-hat (roles found: "
                           f"{sorted(kit.roles)}), so its grooves would miss their backbone; fix its role names in "
                           f"render.ROLE_PATTERNS or leave it out of the split's kits (build_data.SPLITS)")
        kits.append(kit)
    if not kits:
        raise KitError(f"no drum kit selected (names {names}, excluding {list(excluded)}) in {HYDROGEN_KITS}")
    return kits


class SampleCache:
    def __init__(self, rate):
        self.rate, self.cache = rate, {}

    def get(self, path):
        if path not in self.cache:
            data, rate = soundfile.read(path, dtype="float32", always_2d=True)
            data = data[:, :2] if data.shape[1] >= 2 else np.repeat(data, 2, axis=1)
            if rate != self.rate:
                data = signal.resample_poly(data, self.rate, rate, axis=0).astype(np.float32)
            self.cache[path] = data[: self.rate * 4]
        return self.cache[path]


def mix_drums(hits, kit, rng, rate, length, cache):
    """Sums the kit's samples at each hit; one instrument per role chosen for the piece."""
    out = np.zeros((length, 2), np.float32)
    chosen = {role: instruments[int(rng.integers(len(instruments)))] for role, instruments in kit.roles.items()}
    for time, role, velocity in hits:
        layers = chosen.get(role)
        if layers is None:
            continue
        level = velocity / 127
        fitting = [path for low, high, path in layers if low <= level <= high] or [layers[-1][2]]
        sample = cache.get(fitting[int(rng.integers(len(fitting)))])
        start = int(round(time * rate))
        if start >= length or start < 0:
            continue
        end = min(length, start + len(sample))
        out[start:end] += sample[: end - start] * (level ** 1.5)
    return out


def fluidsynth(midi_path, soundfont, rate, wav_path, reverb, chorus, gain=0.5):
    """Renders `midi_path` with `soundfont` as 32-bit float (dense scores do not clip)."""
    subprocess.run(["fluidsynth", "-ni", "-q", "-g", str(gain), "-r", str(rate), "-R", "1" if reverb else "0",
                    "-C", "1" if chorus else "0", "-F", wav_path, "-T", "wav", "-O", "float", soundfont, midi_path],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
    data, _ = soundfile.read(wav_path, dtype="float32", always_2d=True)
    return data


def melodic_channel(index):
    """The MIDI channel of a piece's `index`-th melodic part: never 9, which FluidSynth reads from its
    percussion bank (a melodic part there would play drums); parts past the 15th share channels."""
    channel = index % 15
    return channel + 1 if channel >= 9 else channel


def render_parts(piece, soundfont, programs, rate, length, rng, drum_soundfont=None):
    """The melodic parts (and, with `drum_soundfont`, the drums) through FluidSynth, as two stems
    (music, drums); drums is all zeros without `drum_soundfont`. A part's program is
    programs[part["role"]]; when more than 15 parts share channels, the first part on a channel sets
    its program."""
    stems = [np.zeros((length, 2), np.float32), np.zeros((length, 2), np.float32)]
    with tempfile.TemporaryDirectory() as scratch:
        parts, channels = [], {}
        for index, part in enumerate(piece["parts"]):
            channel = melodic_channel(index)
            if channel in channels:
                channels[channel]["notes"] = channels[channel]["notes"] + list(part["notes"])
                continue
            channels[channel] = {"channel": channel, "program": programs[part["role"]],
                                 "volume": int(rng.integers(80, 120)), "notes": list(part["notes"])}
            parts.append(channels[channel])
        jobs = []
        if parts:
            # Many parts (a score's voices) at once would be much louder than the generated pieces' two
            # or three: the gain keeps their sum near the same level.
            jobs.append((0, parts, soundfont, 0.5 * min(1.0, np.sqrt(3 / len(parts)))))
        if drum_soundfont is not None and piece["drum_hits"]:
            drums = [{"channel": AVL_DRUM_CHANNEL, "program": 0, "volume": 110,
                      "notes": [(t, 0.2, GM_DRUM_NOTES[role], v) for t, role, v in piece["drum_hits"] if role in GM_DRUM_NOTES]}]
            jobs.append((1, drums, drum_soundfont, 0.5))
        for n, (stem, job_parts, font, gain) in enumerate(jobs):
            midi_path, wav_path = os.path.join(scratch, f"{n}.mid"), os.path.join(scratch, f"{n}.wav")
            midi.write(midi_path, job_parts)
            audio = fluidsynth(midi_path, font, rate, wav_path, reverb=rng.random() < 0.5, chorus=rng.random() < 0.3,
                               gain=gain)
            take = min(length, len(audio))
            stems[stem][:take] += audio[:take, :2] * (1.0 if stem == 0 else float(rng.uniform(0.7, 1.4)))
    return stems[0], stems[1]


def silent(audio, floor_dbfs=-60.0):
    """Whether `audio` never rises above `floor_dbfs` (peak)."""
    return not len(audio) or float(np.max(np.abs(audio))) < 10 ** (floor_dbfs / 20)


def pink_noise(rng, length):
    white = rng.standard_normal(length)
    spectrum = np.fft.rfft(white)
    spectrum /= np.sqrt(np.maximum(np.arange(len(spectrum)), 1))
    pink = np.fft.irfft(spectrum, length)
    return pink / (np.std(pink) + 1e-12)


QUIETEST_DBFS = -30.0  # music's quietest peak level in the data


def augment(audio, rng, rate, quietest_dbfs=QUIETEST_DBFS):
    """EQ, reverb, noise, width and level (a peak between `quietest_dbfs` and -0.5 dBFS); returns
    the audio and what was done."""
    done = {}
    if rng.random() < 0.6:
        low_cut = float(np.exp(rng.uniform(np.log(20), np.log(200))))
        high_cut = float(np.exp(rng.uniform(np.log(3000), np.log(min(18000, rate * 0.45)))))
        sos = signal.butter(2, [low_cut, high_cut], btype="bandpass", fs=rate, output="sos")
        audio = signal.sosfilt(sos, audio, axis=0).astype(np.float32)
        done["eq_hz"] = [round(low_cut), round(high_cut)]
    if rng.random() < 0.35:
        decay = float(rng.uniform(0.2, 1.6))
        n = int(decay * rate)
        envelope = np.exp(-6.9 * np.arange(n) / n)
        ir = rng.standard_normal((n, 2)) * envelope[:, None]
        ir[0] = 0
        wet = signal.fftconvolve(audio, ir, axes=0)[: len(audio)]
        wet *= np.std(audio) / (np.std(wet) + 1e-12)
        mix = float(rng.uniform(0.1, 0.45))
        audio = ((1 - mix) * audio + mix * wet).astype(np.float32)
        done["reverb"] = [round(decay, 2), round(mix, 2)]
    if rng.random() < 0.35:
        snr = float(rng.uniform(15, 45))
        noise = pink_noise(rng, len(audio)) if rng.random() < 0.5 else rng.standard_normal(len(audio))
        level = np.sqrt(np.mean(audio ** 2) + 1e-12) / (10 ** (snr / 20))
        audio = audio + (noise[:, None] * level).astype(np.float32)
        done["noise_snr_db"] = round(snr, 1)
    if rng.random() < 0.2:
        mid = audio.mean(axis=1, keepdims=True)
        audio = np.repeat(mid, 2, axis=1)
        done["mono"] = True
    peak = float(np.max(np.abs(audio)) + 1e-9)
    target = 10 ** (float(rng.uniform(quietest_dbfs, -0.5)) / 20)
    audio = audio * (target / peak)
    done["peak_dbfs"] = round(20 * np.log10(target), 1)
    return audio.astype(np.float32), done
