import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from "./backoff";
import type { ConversationEvent, ConversationEventKind } from "./events";
import { Outbox, type StorageLike } from "./outbox";
import {
  CRISIS_LEVELS,
  parseServerFrame,
  type ClientFrame,
  type CrisisLevel,
  type CrisisResourcesFrame,
  type ErrorFrame,
  type Resource,
  type ServerFrame,
  type TypingRole,
} from "./protocol";
import { SeqTracker } from "./seqs";
import { Timeline, type ChatMessage } from "./timeline";

export type ConnectionState = "connecting" | "open" | "reconnecting" | "offline" | "closed";

/**
 * Whether the person has agreed to the privacy notice. "unknown" until the page has asked the server; messages
 * still go out then, since the server is the one that decides. "required": messages wait in the outbox.
 */
export type ConsentState = "unknown" | "given" | "required";

// Handler slots are declared with method syntax inside an object type so their parameters are checked
// bivariantly: that lets the DOM WebSocket, whose handlers take full Event objects, satisfy this interface.
type Handler<E> = { handle(event: E): void }["handle"] | null;

/** The part of the WebSocket API the client uses. */
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

/** What the server said about the person's safety: the most worrying level heard, with its helplines. */
export interface CrisisAlert {
  readonly level: CrisisLevel;
  readonly country: string | null;
  readonly resources: readonly Resource[];
}

export interface ChatClientDeps {
  /** A function is asked again at every (re)connect: the person may have chosen another country meanwhile. */
  url: string | (() => string);
  createSocket: (url: string) => WebSocketLike;
  timers: Timers;
  /** A number in [0, 1), for reconnect jitter. */
  random: () => number;
  /** Where unacknowledged messages are kept across reloads. */
  storage: StorageLike;
  /** A fresh UUID4, for client_id. */
  uuid: () => string;
  backoff?: BackoffOptions;
}

export interface ChatState {
  connection: ConnectionState;
  conversationId: string | null;
  messages: readonly ChatMessage[];
  typing: Readonly<Record<TypingRole, boolean>>;
  /** The person's newest stored message while no reply to it has started. */
  awaitingReplyTo: string | null;
  notice: string | null;
  consent: ConsentState;
  /** How many times the person's data was erased while this page was open; a change means "start over". */
  erasures: number;
  /**
   * Set by `crisis.resources`, raised only by a higher level, and kept for the life of the page (reconnects and
   * new conversations included) until an erasure. A new object only when it changes.
   */
  crisis: CrisisAlert | null;
  /** A member of the support team is in the conversation; the assistant is paused. */
  support: boolean;
  /** Support joining and leaving, for the conversation to show. A new array only when it changes. */
  events: readonly ConversationEvent[];
}

export type Listener = (state: ChatState) => void;

type TimerName = "retryTimer" | "helloTimer" | "typingIdle" | "typingCooldown" | "supportCheck";

export const NOTICES = {
  unavailable: "We're taking longer than usual. Your message is saved and will be answered.",
  forbidden: "This chat can't be opened from here right now. Reloading the page usually helps.",
  error: "Something went wrong. Please try again.",
  consent: "Please read the privacy notice and agree to it. Your message is kept and will be sent then.",
  erased: "Everything you wrote here has been deleted.",
} as const;

const FAILED_DETAIL: Record<string, string> = {
  invalid: "This message couldn't be sent.",
  too_long: "This message is too long (4,000 characters at most).",
  rate_limited: "You're sending messages quickly. Please wait a moment, then try again.",
};

const CLOSE_FORBIDDEN = 4403;
const CLOSE_ERASED = 4410;
/** A socket that opens but never says hello (a captive portal, a half-dead mobile link) is retried. */
export const HELLO_TIMEOUT_MS = 15_000;
export const TYPING_THROTTLE_MS = 1_000;
export const TYPING_IDLE_MS = 4_000;
/**
 * The server re-sends `support.joined` right after hello while the support team is there. If a reconnect's hello
 * is not followed by it within this long, they left while the page was away.
 */
