// Names and colours for the musical things the dashboard shows.

export const PITCH_CLASSES = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"];

/** Major keys around the circle of fifths, from C at the top, clockwise. */
export const FIFTHS_MAJOR = ["C", "G", "D", "A", "E", "B", "F#", "C#", "G#", "D#", "A#", "F"];
/** The relative minor of each major key above, in the same order. */
export const FIFTHS_MINOR = ["A", "E", "B", "F#", "C#", "G#", "D#", "A#", "F", "C", "G", "D"];

/** { tonic, minor, step } for a key name like "C# minor" (step: 0–11 around the circle), or null. */
export function parseKey(name) {
  if (!name) return null;
  const [tonic, mode] = name.split(" ");
  const minor = mode === "minor";
  const step = (minor ? FIFTHS_MINOR : FIFTHS_MAJOR).indexOf(tonic);
  return step < 0 ? null : { tonic, minor, step };
}

/** A calm colour for a key: neighbours on the circle of fifths get neighbouring hues. */
export function keyColour(name, lightness = 62) {
  const key = parseKey(name);
  if (!key) return "#555a63";
  return `hsl(${(160 + key.step * 30) % 360} 45% ${key.minor ? lightness - 12 : lightness}%)`;
}

/** "Am" for "A minor", "C" for "C major": short enough for a segment's label. */
export const shortKey = (name) => (name ? name.replace(" minor", "m").replace(" major", "") : "–");

export const formatBPM = (bpm) => (bpm > 0 ? `${bpm.toFixed(1)} BPM` : "–");
export const formatPercent = (value) => `${Math.round(Math.max(0, Math.min(1, value)) * 100)} %`;
export const formatLevel = (value, unit) => (value > -200 ? `${value.toFixed(1)} ${unit}` : `below −120 ${unit}`);
export const formatDuration = (seconds) =>
  seconds >= 60 ? `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s` : `${seconds.toFixed(1)} s`;
