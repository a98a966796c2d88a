// The segment timeline of the daemon's current session: loaded from /v1/segments, extended by
// `segment` events; a segment opens its details and its most similar segments.
import { formatBPM, formatDuration, formatPercent, keyColour, shortKey } from "./music.js";

const PAGE_LIMIT = 500;
const MOST_SEGMENTS = 2000;

export class SegmentTimeline {
  constructor(connection, elements) {
    this.connection = connection;
    this.elements = elements;
    this.session = null;
    this.segments = new Map();
    this.selected = null;
    elements.close.addEventListener("click", () => this.closeDetails());
    elements.detail.addEventListener("keydown", (event) => { if (event.key === "Escape") this.closeDetails(); });
  }

  /** Loads the newest session's segments (after every (re)connection: a restart is a new session). */
  async load() {
    try {
      const { sessions } = await this.connection.getJSON("/v1/sessions?limit=1");
      if (!sessions.length) return;
      if (sessions[0].id !== this.session) {
        this.session = sessions[0].id;
        this.segments.clear();
        this.elements.list.replaceChildren();
      }
      let cursor = null;
      do {
        const query = `session=${this.session}&limit=${PAGE_LIMIT}` + (cursor ? `&cursor=${encodeURIComponent(cursor)}` : "");
        const page = await this.connection.getJSON(`/v1/segments?${query}`);
        page.segments.forEach((segment) => this.add(segment));
        cursor = page.next_cursor;
      } while (cursor && this.segments.size < MOST_SEGMENTS);
    } catch (error) {
      if (error.status === 404) this.elements.note.textContent = "This server does not store segments.";
    }
  }

  /** A `segment` event from the stream. */
  received(segment) {
    if (this.session === null || segment.session === this.session) {
      this.session = segment.session;
      this.add(segment);
    }
  }

  add(segment) {
    if (this.segments.has(segment.id)) return;
    this.segments.set(segment.id, segment);
    const duration = segment.end_t - segment.start_t;
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.dataset.id = segment.id;
    button.style.background = keyColour(segment.key);
    button.style.flexGrow = String(Math.max(1, duration));
    button.style.width = `${Math.max(2.2, duration * 0.35)}rem`;
    button.textContent = shortKey(segment.key);
    button.setAttribute("aria-pressed", "false");
    button.setAttribute("aria-label", `Segment ${segment.id}: ${formatDuration(duration)}, ` +
      `${segment.key ?? "no key"}, ${formatBPM(segment.tempo_bpm)}`);
    button.addEventListener("click", () => this.open(segment.id));
    item.append(button);
    this.elements.list.append(item);
    this.elements.note.textContent = `${this.segments.size} segment${this.segments.size === 1 ? "" : "s"} stored. Choose one for its details.`;
  }

  async open(id) {
    this.selected = id;
    for (const button of this.elements.list.querySelectorAll("button")) {
      button.setAttribute("aria-pressed", String(button.dataset.id === String(id)));
    }
    const { detail, title, facts, similar } = this.elements;
    detail.hidden = false;
    title.textContent = `Segment ${id}`;
    facts.replaceChildren();
    similar.replaceChildren();
    try {
      const [segment, neighbours] = await Promise.all([
        this.connection.getJSON(`/v1/segments/${id}`),
        this.connection.getJSON(`/v1/segments/${id}/similar?k=5`),
      ]);
      if (this.selected !== id) return;
      const start = new Date(segment.start_wall * 1000);
      title.textContent = `Segment ${id} · ${start.toLocaleTimeString()}`;
      const rows = [
        ["Length", formatDuration(segment.end_t - segment.start_t)],
        ["Tempo", `${formatBPM(segment.tempo_bpm)} (${formatPercent(segment.tempo_confidence)})`],
        ["Key", segment.key ? `${segment.key} (${formatPercent(segment.key_confidence)})` : "none"],
        ["Loudness", `${segment.loudness_lufs.toFixed(1)} LUFS`],
        ["Onsets", `${segment.onset_rate.toFixed(1)} per second`],
        ["Ended by", segment.close_reason.replaceAll("_", " ")],
      ];
      for (const [name, value] of rows) {
        const row = document.createElement("div");
        const term = document.createElement("dt");
        const definition = document.createElement("dd");
        term.textContent = name;
        definition.textContent = value;
        row.append(term, definition);
        facts.append(row);
      }
      if (!neighbours.similar.length) similar.append(Object.assign(document.createElement("li"), { textContent: "none yet" }));
      for (const neighbour of neighbours.similar) {
        const item = document.createElement("li");
        const link = document.createElement("button");
        link.type = "button";
        link.textContent = `Segment ${neighbour.id} (distance ${neighbour.distance.toFixed(2)})`;
        link.addEventListener("click", () => this.open(neighbour.id));
        item.append(link);
        similar.append(item);
      }
      detail.focus();
    } catch (error) {
      title.textContent = `Segment ${id} could not be loaded (${error.message}).`;
    }
  }

  closeDetails() {
    this.elements.detail.hidden = true;
    const button = this.elements.list.querySelector(`button[data-id="${this.selected}"]`);
    this.selected = null;
    button?.setAttribute("aria-pressed", "false");
    button?.focus();
  }
}
