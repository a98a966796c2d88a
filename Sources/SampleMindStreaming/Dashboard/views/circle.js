// The circle of fifths: major keys outside, their relative minors inside; the current key is
// filled in the accent colour, more opaque the surer the tracker is.
import { FIFTHS_MAJOR, FIFTHS_MINOR, parseKey } from "../music.js";
import { COLOURS, Surface } from "./surface.js";

export class CircleView {
  constructor(canvas) { this.surface = new Surface(canvas); }

  draw(state) {
    const context = this.surface.begin();
    const { width, height } = this.surface;
    const key = parseKey(state.key.name);
    const cx = width / 2;
    const cy = height / 2;
    const outer = Math.min(width, height) / 2 - 2;
    const middle = outer * 0.68;
    const inner = outer * 0.38;
    const step = (Math.PI * 2) / 12;
    context.textAlign = "center";
    context.textBaseline = "middle";
    for (let i = 0; i < 12; i++) {
      const from = -Math.PI / 2 + (i - 0.5) * step;
      const to = from + step;
      this.sector(context, cx, cy, middle, outer, from, to, key && !key.minor && key.step === i, state.key.confidence);
      this.sector(context, cx, cy, inner, middle, from, to, key && key.minor && key.step === i, state.key.confidence);
      const angle = -Math.PI / 2 + i * step;
      const majorAt = (outer + middle) / 2;
      const minorAt = (middle + inner) / 2;
      context.font = `600 ${Math.max(11, outer * 0.13)}px system-ui, sans-serif`;
      context.fillStyle = key && !key.minor && key.step === i ? "#111" : COLOURS.text;
      context.fillText(FIFTHS_MAJOR[i], cx + Math.cos(angle) * majorAt, cy + Math.sin(angle) * majorAt);
      context.font = `${Math.max(10, outer * 0.1)}px system-ui, sans-serif`;
      context.fillStyle = key && key.minor && key.step === i ? "#111" : COLOURS.muted;
      context.fillText(`${FIFTHS_MINOR[i]}m`, cx + Math.cos(angle) * minorAt, cy + Math.sin(angle) * minorAt);
    }
    context.textAlign = "start";
    context.textBaseline = "alphabetic";
  }

  sector(context, cx, cy, r0, r1, from, to, selected, confidence) {
    context.beginPath();
    context.arc(cx, cy, r1, from, to);
    context.arc(cx, cy, r0, to, from, true);
    context.closePath();
    context.fillStyle = selected ? COLOURS.accent : COLOURS.ground;
    context.globalAlpha = selected ? 0.45 + 0.55 * Math.max(0, Math.min(1, confidence)) : 1;
    context.fill();
    context.globalAlpha = 1;
    context.strokeStyle = COLOURS.line;
    context.lineWidth = 1.5;
    context.stroke();
  }
}