export const SUPPORT_RESEND_MS = 5_000;

/**
 * Everything about talking to the server: the connection and its retries, the outbox, resume after
 * reconnects, and the message timeline. No DOM: everything it touches is injected.
 */
export class ChatClient {
  private readonly deps: ChatClientDeps;
  private readonly outbox: Outbox;
  private readonly timeline = new Timeline();
  private readonly seqs = new SeqTracker();
  private readonly listeners = new Set<Listener>();

  private socket: WebSocketLike | null = null;
  private connection: ConnectionState = "connecting";
  private conversationId: string | null = null;
  /** A hello arrived on the current socket, and no conversation.new is waiting for its answer. */
  private ready = false;
  private everConnected = false;
  private started = false;
  private offline = false;
  /** Set by `forbidden` or `dispose()`: no more connecting. */
  private stopped = false;
  private attempt = 0;
  private retryTimer: number | null = null;
  private helloTimer: number | null = null;
  private notice: string | null = null;
  private consent: ConsentState = "unknown";
  private erasures = 0;
  /**
   * Set by an erasure until the next hello. The erasure replaces the session cookie, and a socket opened just
   * before the browser has the new one is refused for want of a session: that refusal is retried, not final.
   */
  private afterErasure = false;
  private readonly typing: Record<TypingRole, boolean> = { assistant: false, moderator: false };
  /** client_ids given up when outbox messages moved to a new conversation; late acks for them are ignored. */
  private readonly retired = new Set<string>();

  private crisis: CrisisAlert | null = null;
  private support = false;
  private events: readonly ConversationEvent[] = [];
  private eventCount = 0;
  /** The conversation's highest sequence number as far as this page knows (hello's last_seq, or one seen since). */
  private highestSeq = 0;
  private supportCheck: number | null = null;

  private typingWanted = false;
  private typingSent = false;
  private typingCooldown: number | null = null;
  private typingIdle: number | null = null;

  constructor(deps: ChatClientDeps) {
    this.deps = deps;
    this.outbox = new Outbox(deps.storage);
    for (const entry of this.outbox.entries()) this.timeline.addLocal(entry.client_id, entry.text);
  }

