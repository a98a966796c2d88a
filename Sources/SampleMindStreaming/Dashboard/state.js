// The dashboard's picture of the music: the latest frame, the recent events, and a few minutes of
// history. Messages only update this; the views read it once per display frame.

export const HISTORY_SECONDS = 300;
export const HISTORY_STEP_S = 0.5;
export const HISTORY_POINTS = HISTORY_SECONDS / HISTORY_STEP_S;

export class MusicState {
  constructor() {
    this.frame = null;
    this.frameCount = 0;
    this.tempo = { bpm: 0, confidence: 0 };
    this.key = { name: null, confidence: 0 };
    this.beats = [];             // upcoming and recent beats: { at (page seconds), index, barPosition }
    this.lastBeat = null;
    this.lastOnsetAt = -Infinity;
    this.peakHold = { value: -200, at: 0 };
    this.history = {
      loudness: new Float32Array(HISTORY_POINTS).fill(NaN),
      tempo: new Float32Array(HISTORY_POINTS).fill(NaN),
      key: new Array(HISTORY_POINTS).fill(null),
      next: 0,
      filled: 0,
      lastAt: -Infinity,
    };
    this.streamOffset = null;   // page seconds minus stream seconds, smoothed
  }

  /** Page time in seconds (the clock the views animate on). */
  static now() { return performance.now() / 1000; }

  /** Page time of stream time `t`, learnt from the frames' arrival. */
  pageTime(t) { return this.streamOffset === null ? MusicState.now() : t + this.streamOffset; }

  apply(message) {
    switch (message.type) {
      case "frame": this.applyFrame(message); break;
      case "beat": this.applyBeat(message); break;
      case "onset": this.lastOnsetAt = this.pageTime(message.t); break;
      case "tempo": this.tempo = { bpm: message.tempo_bpm, confidence: message.confidence }; break;
      case "key": this.key = { name: message.key, confidence: message.confidence }; break;
      case "session": this.beats = []; break;
    }
  }

  applyFrame(frame) {
    const offset = MusicState.now() - frame.t;
    // Arrival jitter only ever delays a frame, so follow earlier arrivals at once and later ones slowly.
    this.streamOffset = this.streamOffset === null || offset < this.streamOffset
      ? offset : this.streamOffset + (offset - this.streamOffset) * 0.02;
    this.frame = frame;
    this.frameCount += 1;
    this.tempo = { bpm: frame.tempo_bpm, confidence: frame.tempo_confidence ?? this.tempo.confidence };
    this.key = { name: frame.key, confidence: frame.key_confidence ?? this.key.confidence };
    const now = MusicState.now();
    if (frame.peak_dbfs >= this.peakHold.value || now - this.peakHold.at > 1.5) {
      this.peakHold = { value: frame.peak_dbfs, at: now };
    }
    this.record(now, frame);
  }

  applyBeat(beat) {
    const entry = { at: this.pageTime(beat.t), index: beat.index, barPosition: beat.bar_position };
    this.beats.push(entry);
    const keepAfter = MusicState.now() - 4;
    while (this.beats.length > 16 || (this.beats.length && this.beats[0].at < keepAfter)) this.beats.shift();
  }

  /** The latest beat whose time has come, or null. */
  currentBeat(now) {
    let current = null;
    for (const beat of this.beats) if (beat.at <= now) current = beat;
    return current;
  }

  record(now, frame) {
    const history = this.history;
    if (now - history.lastAt < HISTORY_STEP_S) return;
    history.lastAt = now;
    const i = history.next;
    history.loudness[i] = frame.lufs_short_term > -200 ? frame.lufs_short_term : NaN;
    history.tempo[i] = frame.tempo_bpm > 0 ? frame.tempo_bpm : NaN;
    history.key[i] = frame.key;
    history.next = (i + 1) % HISTORY_POINTS;
    history.filled = Math.min(history.filled + 1, HISTORY_POINTS);
  }

  /** History values oldest first: calls `visit(index, loudness, tempo, key)` for each stored point. */
  eachHistoryPoint(visit) {
    const { filled, next, loudness, tempo, key } = this.history;
    const start = (next - filled + HISTORY_POINTS) % HISTORY_POINTS;
    for (let n = 0; n < filled; n++) {
      const i = (start + n) % HISTORY_POINTS;
      visit(HISTORY_POINTS - filled + n, loudness[i], tempo[i], key[i]);
    }
  }
}
