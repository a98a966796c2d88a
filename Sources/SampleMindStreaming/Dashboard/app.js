// The dashboard: connects to the daemon, keeps a picture of the music (state.js) and draws it in
// step with the display. A display frame is asked for only when something changed (a stream
// frame arrived, a beat or onset falls due, the window was resized); views that did not change
// are not redrawn. An idle page costs nothing.
import { Connection } from "./connection.js";
import { formatBPM, formatLevel, formatPercent } from "./music.js";
import { SegmentTimeline } from "./segments.js";
import { MusicState } from "./state.js";
import { BeatView, GLOW_S } from "./views/beat.js";
import { ChromaView } from "./views/chroma.js";
import { CircleView } from "./views/circle.js";
import { HistoryView } from "./views/history.js";
import { MeterView } from "./views/meters.js";
import { SpectrumView } from "./views/spectrum.js";

const $ = (id) => document.getElementById(id);
const STATUS_POLL_MS = 5000;
const CALM_FLASH_S = 1 / 3;   // without the onset flash switched on, nothing flashes faster than 3 Hz
const LAMP_S = 0.12;
const READOUT_INTERVAL_S = 0.25;

const state = new MusicState();
const views = {
  beat: new BeatView($("beat-view")),
  circle: new CircleView($("circle-view")),
  meters: new MeterView($("meter-view")),
  spectrum: new SpectrumView($("spectrum-view")),
  chroma: new ChromaView($("chroma-view")),
  history: new HistoryView($("history-view")),
};

const connection = new Connection({
  onMessage: received,
  onStatus: showStatus,
  onState: showConnection,
}, { features: ["levels", "loudness", "spectrum", "chroma", "tracking"], max_fps: 30 });

const timeline = new SegmentTimeline(connection, {
  list: $("segments"), note: $("segments-note"), detail: $("segment-detail"), title: $("segment-title"),
  facts: $("segment-facts"), similar: $("similar"), close: $("segment-close"),
});

function received(message) {
  state.apply(message);
  requestDraw();
  if (message.type === "segment") timeline.received(message);
  if (message.type === "key" && message.key) announce(`Key: ${message.key}`);
  if (message.type === "tempo" && message.tempo_bpm > 0) announce(`Tempo: ${formatBPM(message.tempo_bpm)}`);
}

function announce(text) { $("announcer").textContent = text; }

function showConnection(connectionState, detail) {
  const pill = $("connection");
  pill.classList.toggle("live", connectionState === "live");
  pill.classList.toggle("down", connectionState === "down");
  $("banner").hidden = connectionState !== "down";
  $("token-form").hidden = connectionState !== "token";
  switch (connectionState) {
    case "connecting": pill.textContent = "connecting…"; break;
    case "live":
      pill.textContent = "live";
      timeline.load();
      break;
    case "down":
      pill.textContent = "disconnected";
      $("banner-text").textContent = `Disconnected from SampleMind. Trying again in ${detail} s.`;
      break;
    case "token":
      pill.textContent = "token needed";
      $("token-error").textContent = detail;
      $("token").focus();
      break;
  }
}

function showStatus(status) {
  const input = status.input;
  const format = input.sample_rate ? ` · ${input.sample_rate / 1000} kHz, ${input.channels} ch` : "";
  $("input").textContent = `input: ${input.description} (${input.state})${format}`;
}

async function pollHealth() {
  try {
    const response = await fetch("/health", { cache: "no-store" });
    const health = await response.json();
    const reasons = health.reasons?.length ? ` — ${health.reasons.join("; ")}` : "";
    $("health").textContent = `health: ${health.status}${reasons}`;
  } catch {
    $("health").textContent = "health: unknown (no answer)";
    return;
  }
  if (connection.socket) connection.getJSON("/v1/status").then(showStatus, () => {});
}

// Text changes only when its content does, so screen readers and layout are not disturbed 30 times a second.
function setText(id, text) {
  const element = $(id);
  if (element.textContent !== text) element.textContent = text;
}

