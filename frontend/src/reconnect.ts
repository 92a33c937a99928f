// One socket kept open across drops, for both pages that talk to the server live: the chat (client.ts) and the
// moderators' queue and case pages (moderation/). What a close code means is up to each page; when to come back
// is decided here, so that the two cannot drift apart.

export interface BackoffOptions {
  baseMs: number;
  factor: number;
  capMs: number;
  /** Fraction of the delay that may be taken off at random, so reconnecting clients spread out. */
  jitter: number;
}

/** The chat's schedule: 0.5 s, 1 s, 2 s … 30 s. */
export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, factor: 2, capMs: 30_000, jitter: 0.5 };

/** Delay before reconnect attempt number `attempt` (0-based); `random` returns a number in [0, 1). */
export function backoffDelay(attempt: number, random: () => number, options: BackoffOptions = DEFAULT_BACKOFF): number {
  const ceiling = Math.min(options.capMs, options.baseMs * options.factor ** attempt);
  return Math.round(ceiling * (1 - options.jitter * random()));
}

// Handler slots are declared with method syntax inside an object type so their parameters are checked
// bivariantly: that lets the DOM WebSocket, whose handlers take full Event objects, satisfy this interface.
type Handler<E> = { handle(event: E): void }["handle"] | null;

/** The part of the WebSocket API the pages use. */
export interface WebSocketLike {
  onopen: Handler<unknown>;
  onmessage: Handler<{ data: unknown }>;
  onclose: Handler<{ code: number }>;
  onerror: Handler<unknown>;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export interface Timers {
  setTimeout(callback: () => void, ms: number): number;
  clearTimeout(id: number): void;
}

export interface ReconnectDeps {
  /** A function is asked again at every (re)connect, for URLs that carry what the page knows now. */
  url: string | (() => string);
  createSocket: (url: string) => WebSocketLike;
  timers: Timers;
  /** A number in [0, 1), for the jitter. */
  random: () => number;
  backoff: BackoffOptions;
}

/** What the page hears from the socket. Only the current socket is heard: a dropped one's late events are not. */
export interface SocketEvents {
  /** Just before a socket is made: the old one, if any, is already gone. */
  connecting?(): void;
  /** A socket was made and is opening (or already failing: its close event follows). */
  created?(): void;
  open?(): void;
  message(data: unknown): void;
  /** The current socket went away, closed from either side; whatever belonged to it ends here. */
  gone?(): void;
  /** The server or the network closed the socket: true to come back after the backoff. */
  closed(code: number): boolean;
  /** The next attempt is due in `delayMs`. */
  retrying?(delayMs: number): void;
}

export class ReconnectingSocket {
  private socket: WebSocketLike | null = null;
  private attempt = 0;
  private retryTimer: number | null = null;

  constructor(
    private readonly deps: ReconnectDeps,
    private readonly events: SocketEvents,
  ) {}

  /** The socket now in use, or null between attempts. */
  get current(): WebSocketLike | null {
    return this.socket;
  }

  /** Opens a fresh socket now, instead of the current one or a pending retry. False when none could be made. */
  connect(): boolean {
    this.cancelRetry();
    this.drop();
    this.events.connecting?.();
    let socket: WebSocketLike;
    try {
      const { url } = this.deps;
      socket = this.deps.createSocket(typeof url === "function" ? url() : url);
    } catch {
      // `new WebSocket` throws for a URL it rejects; the URL may be fine next time (it is asked again).
      this.retryLater();
      return false;
    }
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket === socket) this.events.open?.();
    };
    socket.onmessage = (event) => {
      if (this.socket === socket) this.events.message(event.data);
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.events.gone?.();
      if (this.events.closed(event.code)) this.retryLater();
    };
    // The close event that follows an error is what brings the retry.
    socket.onerror = null;
    this.events.created?.();
    return true;
  }

  /** Schedules the next attempt: 1, 2, 4 … times the base delay up to the cap, less the jitter. */
  retryLater(): void {
    this.cancelRetry();
    const delay = backoffDelay(this.attempt, this.deps.random, this.deps.backoff);
    this.attempt += 1;
    this.retryTimer = this.deps.timers.setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
    this.events.retrying?.(delay);
  }

  /** The connection proved itself: the next drop starts the schedule over. */
  resetBackoff(): void {
    this.attempt = 0;
  }

  cancelRetry(): void {
    if (this.retryTimer !== null) this.deps.timers.clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  /** Detaches and closes the current socket, without a retry; its late events are ignored. */
  drop(): void {
    const socket = this.socket;
    if (!socket) return;
    this.socket = null;
    socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
    try {
      socket.close(1000);
    } catch {
      // Nothing to do: the socket is detached and forgotten either way.
    }
    this.events.gone?.();
  }

  /** Sends on the current socket; false when there is none or it is closing (its close brings the retry). */
  send(data: string): boolean {
    if (!this.socket) return false;
    try {
      this.socket.send(data);
      return true;
    } catch {
      return false;
    }
  }
}
