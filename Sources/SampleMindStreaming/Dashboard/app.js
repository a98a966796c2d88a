// A small live view of the stream: tempo, key, beat and levels. It reconnects by itself with
// capped exponential back-off and asks for a token when the server wants one.
const $ = (id) => document.getElementById(id);
let token = sessionStorage.getItem("samplemind-token") || "";
let retryDelay = 500;

async function start() {
  const headers = token ? { Authorization: `Bearer ${token}` } : {};
  try {
    const response = await fetch("/v1/status", { headers });
    if (response.status === 401) { askForToken(); return; }
    const status = await response.json();
    $("input").textContent = `input: ${status.input.description} (${status.input.state})`;
  } catch (error) {
    disconnected();
    return;
  }
  connect();
}

function askForToken() {
  $("connection").textContent = "a token is needed";
  $("token-form").hidden = false;
}

$("token-form").addEventListener("submit", (event) => {
  event.preventDefault();
  token = $("token").value;
  sessionStorage.setItem("samplemind-token", token);
  $("token-form").hidden = true;
  start();
});

function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const query = token ? `?token=${encodeURIComponent(token)}` : "";
  const socket = new WebSocket(`${scheme}://${location.host}/v1/stream${query}`);
  socket.addEventListener("open", () => {
    retryDelay = 500;
    $("connection").textContent = "live";
    $("connection").classList.remove("down");
    socket.send(JSON.stringify({ type: "subscribe", features: ["levels", "loudness", "tracking"], max_fps: 30 }));
  });
  socket.addEventListener("message", (message) => show(JSON.parse(message.data)));
  socket.addEventListener("close", disconnected);
}

function disconnected() {
  $("connection").textContent = `disconnected — retrying in ${Math.round(retryDelay / 1000)} s`;
  $("connection").classList.add("down");
  setTimeout(start, retryDelay);
  retryDelay = Math.min(retryDelay * 2, 10000);
}

function show(message) {
  switch (message.type) {
    case "frame":
      $("tempo").textContent = message.tempo_bpm > 0 ? `${message.tempo_bpm.toFixed(1)} BPM` : "–";
      $("tempo-detail").textContent = message.tempo_bpm > 0 ? `confidence ${Math.round(message.tempo_confidence * 100)} %` : "";
      $("key").textContent = message.key || "–";
      $("key-detail").textContent = message.key ? `confidence ${Math.round(message.key_confidence * 100)} %` : "";
      $("rms-meter").value = Math.max(-60, message.rms_dbfs);
      $("levels").textContent = `peak ${message.peak_dbfs.toFixed(1)} dBFS · RMS ${message.rms_dbfs.toFixed(1)} dBFS · `
        + `momentary ${message.lufs_momentary.toFixed(1)} LUFS · short-term ${message.lufs_short_term.toFixed(1)} LUFS`;
      break;
    case "beat":
      $("beat").classList.add("on");
      setTimeout(() => $("beat").classList.remove("on"), 120);
      $("tempo-detail").textContent = `beat ${message.bar_position} of the bar`;
      break;
  }
}

start();