let readoutsAt = -Infinity;
function showText(now) {
  const frame = state.frame;
  setText("tempo", formatBPM(state.tempo.bpm));
  const tempoDetail = frame?.tempo_locked ? "locked from the stage" : `confidence ${formatPercent(state.tempo.confidence)}`;
  setText("tempo-detail", state.tempo.bpm > 0 ? tempoDetail : "listening…");
  const beat = state.currentBeat(now);
  setText("bar-text", beat && state.tempo.bpm > 0 ? `beat ${beat.barPosition} of ${views.beat.beatsPerBar}` : "");
  setText("key", state.key.name ?? "–");
  setText("key-detail", state.key.name ? `confidence ${formatPercent(state.key.confidence)}` : "listening…");
  // Numbers that change 30 times a second cannot be read; four updates a second can.
  if (!frame || now - readoutsAt < READOUT_INTERVAL_S) return;
  readoutsAt = now;
  setText("peak", formatLevel(frame.peak_dbfs, "dBFS"));
  setText("rms", formatLevel(frame.rms_dbfs, "dBFS"));
  setText("lufs-m", formatLevel(frame.lufs_momentary, "LUFS"));
  setText("lufs-s", formatLevel(frame.lufs_short_term, "LUFS"));
}

let lampOnAt = -Infinity;
function showOnset(now) {
  const flashAll = $("onset-flash").checked;
  const onset = state.lastOnsetAt;
  if (onset <= now && onset > lampOnAt && (flashAll || onset - lampOnAt >= CALM_FLASH_S)) lampOnAt = onset;
  const lit = now - lampOnAt < LAMP_S;
  const lamp = $("onset-lamp");
  if (lamp.classList.contains("on") !== lit) lamp.classList.toggle("on", lit);
}

let drawPending = false;
function requestDraw() {
  if (drawPending) return;
  drawPending = true;
  requestAnimationFrame(draw);
}

/** Asks for a display frame when the next thing falls due: a beat, the end of its glow, the lamp going out. */
let wakeTimer = null;
function scheduleWake(now) {
  let next = Infinity;
  for (const beat of state.beats) {
    if (beat.at > now) next = Math.min(next, beat.at);
    else if (views.beat.glowing(beat, now)) next = Math.min(next, beat.at + GLOW_S);
  }
  if (state.lastOnsetAt > now) next = Math.min(next, state.lastOnsetAt);
  if (now - lampOnAt < LAMP_S) next = Math.min(next, lampOnAt + LAMP_S);
  clearTimeout(wakeTimer);
  if (next - now < 2) wakeTimer = setTimeout(requestDraw, Math.max(0, (next - now) * 1000));
}

const drawn = { frame: -1, historyAt: -1, key: undefined, confidence: -1, width: -1, beat: null, glow: false };
function draw() {
  const now = MusicState.now();
  const resized = drawn.width !== window.innerWidth;
  drawn.width = window.innerWidth;
  const beat = state.currentBeat(now);
  const glow = views.beat.glowing(beat, now);
  if (resized || beat !== drawn.beat || glow !== drawn.glow) {
    drawn.beat = beat;
    drawn.glow = glow;
    views.beat.draw(state, now);
  }
  if (resized || drawn.frame !== state.frameCount) {
    drawn.frame = state.frameCount;
    views.meters.draw(state);
    views.spectrum.draw(state);
    views.chroma.draw(state);
  }
  if (resized || drawn.historyAt !== state.history.lastAt) {
    drawn.historyAt = state.history.lastAt;
    views.history.draw(state);
  }
  const confidence = Math.round(state.key.confidence * 20);
  if (resized || drawn.key !== state.key.name || drawn.confidence !== confidence) {
    drawn.key = state.key.name;
    drawn.confidence = confidence;
    views.circle.draw(state);
  }
  showText(now);
  showOnset(now);
  drawPending = false;
  scheduleWake(now);
}

$("token-form").addEventListener("submit", (event) => {
  event.preventDefault();
  connection.useToken($("token").value);
});
$("retry").addEventListener("click", () => connection.retryNow());

window.addEventListener("resize", requestDraw);
$("onset-flash").addEventListener("change", requestDraw);
connection.start();
pollHealth();
setInterval(pollHealth, STATUS_POLL_MS);
requestDraw();
