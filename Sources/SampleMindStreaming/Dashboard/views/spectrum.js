// The 96-band log-frequency spectrum (30 Hz–16 kHz), with a slowly falling peak line.
import { COLOURS, Surface } from "./surface.js";

const FLOOR_DB = -100;
const LOWEST_HZ = 30;
const HIGHEST_HZ = 16000;
const MARKS_HZ = [50, 100, 200, 500, 1000, 2000, 5000, 10000];

export class SpectrumView {
  constructor(canvas) {
    this.surface = new Surface(canvas);
    this.peaks = null;
  }

  draw(state) {
    const context = this.surface.beginWithBackdrop(paintScale);
    const { width, height } = this.surface;
    const bottom = height - 16;
    const y = (db) => (Math.max(FLOOR_DB, Math.min(0, db)) / FLOOR_DB) * bottom;

    const bands = state.frame?.spectrum_db;
    if (!bands) return;
    if (!this.peaks || this.peaks.length !== bands.length) this.peaks = new Float32Array(bands.length).fill(FLOOR_DB);
    const step = width / bands.length;
    context.beginPath();
    context.moveTo(0, bottom);
    bands.forEach((db, i) => context.lineTo(i * step + step / 2, y(db)));
    context.lineTo(width, bottom);
    context.closePath();
    context.fillStyle = COLOURS.accentDim;
    context.fill();
    context.strokeStyle = COLOURS.accent;
    context.lineWidth = 2;
    context.beginPath();
    bands.forEach((db, i) => {
      this.peaks[i] = Math.max(db, this.peaks[i] - 0.6);
      const px = i * step + step / 2;
      if (i === 0) context.moveTo(px, y(db)); else context.lineTo(px, y(db));
    });
    context.stroke();
    context.strokeStyle = COLOURS.muted;
    context.lineWidth = 1;
    context.beginPath();
    this.peaks.forEach((db, i) => {
      const px = i * step + step / 2;
      if (i === 0) context.moveTo(px, y(db)); else context.lineTo(px, y(db));
    });
    context.stroke();
  }
}

/** Frequency and level grid with their labels. */
function paintScale(context, width, height) {
  const bottom = height - 16;
  const x = (hz) => (Math.log(hz / LOWEST_HZ) / Math.log(HIGHEST_HZ / LOWEST_HZ)) * width;
  const y = (db) => (db / FLOOR_DB) * bottom;
  context.font = "11px system-ui, sans-serif";
  context.fillStyle = COLOURS.muted;
  context.strokeStyle = COLOURS.grid;
  context.lineWidth = 1;
  for (const hz of MARKS_HZ) {
    const at = Math.round(x(hz)) + 0.5;
    context.beginPath(); context.moveTo(at, 0); context.lineTo(at, bottom); context.stroke();
    context.fillText(hz >= 1000 ? `${hz / 1000}k` : `${hz}`, at + 3, height - 3);
  }
  for (let db = -20; db > FLOOR_DB; db -= 20) {
    const at = Math.round(y(db)) + 0.5;
    context.beginPath(); context.moveTo(0, at); context.lineTo(width, at); context.stroke();
    context.fillText(`${db}`, 3, at - 3);
  }
}
