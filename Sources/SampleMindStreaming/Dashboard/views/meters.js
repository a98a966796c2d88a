// Peak and RMS in dBFS, momentary and short-term loudness in LUFS, as four horizontal bars.
import { COLOURS, Surface } from "./surface.js";

const FLOOR = -60;
const LABELS = ["Peak", "RMS", "M", "S"];
const LABEL_WIDTH = 40;
const SCALE_HEIGHT = 14;

export class MeterView {
  constructor(canvas) { this.surface = new Surface(canvas); }

  draw(state) {
    const context = this.surface.beginWithBackdrop(paintScale);
    const { width, height } = this.surface;
    const frame = state.frame;
    if (!frame) return;
    const values = [frame.peak_dbfs, frame.rms_dbfs, frame.lufs_momentary, frame.lufs_short_term];
    const rowHeight = (height - SCALE_HEIGHT) / values.length;
    const x = (db) => LABEL_WIDTH + ((Math.max(FLOOR, Math.min(0, db)) - FLOOR) / -FLOOR) * (width - LABEL_WIDTH);
    values.forEach((value, i) => {
      if (value === undefined || value <= FLOOR) return;
      const top = i * rowHeight + 3;
      context.fillStyle = value > -1 ? COLOURS.hot : value > -9 ? COLOURS.warn : COLOURS.accent;
      context.fillRect(LABEL_WIDTH, top, x(value) - LABEL_WIDTH, rowHeight - 6);
    });
    const hold = state.peakHold.value;
    if (hold > FLOOR) {
      context.fillStyle = COLOURS.text;
      context.fillRect(x(hold) - 1, 3, 2, rowHeight - 6);
    }
  }
}

/** The meters' names, empty bars and dB scale. */
function paintScale(context, width, height) {
  const rowHeight = (height - SCALE_HEIGHT) / LABELS.length;
  const x = (db) => LABEL_WIDTH + ((db - FLOOR) / -FLOOR) * (width - LABEL_WIDTH);
  context.font = "12px system-ui, sans-serif";
  LABELS.forEach((label, i) => {
    const top = i * rowHeight + 3;
    context.fillStyle = COLOURS.muted;
    context.textBaseline = "middle";
    context.fillText(label, 0, top + (rowHeight - 6) / 2);
    context.fillStyle = COLOURS.line;
    context.fillRect(LABEL_WIDTH, top, width - LABEL_WIDTH, rowHeight - 6);
  });
  context.fillStyle = COLOURS.muted;
  context.textBaseline = "alphabetic";
  for (let db = FLOOR; db <= 0; db += 12) {
    context.fillText(`${db}`, Math.min(x(db), width - 16) - (db === FLOOR ? 0 : 8), height - 2);
  }
}
