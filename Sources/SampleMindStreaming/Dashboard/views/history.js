// The last five minutes: short-term loudness and tempo as lines, the key as coloured bands.
import { keyColour } from "../music.js";
import { HISTORY_POINTS, HISTORY_SECONDS } from "../state.js";
import { COLOURS, Surface } from "./surface.js";

const LOUDNESS_FLOOR = -60;

export class HistoryView {
  constructor(canvas) { this.surface = new Surface(canvas); }

  draw(state) {
    const context = this.surface.begin();
    const { width, height } = this.surface;
    const axis = 16;
    const lane = (height - axis) / 5;
    const lanes = { loudness: [0, lane * 2 - 6], tempo: [lane * 2, lane * 4 - 6], key: [lane * 4, lane * 5 - 2] };
    const x = (i) => (i / (HISTORY_POINTS - 1)) * width;

    let low = Infinity;
    let high = -Infinity;
    state.eachHistoryPoint((i, loudness, tempo) => {
      if (tempo > 0) { low = Math.min(low, tempo); high = Math.max(high, tempo); }
    });
    if (low > high) { low = 60; high = 180; }
    low = Math.floor((low - 5) / 10) * 10;
    high = Math.ceil((high + 5) / 10) * 10;

    context.font = "11px system-ui, sans-serif";
    context.fillStyle = COLOURS.muted;
    context.fillText("loudness (LUFS, short-term)", 4, lanes.loudness[0] + 11);
    context.fillText(`tempo ${low}–${high} BPM`, 4, lanes.tempo[0] + 11);
    for (let minutes = 0; minutes <= HISTORY_SECONDS / 60; minutes++) {
      const at = width - (minutes * 60 / HISTORY_SECONDS) * width;
      context.fillText(minutes === 0 ? "now" : `−${minutes} min`, Math.max(0, Math.min(at - 14, width - 26)), height - 3);
    }

    const line = (values, [top, bottom], from, to, colour) => {
      context.strokeStyle = colour;
      context.lineWidth = 2;
      context.beginPath();
      let drawing = false;
      state.eachHistoryPoint((i, loudness, tempo) => {
        const value = values === "loudness" ? loudness : tempo;
        if (!Number.isFinite(value)) { drawing = false; return; }
        const y = bottom - ((Math.max(from, Math.min(to, value)) - from) / (to - from)) * (bottom - top);
        if (drawing) context.lineTo(x(i), y); else context.moveTo(x(i), y);
        drawing = true;
      });
      context.stroke();
    };
    line("loudness", lanes.loudness, LOUDNESS_FLOOR, 0, COLOURS.accent);
    line("tempo", lanes.tempo, low, high, COLOURS.text);

    const [keyTop, keyBottom] = lanes.key;
    let runStart = 0;
    let runKey;
    const flush = (end) => {
      if (runKey === undefined) return;
      context.fillStyle = keyColour(runKey);
      context.fillRect(x(runStart), keyTop, Math.max(1, x(end) - x(runStart)), keyBottom - keyTop);
      if (runKey && x(end) - x(runStart) > 60) {
        context.fillStyle = "#111";
        context.fillText(runKey, x(runStart) + 4, keyBottom - 5);
      }
    };
    let last = -1;
    state.eachHistoryPoint((i, loudness, tempo, key) => {
      if (key !== runKey) { flush(i); runStart = i; runKey = key; }
      last = i;
    });
    if (last >= 0) flush(last + 1);
  }
}
