import type { ConversationEvent, ConversationEventKind } from "./events";
import { lookup, messages } from "./i18n";
import { Outbox, type StorageLike } from "./outbox";
import {
  CRISIS_LEVELS,
  type CrisisLevel,
  type ConversationsFrame,
  type CrisisResourcesFrame,
  type ErrorFrame,
  type HelloFrame,
  type Resource,
  type ServerFrame,
  type TypingRole,
} from "./protocol";
import type { Timers } from "./reconnect";
import { SeqTracker } from "./seqs";
import { Timeline, type ChatMessage } from "./timeline";

/**
 * Whether the person has agreed to the privacy notice. "unknown" until the page has asked the server; messages
 * still go out then, since the server is the one that decides. "required": messages wait in the outbox.
 */
export type ConsentState = "unknown" | "given" | "required";

/** What the server said about the person's safety: the most worrying level heard, with its helplines. */
export interface CrisisAlert {
  readonly level: CrisisLevel;
  readonly country: string | null;
  readonly resources: readonly Resource[];
}

/**
 * The server re-sends `support.joined` right after hello while the support team is there. If a reconnect's hello
 * is not followed by it within this long, they left while the page was away.
 */
export const SUPPORT_RESEND_MS = 5_000;

export interface ConversationDeps {
  /** Where unacknowledged messages are kept across reloads. */
  storage: StorageLike;
  /** A fresh UUID4, for client_id. */
  uuid: () => string;
  timers: Timers;
  /** Something changed on its own (a timer ran out), for the page to show. */
  changed: () => void;
}

/** What a frame asks of the connection, beyond the conversation's own state. */
export type FrameOutcome = "forbidden" | "erased" | null;

/**
 * What the server has said about the conversation, one incoming frame at a time: the timeline and its sequence
 * numbers, the outbox's acknowledgements and failures, typing, crisis helplines, the support team, notices and
 * consent. The connection (client.ts) decides when frames arrive and what goes out; nothing here sends.
 */
export class ConversationState {
  readonly outbox: Outbox;
  readonly timeline = new Timeline();
  private readonly seqs = new SeqTracker();

  conversationId: string | null = null;
  notice: string | null = null;
  consent: ConsentState = "unknown";
  /** How many times the person's data was erased while this page was open. */
  erasures = 0;
  /**
   * Set by an erasure until the next hello. The erasure replaces the session cookie, and a socket opened just
   * before the browser has the new one is refused for want of a session: that refusal is retried, not final.
   */
  afterErasure = false;
  readonly typing: Record<TypingRole, boolean> = { assistant: false, moderator: false };
  crisis: CrisisAlert | null = null;
  support = false;
  events: readonly ConversationEvent[] = [];

  /** client_ids given up when outbox messages moved to a new conversation; late acks for them are ignored. */
  private readonly retired = new Set<string>();
  private eventCount = 0;
  /** The conversation's highest sequence number as far as this page knows (hello's last_seq, or one seen since). */
  private highestSeq = 0;
  private supportCheck: number | null = null;

  constructor(private readonly deps: ConversationDeps) {
    this.outbox = new Outbox(deps.storage);
    for (const entry of this.outbox.entries()) this.timeline.addLocal(entry.client_id, entry.text);
  }

  /** Where a resume starts: every message up to here has been seen. */
  get watermark(): number {
    return this.seqs.watermark;
  }

  /** A message the person wrote, kept until acknowledged. */
  addLocal(clientId: string, text: string): void {
    this.outbox.add({ client_id: clientId, text });
    this.timeline.addLocal(clientId, text);
  }

  /** Whether messages held back for consent may now go out; null when nothing changed. */
  setConsent(given: boolean): boolean | null {
    const before = this.consent;
    this.consent = given ? "given" : "required";
    if (before === this.consent) return null;
    if (!given || before !== "required") return false;
    if (this.notice === messages().chat.notices.consent) this.notice = null;
    return true;
  }

  /** A hello on a new socket: a different conversation starts afresh; the same one is resumed by the caller. */
  hello(frame: HelloFrame): void {
    if (frame.conversation_id !== this.conversationId) this.beginConversation(frame.conversation_id);
    this.highestSeq = Math.max(this.highestSeq, frame.last_seq);
    if (this.support) {
      this.clearSupportCheck();
      this.supportCheck = this.deps.timers.setTimeout(() => {
        this.supportCheck = null;
        if (!this.support) return;
        this.setSupport(false);
        this.deps.changed();
      }, SUPPORT_RESEND_MS);
    }
    this.afterErasure = false;
  }

