// The beat's place in the bar: one dot per beat, the downbeat larger. The dot of the beat that
// sounds now lights up brightly, then stays lit more softly until the next beat: the light moves
// with the beat rather than flashing the whole view.
import { COLOURS, Surface } from "./surface.js";

export const GLOW_S = 0.15;

export class BeatView {
  constructor(canvas) {
    this.surface = new Surface(canvas);
    this.beatsPerBar = 4;
  }

  /** Whether the current beat's dot is still fading (and so needs drawing again). */
  glowing(beat, now) { return beat !== null && now - beat.at < GLOW_S; }

  draw(state, now) {
    const context = this.surface.begin();
    const { width, height } = this.surface;
    const beat = state.currentBeat(now);
    // The meter in force (set from the stage or the configuration); older servers: the longest bar seen.
    if (state.frame?.beats_per_bar) this.beatsPerBar = state.frame.beats_per_bar;
    else for (const seen of state.beats) this.beatsPerBar = Math.max(this.beatsPerBar, seen.barPosition);
    const count = this.beatsPerBar;
    const slot = Math.min(width / count, height * 1.6);
    const radius = height * 0.32;
    for (let position = 1; position <= count; position++) {
      const cx = (position - 0.5) * slot;
      const cy = height / 2;
      const r = position === 1 ? radius : radius * 0.72;
      const current = beat && beat.barPosition === position;
      const fresh = current && now - beat.at < GLOW_S ? 1 : 0;
      context.beginPath();
      context.arc(cx, cy, r, 0, Math.PI * 2);
      context.fillStyle = current ? COLOURS.accent : COLOURS.line;
      context.globalAlpha = current ? 0.55 + 0.45 * fresh : 1;
      context.fill();
      context.globalAlpha = 1;
    }
  }
}