  // Public API.

  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    if (this.offline) return;
    this.connect();
  }

  /** The browser lost its network: close the socket and stop retrying until goOnline(). */
  goOffline(): void {
    if (this.stopped) return;
    this.offline = true;
    this.clearTimer("retryTimer");
    this.dropSocket();
    this.connection = "offline";
    this.emit();
  }

  /** The network is back: reconnect at once rather than waiting out the backoff. */
  goOnline(): void {
    if (this.stopped) return;
    this.offline = false;
    if (!this.started || this.socket !== null) return;
    this.attempt = 0;
    this.connect();
  }

  /** Queues a message (kept across reloads until acknowledged) and sends it if connected. */
  send(text: string): string | null {
    if (text.trim() === "") return null;
    const clientId = this.deps.uuid();
    this.outbox.add({ client_id: clientId, text });
    this.timeline.addLocal(clientId, text);
    if (this.ready && this.consent !== "required") this.transmit({ type: "message.send", client_id: clientId, text });
    this.setTyping(false);
    this.emit();
    return clientId;
  }

  /** Removes a failed message and returns its text, for the person to edit and send again. */
  editFailed(clientId: string): string | null {
    const removed = this.timeline.removeFailed(clientId);
    if (!removed) return null;
    this.emit();
    return removed.text;
  }

  /** Asks for a fresh conversation; false when not connected (the request could not be made). */
  newConversation(): boolean {
    if (!this.ready) return false;
    this.transmit({ type: "conversation.new" });
    // Until the new hello, anything sent would land in a conversation the person is leaving.
    this.ready = false;
    return true;
  }

  /** The person is (not) typing. Frames are sent only on change, at most one per throttle interval. */
  setTyping(state: boolean): void {
    this.typingWanted = state;
    this.clearTimer("typingIdle");
    if (state) this.typingIdle = this.deps.timers.setTimeout(() => this.setTyping(false), TYPING_IDLE_MS);
    this.flushTyping();
  }

  /** What the page learnt about consent. Giving it sends the messages that were waiting for it. */
  setConsent(given: boolean): void {
    const before = this.consent;
    this.consent = given ? "given" : "required";
    if (before === this.consent) return;
    if (given && before === "required") {
      if (this.notice === NOTICES.consent) this.notice = null;
      if (this.ready) this.sendOutbox();
    }
    this.emit();
  }

  /** A notice from elsewhere on the page (the privacy controls), shown where the chat shows its own. */
  setNotice(text: string | null): void {
    if (this.notice === text) return;
    this.notice = text;
    this.emit();
  }

  /**
   * The person erased everything (the erase request succeeded): forget it all and reconnect at once, so that
   * the new socket carries the session cookie the erasure set.
   */
  reset(): void {
    this.wipe();
    if (this.started && !this.stopped && !this.offline) {
      this.attempt = 0;
      this.connect();
    }
    this.emit();
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  getState(): ChatState {
    return {
      connection: this.connection,
      conversationId: this.conversationId,
      messages: this.timeline.list(),
      typing: { ...this.typing },
      awaitingReplyTo: this.timeline.awaitingReplyTo(),
      notice: this.notice,
      consent: this.consent,
      erasures: this.erasures,
      crisis: this.crisis,
      support: this.support,
      events: this.events,
    };
  }

  /** Closes everything for good (tests, page teardown). */
  dispose(): void {
    this.stopped = true;
    this.clearTimer("retryTimer");
    this.clearTimer("typingIdle");
    this.clearTimer("typingCooldown");
    this.clearTimer("supportCheck");
    this.dropSocket();
    this.listeners.clear();
  }

  // Connection.

  private connect(): void {
    this.clearTimer("retryTimer");
    this.dropSocket();
    this.connection = this.everConnected ? "reconnecting" : "connecting";
    this.emit();
    let socket: WebSocketLike;
    try {
      const { url } = this.deps;
      socket = this.deps.createSocket(typeof url === "function" ? url() : url);
    } catch {
      this.scheduleReconnect();
      this.emit();
      return;
    }
    this.socket = socket;
    socket.onmessage = (event) => {
      if (this.socket === socket) this.receive(event.data);
    };
    socket.onclose = (event) => {
      if (this.socket === socket) this.closed(event.code);
    };
    // The close event that follows an error is what triggers the retry.
    socket.onerror = null;
    this.helloTimer = this.deps.timers.setTimeout(() => {
      this.helloTimer = null;
      if (this.socket !== socket) return;
      this.dropSocket();
      this.scheduleReconnect();
      this.emit();
    }, HELLO_TIMEOUT_MS);
  }

  private closed(code: number): void {
    this.socket = null;
    this.afterSocketGone();
    // The server closes every socket of a person who erased their data; it is over, not broken: start afresh.
    if (code === CLOSE_ERASED) this.wipe();
    if (code === CLOSE_FORBIDDEN && !this.afterErasure) {
      this.forbid();
      return;
    }
    if (this.offline || this.stopped) return;
    this.scheduleReconnect();
    this.emit();
  }

  private scheduleReconnect(): void {
    this.connection = "reconnecting";
    const delay = backoffDelay(this.attempt, this.deps.random, this.deps.backoff ?? DEFAULT_BACKOFF);
    this.attempt += 1;
    this.retryTimer = this.deps.timers.setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }

  private forbid(): void {
    this.stopped = true;
    this.clearTimer("retryTimer");
    this.dropSocket();
    this.notice = NOTICES.forbidden;
    // Not "offline": nothing will be sent by waiting, and the page must not promise it.
    this.connection = "closed";
    this.emit();
  }

  /** Detaches and closes the current socket; its late events are ignored. */
  private dropSocket(): void {
    const socket = this.socket;
    if (!socket) return;
    this.socket = null;
    socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
    try {
      socket.close(1000);
    } catch {
      // Nothing to do: the socket is detached and forgotten either way.
    }
    this.afterSocketGone();
  }

  /** Ephemeral state belongs to a socket and ends with it. */
  private afterSocketGone(): void {
    this.clearTimer("helloTimer");
    this.ready = false;
    this.typing.assistant = false;
    this.typing.moderator = false;
    this.typingSent = false;
    this.clearTimer("typingCooldown");
    // Whether the support team is still there is learnt after the next hello (see SUPPORT_RESEND_MS).
    this.clearTimer("supportCheck");
  }

  private transmit(frame: ClientFrame): void {
    if (!this.socket) return;
    try {
      this.socket.send(JSON.stringify(frame));
    } catch {
      // The socket is closing; its close event will bring a reconnect and a resend.
    }
  }

  // Incoming frames.

  private receive(raw: unknown): void {
    const frame = parseServerFrame(raw);
    if (!frame) return;
    this.handle(frame);
    this.emit();
  }

  private handle(frame: ServerFrame): void {
    switch (frame.type) {
      case "hello":
        this.hello(frame.conversation_id, frame.last_seq);
        break;
      case "message.ack":
        if (frame.client_id !== null) {
          if (this.retired.has(frame.client_id)) return;
          this.outbox.remove(frame.client_id);
        }
        this.timeline.upsert(frame.message);
        this.see(frame.message.seq);
        break;
      case "message.emotion":
        this.timeline.setEmotion(frame.message_id, {
          labels: frame.labels,
          group: frame.group,
          sentiment: frame.sentiment,
        });
        this.see(frame.seq);
        break;
      case "reply.start":
        this.timeline.startReply(frame.message_id, frame.reply_to);
        if (this.notice === NOTICES.unavailable) this.notice = null;
        break;
      case "reply.delta":
        this.timeline.appendReply(frame.message_id, frame.text);
        break;
      case "reply.end":
      case "message.new":
        this.timeline.upsert(frame.message);
        this.see(frame.message.seq);
        break;
      case "typing":
        this.typing[frame.role] = frame.state;
        break;
      case "error":
        this.error(frame);
        break;
      case "privacy.erased":
        this.wipe();
        // The close with 4410 follows; nothing more goes out on this socket.
        this.ready = false;
        break;
      case "crisis.resources":
        this.crisisResources(frame);
        break;
      case "support.joined":
        // After a reconnect this is the re-send that says they are still there: nothing new to show.
        this.clearTimer("supportCheck");
        if (!this.support) this.setSupport(true);
        break;
      case "support.left":
        this.clearTimer("supportCheck");
        if (this.support) this.setSupport(false);
        break;
    }
  }

  private see(seq: number): void {
    this.seqs.see(seq);
    this.highestSeq = Math.max(this.highestSeq, seq);
  }

  /** Only a higher level changes what is shown: re-sends after a reconnect, and lower levels, change nothing. */
  private crisisResources(frame: CrisisResourcesFrame): void {
    const current = this.crisis;
    if (current !== null && CRISIS_LEVELS.indexOf(frame.level) <= CRISIS_LEVELS.indexOf(current.level)) return;
    this.crisis = { level: frame.level, country: frame.country, resources: frame.resources };
  }

  private setSupport(present: boolean): void {
    this.support = present;
    this.addEvent(present ? "support.joined" : "support.left");
  }

  private addEvent(kind: ConversationEventKind): void {
    this.eventCount += 1;
    this.events = [...this.events, { key: `e:${this.eventCount}`, kind, afterSeq: this.highestSeq }];
  }

  /** A different conversation, or none: its support team and its notices stay with it. */
  private forgetSupport(): void {
    this.clearTimer("supportCheck");
    this.support = false;
    if (this.events.length > 0) this.events = [];
    this.highestSeq = 0;
  }

  private hello(conversationId: string, lastSeq: number): void {
    this.clearTimer("helloTimer");
    if (conversationId !== this.conversationId) this.beginConversation(conversationId);
    this.highestSeq = Math.max(this.highestSeq, lastSeq);
    if (this.support) {
      this.clearTimer("supportCheck");
      this.supportCheck = this.deps.timers.setTimeout(() => {
        this.supportCheck = null;
        if (!this.support) return;
        this.setSupport(false);
        this.emit();
      }, SUPPORT_RESEND_MS);
    }
    this.attempt = 0;
    this.everConnected = true;
    this.ready = true;
    this.connection = "open";
    this.afterErasure = false;
    this.transmit({ type: "resume", after_seq: this.seqs.watermark });
    if (this.consent !== "required") this.sendOutbox();
    this.flushTyping();
  }

  private sendOutbox(): void {
    for (const entry of this.outbox.entries()) {
      this.transmit({ type: "message.send", client_id: entry.client_id, text: entry.text });
    }
  }

  /** After an erasure: nothing of the person's is kept, not even unsent messages, and consent went too. */
  private wipe(): void {
    if (!this.afterErasure) this.erasures += 1;
    this.afterErasure = true;
    this.outbox.clear();
    this.timeline.clear();
    this.seqs.reset();
    this.retired.clear();
    this.conversationId = null;
    this.consent = "required";
    this.notice = NOTICES.erased;
    // Helplines stay in reach through the header's button, but nothing here may recall what was written.
    this.crisis = null;
    this.forgetSupport();
  }

  private beginConversation(conversationId: string): void {
    const previous = this.conversationId;
    this.conversationId = conversationId;
    this.seqs.reset();
    this.timeline.resetToLocal();
    this.forgetSupport();
    // First hello of this page (or after an erasure): the outbox belongs to this conversation, and the notice
    // (the erasure's, say) is still news.
    if (previous === null) return;
    this.notice = null;
    // Unacknowledged messages move to the new conversation under fresh client_ids: if the old id had in
    // fact been stored in the old conversation, resending it could bring back that conversation's ack.
    for (const entry of [...this.outbox.entries()]) {
      const fresh = this.deps.uuid();
      this.retired.add(entry.client_id);
      this.outbox.rename(entry.client_id, fresh);
      this.timeline.renameLocal(entry.client_id, fresh);
    }
  }

  private error(frame: ErrorFrame): void {
    const clientId = frame.client_id;
    switch (frame.code) {
      case "forbidden":
        // The close that follows brings the retry (see afterErasure).
        if (!this.afterErasure) this.forbid();
        return;
      case "consent_required":
        // Nothing was stored: the message stays in the outbox and goes out once the person has agreed.
        this.consent = "required";
        this.notice = NOTICES.consent;
        return;
      case "unavailable":
        this.notice = NOTICES.unavailable;
        return;
      case "invalid":
      case "too_long":
      case "rate_limited":
        if (clientId !== null && this.outbox.remove(clientId)) {
          this.timeline.markFailed(clientId, frame.detail || FAILED_DETAIL[frame.code]);
          return;
        }
        break;
    }
    this.notice = frame.detail || NOTICES.error;
  }

  // Typing.

  private flushTyping(): void {
    if (!this.ready || this.typingCooldown !== null || this.typingWanted === this.typingSent) return;
    this.transmit({ type: "typing", state: this.typingWanted });
    this.typingSent = this.typingWanted;
    this.typingCooldown = this.deps.timers.setTimeout(() => {
      this.typingCooldown = null;
      this.flushTyping();
    }, TYPING_THROTTLE_MS);
  }

  // Helpers.

  private clearTimer(name: TimerName): void {
    const id = this[name];
    if (id !== null) this.deps.timers.clearTimeout(id);
    this[name] = null;
  }

  private emit(): void {
    if (this.listeners.size === 0) return;
    const state = this.getState();
    for (const listener of this.listeners) listener(state);
  }
}