  /** Every frame but hello, and the list of past conversations (not about this conversation). */
  apply(frame: Exclude<ServerFrame, HelloFrame | ConversationsFrame>): FrameOutcome {
    switch (frame.type) {
      case "message.ack":
        if (frame.client_id !== null) {
          if (this.retired.has(frame.client_id)) return null;
          this.outbox.remove(frame.client_id);
        }
        this.timeline.upsert(frame.message);
        this.see(frame.message.seq);
        return null;
      case "message.emotion":
        this.timeline.setEmotion(frame.message_id, {
          labels: frame.labels,
          group: frame.group,
          sentiment: frame.sentiment,
        });
        this.see(frame.seq);
        return null;
      case "reply.start":
        this.timeline.startReply(frame.message_id, frame.reply_to);
        if (this.notice === messages().chat.notices.unavailable) this.notice = null;
        return null;
      case "reply.delta":
        this.timeline.appendReply(frame.message_id, frame.text);
        return null;
      case "reply.end":
      case "message.new":
        this.timeline.upsert(frame.message);
        this.see(frame.message.seq);
        return null;
      case "typing":
        this.typing[frame.role] = frame.state;
        return null;
      case "error":
        return this.error(frame);
      case "privacy.erased":
        this.wipe();
        // The close with 4410 follows; nothing more goes out on this socket.
        return "erased";
      case "crisis.resources":
        this.crisisResources(frame);
        return null;
      case "support.joined":
        // After a reconnect this is the re-send that says they are still there: nothing new to show.
        this.clearSupportCheck();
        if (!this.support) this.setSupport(true);
        return null;
      case "support.left":
        this.clearSupportCheck();
        if (this.support) this.setSupport(false);
        return null;
    }
  }

  /** Ephemeral state belongs to a socket and ends with it. */
  socketGone(): void {
    this.typing.assistant = false;
    this.typing.moderator = false;
    // Whether the support team is still there is learnt after the next hello (see SUPPORT_RESEND_MS).
    this.clearSupportCheck();
  }

  /** After an erasure: nothing of the person's is kept, not even unsent messages, and consent went too. */
  wipe(): void {
    if (!this.afterErasure) this.erasures += 1;
    this.afterErasure = true;
    this.outbox.clear();
    this.timeline.clear();
    this.seqs.reset();
    this.retired.clear();
    this.conversationId = null;
    this.consent = "required";
    this.notice = messages().chat.notices.erased;
    // The helplines stay: someone who erases everything while at risk still needs them, and they recall nothing
    // the person wrote (a level, a country and public numbers).
    this.forgetSupport();
  }

  dispose(): void {
    this.clearSupportCheck();
  }

  get messages(): readonly ChatMessage[] {
    return this.timeline.list();
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
    this.clearSupportCheck();
    this.support = false;
    if (this.events.length > 0) this.events = [];
    this.highestSeq = 0;
  }

  private clearSupportCheck(): void {
    if (this.supportCheck !== null) this.deps.timers.clearTimeout(this.supportCheck);
    this.supportCheck = null;
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

  private error(frame: ErrorFrame): FrameOutcome {
    const clientId = frame.client_id;
    switch (frame.code) {
      case "forbidden":
        // The close that follows brings the retry (see afterErasure).
        return this.afterErasure ? null : "forbidden";
      case "consent_required":
        // Nothing was stored: the message stays in the outbox and goes out once the person has agreed.
        this.consent = "required";
        this.notice = messages().chat.notices.consent;
        return null;
      case "unavailable":
        this.notice = messages().chat.notices.unavailable;
        return null;
      case "elsewhere":
        this.notice = messages().chat.notices.elsewhere;
        return null;
      case "invalid":
      case "too_long":
      case "rate_limited":
        if (clientId !== null && this.outbox.remove(clientId)) {
          this.timeline.markFailed(clientId, frame.detail || (lookup(messages().chat.failed, frame.code) ?? ""));
          return null;
        }
        break;
    }
    this.notice = frame.detail || messages().chat.notices.error;
    return null;
  }
}
