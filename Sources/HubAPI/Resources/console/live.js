// The live socket (`/api/v1/live`, README "Live push"): one per tab, shared by every view through events.
//
// The hub replays the alert changes after the cursor a client sends in its hello, so the cursor of the last alert
// message is kept across reconnects: an alert raised while the connection was down arrives on reconnect. Each
// connection says hello with a freshly checked access token, since the one the last connection used may have
// expired meanwhile.
//
// Events (CustomEvent, `detail` is the server's message): `alert`, `device`, `vitals`, `notification`, `message`,
// `ready`, and `state` (detail: {connected, retryInSeconds, reason}).

import {accessToken, refresh, ApiError} from '/console/api.js';

// Short: a console without live alerts is not doing its job, and one attempt every 10 s costs the hub nothing.
const BACKOFF_MS = [500, 1_000, 2_000, 4_000, 8_000, 10_000];

export class LiveConnection extends EventTarget {
  constructor() {
    super();
    this.socket = null;
    this.cursor = null;
    this.connected = false;
    this.replaying = false;
    this.attempt = 0;
    this.timer = null;
    this.stopped = true;
    this.retryAt = null;
  }

  start() {
    if (!this.stopped) return;
    this.stopped = false;
    addEventListener('offline', this.onOffline);
    addEventListener('online', this.onOnline);
    this.connect();
  }

  /** Closes for good (signing out); the cursor goes with the session. */
  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    removeEventListener('offline', this.onOffline);
    removeEventListener('online', this.onOnline);
    const socket = this.socket;
    this.socket = null;
    this.cursor = null;
    this.connected = false;
    socket?.close(1000, 'signed out');
  }

  /** Tries again now rather than at the end of the backoff (the banner's "Reconnect now"). */
  reconnectNow() {
    if (this.stopped || this.connected) return;
    clearTimeout(this.timer);
    this.socket?.close();
    this.socket = null;
    this.connect();
  }

  // The browser knows before the socket does that the network went away; a socket on a dead link can take
  // minutes to notice.
  onOffline = () => {
    const socket = this.socket;
    // Forgotten before it closes, so its close event does not count as a second loss.
    this.socket = null;
    socket?.close();
    this.lost('This device is offline.');
  };

  onOnline = () => this.reconnectNow();

  async connect() {
    if (this.stopped) return;
    let token;
    try {
      token = await accessToken();
    } catch (error) {
      // A refused refresh has already signed the person out; anything else (the hub unreachable) is retried.
      if (error instanceof ApiError && error.status === 401) return;
      return this.lost('The hub could not be reached.');
    }
    if (this.stopped) return;
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(`${scheme}//${location.host}/api/v1/live`);
    this.socket = socket;
    let closingReason = null;
    socket.addEventListener('open', () => {
      const hello = {type: 'hello', token};
      if (this.cursor) hello.cursor = this.cursor;
      this.replaying = Boolean(this.cursor);
      socket.send(JSON.stringify(hello));
    });
    socket.addEventListener('message', (event) => {
      if (socket !== this.socket) return;
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      if (message.type === 'closing') {
        closingReason = message.reason;
        return;
      }
      if (message.type === 'ready') {
        this.cursor = message.cursor ?? this.cursor;
        this.attempt = 0;
        this.connected = true;
        this.retryAt = null;
        this.replaying = false;
        this.emit('ready', message);
        this.emit('state', {connected: true});
        return;
      }
      if (message.type === 'alert' && message.cursor) this.cursor = message.cursor;
      // Alerts replayed before `ready` are changes this tab missed while it was away.
      this.emit(message.type, {...message, replayed: this.replaying});
    });
    socket.addEventListener('close', async () => {
      if (socket !== this.socket) return;
      this.socket = null;
      if (this.stopped) return;
      // Refused for its token (expired while the socket was down, or the hub restarted): refresh before trying again.
      if (closingReason && /token|session/i.test(closingReason)) {
        try {
          await refresh();
        } catch (error) {
          if (error instanceof ApiError && error.status === 401) return;
        }
      }
      this.lost(closingReason ? `The hub closed the connection: ${closingReason}` : 'The connection to the hub was lost.');
    });
  }

  lost(reason) {
    const wasConnected = this.connected;
    this.connected = false;
    if (this.stopped) return;
    clearTimeout(this.timer);
    const delay = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)];
    // Jitter, so a hub restart is not met by every console at the same instant.
    const wait = Math.round(delay * (0.8 + Math.random() * 0.4));
    this.attempt += 1;
    this.retryAt = Date.now() + wait;
    this.timer = setTimeout(() => this.connect(), wait);
    this.emit('state', {connected: false, wasConnected, retryAt: this.retryAt, reason});
  }

  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, {detail}));
  }

  /** Subscribes `handler` to `type` until the returned function is called (views call it when they go away). */
  on(type, handler) {
    const listener = (event) => handler(event.detail);
    this.addEventListener(type, listener);
    return () => this.removeEventListener(type, listener);
  }
}

export const live = new LiveConnection();
