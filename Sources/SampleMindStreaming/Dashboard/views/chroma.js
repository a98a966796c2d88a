// Twelve bars, C to B: how strongly each pitch class sounds now (the strongest is 1). The key's
// tonic is drawn in the accent colour.
import { PITCH_CLASSES, parseKey } from "../music.js";
import { COLOURS, Surface } from "./surface.js";

const LABEL_HEIGHT = 18;

export class ChromaView {
  constructor(canvas) { this.surface = new Surface(canvas); }

  draw(state) {
    const context = this.surface.beginWithBackdrop(paintSlots);
    const { width, height } = this.surface;
    const chroma = state.frame?.chroma;
    const tonic = parseKey(state.key.name)?.tonic;
    const bottom = height - LABEL_HEIGHT;
    const slot = width / 12;
    PITCH_CLASSES.forEach((name, i) => {
      const value = chroma ? Math.max(0, Math.min(1, chroma[i])) : 0;
      const barHeight = value * (bottom - 4);
      context.fillStyle = name === tonic ? COLOURS.accent : COLOURS.muted;
      context.fillRect(i * slot + 3, bottom - barHeight, slot - 6, barHeight);
      if (name === tonic) context.fillRect(i * slot + 3, height - 3, slot - 6, 3);
    });
  }
}

/** Empty slots and the pitch-class names. */
function paintSlots(context, width, height) {
  const bottom = height - LABEL_HEIGHT;
  const slot = width / 12;
  context.font = "13px system-ui, sans-serif";
  context.textAlign = "center";
  PITCH_CLASSES.forEach((name, i) => {
    context.fillStyle = COLOURS.line;
    context.fillRect(i * slot + 3, 4, slot - 6, bottom - 4);
    context.fillStyle = COLOURS.text;
    context.fillText(name, i * slot + slot / 2, height - 6);
  });
}
