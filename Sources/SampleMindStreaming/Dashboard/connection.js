// The link to the daemon: asks /v1/status first (which also tells whether a token is needed),
// then opens the stream. When either fails it retries with exponential back-off, capped.

const FIRST_RETRY_MS = 500;
const LONGEST_RETRY_MS = 8000;
const TOKEN_KEY = "samplemind-token";

export class Connection {
  /**
   * handlers: onMessage(message), onStatus(status), onState(state, detail) where state is
   * "connecting", "live", "down" (detail: seconds until the next try) or "token" (detail: a reason).
   */
  constructor(handlers, subscription) {
    this.handlers = handlers;
    this.subscription = subscription;
    this.token = sessionStorage.getItem(TOKEN_KEY) || new URLSearchParams(location.search).get("token") || "";
    this.retryMs = FIRST_RETRY_MS;
    this.retryTimer = null;
    this.socket = null;
  }

  get authorization() { return this.token ? { Authorization: `Bearer ${this.token}` } : {}; }

  /** fetch() with the token; resolves to the parsed JSON body, or throws with `status` set. */
  async getJSON(path) {
    const response = await fetch(path, { headers: this.authorization, cache: "no-store" });
    if (!response.ok) {
      const error = new Error(`${path} answered ${response.status}`);
      error.status = response.status;
      throw error;
    }
    return response.json();
  }

  useToken(token) {
    this.token = token;
    sessionStorage.setItem(TOKEN_KEY, token);
    this.start();
  }

  async start() {
    clearTimeout(this.retryTimer);
    this.handlers.onState("connecting");
    let status;
    try {
      status = await this.getJSON("/v1/status");
    } catch (error) {
      if (error.status === 401) {
        this.handlers.onState("token", this.token ? "That token was not accepted." : "");
      } else {
        this.scheduleRetry();
      }
      return;
    }
    this.handlers.onStatus(status);
    this.open();
  }

  open() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const query = this.token ? `?token=${encodeURIComponent(this.token)}` : "";
    const socket = new WebSocket(`${scheme}://${location.host}/v1/stream${query}`);
    this.socket = socket;
    socket.addEventListener("open", () => {
      this.retryMs = FIRST_RETRY_MS;
      socket.send(JSON.stringify({ type: "subscribe", ...this.subscription }));
      this.handlers.onState("live");
    });
    socket.addEventListener("message", (event) => {
      if (typeof event.data !== "string") return;
      let message;
      try { message = JSON.parse(event.data); } catch { return; }
      this.handlers.onMessage(message);
    });
    socket.addEventListener("close", () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.scheduleRetry();
    });
  }

  scheduleRetry() {
    clearTimeout(this.retryTimer);
    const delay = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, LONGEST_RETRY_MS);
    this.handlers.onState("down", Math.ceil(delay / 1000));
    this.retryTimer = setTimeout(() => this.start(), delay);
  }

  retryNow() {
    this.retryMs = FIRST_RETRY_MS;
    this.start();
  }
}
