import { ConversationState, type ConsentState, type CrisisAlert } from "./conversation";
import { messages } from "./i18n";
import type { ConversationEvent } from "./events";
import type { StorageLike } from "./outbox";
import type { ClientFrame, ConversationSummary, HelloFrame, TypingRole } from "./protocol";
import { parseServerFrame } from "./protocol-read";
import {
  DEFAULT_BACKOFF,
  ReconnectingSocket,
  type BackoffOptions,
  type Timers,
  type WebSocketLike,
} from "./reconnect";
import type { ChatMessage } from "./timeline";
import { TypingSender } from "./typing-sender";

export type { ConsentState, CrisisAlert } from "./conversation";
export { SUPPORT_RESEND_MS } from "./conversation";
export type { Timers, WebSocketLike } from "./reconnect";
export { TYPING_IDLE_MS, TYPING_THROTTLE_MS } from "./typing-sender";

export type ConnectionState = "connecting" | "open" | "reconnecting" | "offline" | "closed";

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
   * new conversations and an erasure included: helplines recall nothing the person wrote). A new object only when
   * it changes.
   */
  crisis: CrisisAlert | null;
  /** A member of the support team is in the conversation; the assistant is paused. */
  support: boolean;
  /** Support joining and leaving, for the conversation to show. A new array only when it changes. */
  events: readonly ConversationEvent[];
}

export type Listener = (state: ChatState) => void;
/** What came of asking for the person's conversations, or for one of them: the list, or "that one is not yours". */
export type ConversationsListener = (answer: readonly ConversationSummary[] | "not_found") => void;

const CLOSE_FORBIDDEN = 4403;
const CLOSE_ELSEWHERE = 4409;
const CLOSE_ERASED = 4410;
/** A socket that opens but never says hello (a captive portal, a half-dead mobile link) is retried. */
export const HELLO_TIMEOUT_MS = 15_000;

/**
 * The chat's connection: the socket and its retries, hello and resume, and what goes out (the outbox, typing).
 * What each incoming frame does to the conversation is ConversationState's (conversation.ts). No DOM:
 * everything it touches is injected.
 */
export class ChatClient {
  private readonly deps: ChatClientDeps;
  private readonly socket: ReconnectingSocket;
  private readonly conversation: ConversationState;
  private readonly typing: TypingSender;
  private readonly listeners = new Set<Listener>();
  private readonly conversationsListeners = new Set<ConversationsListener>();
  /** A conversation.open waits for its hello (or its refusal). */
  private opening = false;

  private connection: ConnectionState = "connecting";
  /** A hello arrived on the current socket, and no conversation.new is waiting for its answer. */
  private ready = false;
  private everConnected = false;
  private started = false;
  private offline = false;
  /** Set by `forbidden` or `dispose()`: no more connecting. */
  private stopped = false;
  private helloTimer: number | null = null;

  constructor(deps: ChatClientDeps) {
    this.deps = deps;
    this.conversation = new ConversationState({
      storage: deps.storage,
      uuid: deps.uuid,
      timers: deps.timers,
      changed: () => this.emit(),
    });
    this.typing = new TypingSender(
      deps.timers,
      () => this.ready,
      (state) => this.transmit({ type: "typing", state }),
    );
    this.socket = new ReconnectingSocket(
      { ...deps, backoff: deps.backoff ?? DEFAULT_BACKOFF },
      {
        connecting: () => {
          this.connection = this.everConnected ? "reconnecting" : "connecting";
          this.emit();
        },
        created: () => this.awaitHello(),
        message: (data) => this.receive(data),
        gone: () => this.socketGone(),
        closed: (code) => this.closed(code),
        retrying: () => {
          this.connection = "reconnecting";
          this.emit();
        },
      },
    );
  }

