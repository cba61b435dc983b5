// The live socket (`/api/v1/live`, README "Live push"): one per tab, shared by every view through events.
//
// The hub replays the alert changes after the cursor a client sends in its hello, so the cursor of the last alert
// message is kept across reconnects: an alert raised while the connection was down arrives on reconnect. Each
// connection says hello with a freshly checked access token, since the one the last connection used may have
// expired meanwhile.
//
// Events (CustomEvent, `detail` is the server's message): `alert`, `device`, `vitals`, `notification`, `message`,
// `ready`, and `state` (detail: {connected, wasConnected, retryAt, reason}). A `ready` whose `resumed` is not true
// means the missed alert changes were not replayed (no cursor, or one the hub could not resume from): a view must
// load again what it shows. Device status and vitals are never replayed, so views showing them reload at every
// `ready`.

import {accessToken, refresh, socketURL, ApiError} from '/console/api.js';

// Short: a console without live alerts is not doing its job, and one attempt every 10 s costs the hub nothing.
const BACKOFF_MS = [500, 1_000, 2_000, 4_000, 8_000, 10_000];
// The hub sends a heartbeat every 15 s when nothing else is sent: a connection silent for this long is dead even
// though no close arrived (a NAT that forgot it, a laptop that slept).
const SILENCE_LIMIT_MS = 40_000;
// A connection that makes no progress towards `ready` for this long (the hub takes its hello within 10 s) is given up.
const READY_LIMIT_MS = 10_000;
const WATCH_INTERVAL_MS = 2_000;

export class LiveConnection extends EventTarget {
  constructor() {
    super();
    this.socket = null;
    this.cursor = null;
    this.connected = false;
    this.replaying = false;
    this.attempt = 0;
    this.timer = null;
    this.watchdog = null;
    this.lastHeard = 0;
    this.stopped = true;
    // The last `ready`: its `patients` are those the hub pushes vitals and alerts of.
    this.lastReady = null;
    // Every attempt takes the next number; an attempt that finds a newer one has started (a "Reconnect now" or the
    // browser coming online while it waited for its token) gives up quietly, so two sockets never run at once.
    this.generation = 0;
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
    this.generation += 1;
    clearTimeout(this.timer);
    removeEventListener('offline', this.onOffline);
    removeEventListener('online', this.onOnline);
    this.drop('signed out');
    this.cursor = null;
    this.lastReady = null;
    this.connected = false;
  }

  /** Tries again now rather than at the end of the backoff (the banner's "Reconnect now"). */
  reconnectNow() {
    if (this.stopped || this.connected) return;
    this.connect();
  }

  // The browser knows before the socket does that the network went away; a socket on a dead link can take
  // minutes to notice.
  onOffline = () => {
    this.generation += 1;
    this.drop();
    this.lost('This device is offline.');
  };

  onOnline = () => this.reconnectNow();

  /** Forgets the current socket before closing it, so its close event does not count as another loss. */
  drop(reason) {
    clearInterval(this.watchdog);
    const socket = this.socket;
    this.socket = null;
    socket?.close(reason ? 1000 : undefined, reason);
  }

  async connect() {
    if (this.stopped) return;
    const generation = ++this.generation;
    clearTimeout(this.timer);
    this.drop();
    let token;
    try {
      token = await accessToken();
    } catch (error) {
      if (generation !== this.generation) return;
      // A refused refresh has already signed the person out; anything else (the hub unreachable) is retried.
      if (error instanceof ApiError && error.status === 401) return;
      return this.lost('The hub could not be reached.');
    }
    if (this.stopped || generation !== this.generation) return;
    const socket = new WebSocket(socketURL('/api/v1/live'));
    this.socket = socket;
    this.lastHeard = Date.now();
    this.watchdog = setInterval(() => this.watch(socket), WATCH_INTERVAL_MS);
    let closingReason = null;
    socket.addEventListener('open', () => {
      const hello = {type: 'hello', token};
      if (this.cursor) hello.cursor = this.cursor;
      this.replaying = Boolean(this.cursor);
      socket.send(JSON.stringify(hello));
    });
    socket.addEventListener('message', (event) => {
      if (socket !== this.socket) return;
      this.lastHeard = Date.now();
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      if (message.type === 'heartbeat') return;
      if (message.type === 'closing') {
        closingReason = message.reason;
        return;
      }
      if (message.type === 'ready') {
        this.cursor = message.cursor ?? this.cursor;
        this.attempt = 0;
        this.connected = true;
        this.replaying = false;
        this.lastReady = message;
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
      clearInterval(this.watchdog);
      if (this.stopped) return;
      // A cursor the hub refuses would be refused at every attempt: start afresh without it. The `ready` that
      // follows says nothing was resumed, and the views load again what they show.
      if (closingReason && /cursor/i.test(closingReason)) this.cursor = null;
      // Refused for its token (expired while the socket was down, or the hub restarted): refresh before trying again.
      if (closingReason && /token|session/i.test(closingReason)) {
        try {
          await refresh();
        } catch (error) {
          if (error instanceof ApiError && error.status === 401) return;
        }
        if (this.stopped || generation !== this.generation) return;
      }
      this.lost(closingReason ? `The hub closed the connection: ${closingReason}` : 'The connection to the hub was lost.');
    });
  }

  /** Gives up on `socket` when it stalls: no `ready` in time, or silence past the heartbeats. */
  watch(socket) {
    if (socket !== this.socket) return;
    const silent = Date.now() - this.lastHeard;
    if (this.connected ? silent < SILENCE_LIMIT_MS : silent < READY_LIMIT_MS) return;
    this.generation += 1;
    this.drop();
    this.lost(this.connected ? 'The hub stopped answering.' : 'The hub did not answer in time.');
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
    this.timer = setTimeout(() => this.connect(), wait);
    this.emit('state', {connected: false, wasConnected, retryAt: Date.now() + wait, reason});
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