  // Public API.

  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    if (this.offline) return;
    this.socket.connect();
  }

  /** The browser lost its network: close the socket and stop retrying until goOnline(). */
  goOffline(): void {
    if (this.stopped) return;
    this.offline = true;
    this.socket.cancelRetry();
    this.socket.drop();
    this.connection = "offline";
    this.emit();
  }

  /** The network is back: reconnect at once rather than waiting out the backoff. */
  goOnline(): void {
    if (this.stopped) return;
    this.offline = false;
    if (!this.started || this.socket.current !== null) return;
    this.socket.resetBackoff();
    this.socket.connect();
  }

  /** Queues a message (kept across reloads until acknowledged) and sends it if connected. */
  send(text: string): string | null {
    if (text.trim() === "") return null;
    const clientId = this.deps.uuid();
    this.conversation.addLocal(clientId, text);
    if (this.ready && this.conversation.consent !== "required") {
      this.transmit({ type: "message.send", client_id: clientId, text });
    }
    this.setTyping(false);
    this.emit();
    return clientId;
  }

  /** Removes a failed message and returns its text, for the person to edit and send again. */
  editFailed(clientId: string): string | null {
    const removed = this.conversation.timeline.removeFailed(clientId);
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

  /** Asks for the person's conversations (answered to onConversations); false when not connected. */
  listConversations(): boolean {
    if (!this.ready) return false;
    this.transmit({ type: "conversations.list" });
    return true;
  }

  /** Goes back to one of the person's conversations; false when not connected (the request could not be made). */
  openConversation(id: string): boolean {
    if (!this.ready) return false;
    this.transmit({ type: "conversation.open", id });
    // As for a new conversation: until its hello, anything sent would land in the one being left.
    this.ready = false;
    this.opening = true;
    return true;
  }

  onConversations(listener: ConversationsListener): () => void {
    this.conversationsListeners.add(listener);
    return () => void this.conversationsListeners.delete(listener);
  }

  /** The person is (not) typing. Frames are sent only on change, at most one per throttle interval. */
  setTyping(state: boolean): void {
    this.typing.set(state);
  }

  /** What the page learnt about consent. Giving it sends the messages that were waiting for it. */
  setConsent(given: boolean): void {
    const released = this.conversation.setConsent(given);
    if (released === null) return;
    if (released && this.ready) this.sendOutbox();
    this.emit();
  }

  /** A notice from elsewhere on the page (the privacy controls), shown where the chat shows its own. */
  setNotice(text: string | null): void {
    if (this.conversation.notice === text) return;
    this.conversation.notice = text;
    this.emit();
  }

  /**
   * The person erased everything (the erase request succeeded): forget it all and reconnect at once, so that
   * the new socket carries the session cookie the erasure set.
   */
  reset(): void {
    this.conversation.wipe();
    if (this.started && !this.stopped && !this.offline) {
      this.socket.resetBackoff();
      this.socket.connect();
    }
    this.emit();
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  getState(): ChatState {
    const conversation = this.conversation;
    return {
      connection: this.connection,
      conversationId: conversation.conversationId,
      messages: conversation.messages,
      typing: { ...conversation.typing },
      awaitingReplyTo: conversation.timeline.awaitingReplyTo(),
      notice: conversation.notice,
      consent: conversation.consent,
      erasures: conversation.erasures,
      crisis: conversation.crisis,
      support: conversation.support,
      events: conversation.events,
    };
  }

  /** Closes everything for good (tests, page teardown). */
  dispose(): void {
    this.stopped = true;
    this.socket.cancelRetry();
    this.typing.dispose();
    this.conversation.dispose();
    this.socket.drop();
    this.listeners.clear();
    this.conversationsListeners.clear();
  }

  // Connection.

  private awaitHello(): void {
    const socket = this.socket.current;
    this.helloTimer = this.deps.timers.setTimeout(() => {
      this.helloTimer = null;
      if (this.socket.current !== socket) return;
      this.socket.drop();
      this.socket.retryLater();
    }, HELLO_TIMEOUT_MS);
  }

  /** Whether to come back after the server or the network closed the socket. */
  private closed(code: number): boolean {
    // The server closes every socket of a person who erased their data; it is over, not broken: start afresh.
    if (code === CLOSE_ERASED) this.conversation.wipe();
    if (code === CLOSE_FORBIDDEN && !this.conversation.afterErasure) {
      this.forbid();
      return false;
    }
    // The person opened the chat in another tab or window, and this one is the oldest: coming back on our
    // own would close that one in turn.
    if (code === CLOSE_ELSEWHERE) {
      this.forbid(messages().chat.notices.elsewhere);
      return false;
    }
    return !this.offline && !this.stopped;
  }

  private forbid(notice: string = messages().chat.notices.forbidden): void {
    this.stopped = true;
    this.socket.cancelRetry();
    this.socket.drop();
    this.conversation.notice = notice;
    // Not "offline": nothing will be sent by waiting, and the page must not promise it.
    this.connection = "closed";
    this.emit();
  }

  /** Ephemeral state belongs to a socket and ends with it. */
  private socketGone(): void {
    this.clearHelloTimer();
    this.ready = false;
    this.opening = false;
    this.conversation.socketGone();
    this.typing.socketGone();
  }

  private clearHelloTimer(): void {
    if (this.helloTimer !== null) this.deps.timers.clearTimeout(this.helloTimer);
    this.helloTimer = null;
  }

  private transmit(frame: ClientFrame): void {
    // A socket that is closing refuses it; its close event brings a reconnect and a resend.
    this.socket.send(JSON.stringify(frame));
  }

  // Incoming frames.

  private receive(raw: unknown): void {
    const frame = parseServerFrame(raw);
    if (!frame) return;
    if (frame.type === "hello") {
      this.opening = false;
      this.hello(frame);
    } else if (frame.type === "conversations") {
      for (const listener of this.conversationsListeners) listener(frame.conversations);
      return;
    } else if (frame.type === "error" && frame.code === "not_found" && this.opening) {
      // Refused, nothing changed: the page stays in the conversation it is in.
      this.opening = false;
      this.ready = true;
      for (const listener of this.conversationsListeners) listener("not_found");
      return;
    } else {
      const outcome = this.conversation.apply(frame);
      if (outcome === "forbidden") this.forbid();
      else if (outcome === "erased") this.ready = false;
    }
    this.emit();
  }

  private hello(frame: HelloFrame): void {
    this.clearHelloTimer();
    this.conversation.hello(frame);
    this.socket.resetBackoff();
    this.everConnected = true;
    this.ready = true;
    this.connection = "open";
    this.transmit({ type: "resume", after_seq: this.conversation.watermark });
    if (this.conversation.consent !== "required") this.sendOutbox();
    this.typing.flush();
  }

  private sendOutbox(): void {
    for (const entry of this.conversation.outbox.entries()) {
      this.transmit({ type: "message.send", client_id: entry.client_id, text: entry.text });
    }
  }

  private emit(): void {
    if (this.listeners.size === 0) return;
    const state = this.getState();
    for (const listener of this.listeners) listener(state);
  }
}
