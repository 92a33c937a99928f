// The moderators' queue and case pages, live over /ws/moderation/ (conversations' ModerationConsumer).
// Queue page: each case.updated frame re-fetches the page and swaps the results table in place.
// Case page, once joined: follows the case, showing the person's messages and typing as they come.
import { messages } from "../i18n";
import type { Message } from "../protocol";
import { ReconnectingSocket, type BackoffOptions, type ReconnectDeps } from "../reconnect";
import { ALERTING_LEVELS, caseAlert, parseModerationFrame, type CaseAlert, type ModerationFrame } from "./frames";

/** 1 s, 2 s, 4 s … 30 s, jittered so that every page does not come back at once after a restart. */
export const MODERATION_BACKOFF: BackoffOptions = { baseMs: 1_000, factor: 2, capMs: 30_000, jitter: 0.5 };
const CLOSE_FORBIDDEN = 4403;
/** At most one "typing" this often while keys are pressed… */
export const TYPING_EVERY_MS = 3_000;
/** …and "stopped" after this long without one. */
export const TYPING_IDLE_MS = 4_000;
/** The person's "stopped" may be lost (their page closed): the indicator does not outlive this. */
export const PERSON_TYPING_MS = 10_000;

/** What the page shows, and where. Each part is there on one kind of page only; the flags say which. */
export interface ModerationView {
  /** The queue's results table (#changelist-form). */
  readonly hasQueue: boolean;
  /** The joined case's id (#live), or null: only then is the case followed and typing sent. */
  readonly liveCaseId: string | null;
  /** The list of the conversation's messages (#live-messages). */
  readonly hasMessages: boolean;
  /** "The person is typing…" (#live-typing). */
  readonly hasPersonTyping: boolean;
  /** Where the queue lives (data-queue-url), for a notification to open a case; null when the page lacks it. */
  readonly queueUrl: string | null;
  /** The ids of the messages the server already put on the page. */
  shownMessageIds(): Iterable<string>;
  say(text: string): void;
  /** `at`: when it was written (ISO 8601), shown in the moderator's own time zone. */
  appendMessage(role: string, text: string, at: string): void;
  setPersonTyping(shown: boolean): void;
  clearDraft(): void;
}

/** The reply to the moderator's message, read as JSON. */
export interface ResponseLike {
  json(): Promise<unknown>;
}

export interface ModerationDeps {
  view: ModerationView;
  socket: Omit<ReconnectDeps, "backoff">;
  now: () => number;
  /** Fetches this page again and puts its table in place of the current one. */
  reloadQueue: () => Promise<void>;
  /** Posts the moderator's message form; null when the request could not be made. */
  postMessage: () => Promise<ResponseLike | null>;
  /** A case that needs someone now: a tone, and a desktop notification where allowed. */
  alert: (alert: CaseAlert) => void;
}

export class ModerationPage {
  private readonly socket: ReconnectingSocket;
  private readonly seen: Set<string>;
  private open = false;
  private typingSentAt = 0;
  private idleTimer: number | null = null;
  private personTypingTimer: number | null = null;
  private fetching = false;
  private fetchAgain = false;

  constructor(private readonly deps: ModerationDeps) {
    this.seen = new Set(deps.view.shownMessageIds());
    this.socket = new ReconnectingSocket(
      { ...deps.socket, backoff: MODERATION_BACKOFF },
      {
        open: () => this.opened(),
        message: (data) => {
          const frame = parseModerationFrame(data);
          if (frame) this.handle(frame);
        },
        gone: () => {
          this.open = false;
        },
        closed: (code) => {
          if (code !== CLOSE_FORBIDDEN) return true;
          this.deps.view.say(messages().moderation.forbidden);
          return false;
        },
        retrying: (delayMs) => this.deps.view.say(messages().moderation.retrying(Math.round(delayMs / 1000))),
      },
    );
  }

  start(): void {
    this.socket.connect();
  }

  /** A key was pressed in the message box. */
  typed(): void {
    if (this.deps.now() - this.typingSentAt > TYPING_EVERY_MS) {
      this.typingSentAt = this.deps.now();
      this.sendTyping(true);
    }
    this.clearIdle();
    this.idleTimer = this.deps.socket.timers.setTimeout(() => {
      this.idleTimer = null;
      this.typingSentAt = 0;
      this.sendTyping(false);
    }, TYPING_IDLE_MS);
  }

  /** Sent without reloading; the message comes back over the socket like the person's do. */
  async submit(): Promise<void> {
    this.clearIdle();
    this.typingSentAt = 0;
    this.sendTyping(false);
    const response = await this.deps.postMessage();
    const answer: unknown = response
      ? await response.json().catch(() => ({ error: messages().moderation.notSent }))
      : { error: messages().moderation.offline };
    const error = (answer as { error?: unknown } | null)?.error;
    if (error) this.deps.view.say(String(error));
    else this.deps.view.clearDraft();
  }

  private opened(): void {
    const { view } = this.deps;
    this.open = true;
    this.socket.resetBackoff();
    view.say(messages().moderation.live);
    if (view.liveCaseId !== null) this.send({ type: "case.follow", case_id: view.liveCaseId });
    // Whatever changed while this page was not connected.
    if (view.hasQueue) void this.refresh();
  }

  private handle(frame: ModerationFrame): void {
    const { view } = this.deps;
    switch (frame.type) {
      case "case.updated":
        if (view.hasQueue) void this.refresh();
        if (frame.alert && frame.case && (frame.alert === "assigned" || ALERTING_LEVELS.includes(frame.case.level))) {
          this.deps.alert(caseAlert(frame.case, frame.alert, view.queueUrl));
        }
        break;
      case "case.following":
        view.say(messages().moderation.following);
        break;
      case "message.ack":
      case "message.new":
      case "reply.end":
        this.show(frame.message);
        break;
      case "typing":
        if (frame.role === "user") this.showPersonTyping(frame.state);
        break;
      case "support.left":
        view.say(messages().moderation.handedBack);
        break;
      case "privacy.erased":
        view.say(messages().moderation.erased);
        break;
      case "error":
        view.say(frame.detail);
        break;
    }
  }

  /** One fetch at a time; changes that arrive meanwhile are folded into one more. */
  private async refresh(): Promise<void> {
    if (this.fetching) {
      this.fetchAgain = true;
      return;
    }
    this.fetching = true;
    try {
      await this.deps.reloadQueue();
    } catch {
      // The next frame or reconnect refreshes again.
    }
    this.fetching = false;
    if (this.fetchAgain) {
      this.fetchAgain = false;
      void this.refresh();
    }
  }

  /** Shown once: the server may have put it on the page already, and one message can come in more than one frame. */
  private show(message: Message): void {
    const { view } = this.deps;
    if (!view.hasMessages || this.seen.has(message.id)) return;
    this.seen.add(message.id);
    view.appendMessage(message.role, message.unreadable ? messages().moderation.unreadable : message.text,
      message.created_at);
    if (message.role === "user") this.showPersonTyping(false);
  }

  private showPersonTyping(state: boolean): void {
    const { view } = this.deps;
    if (!view.hasPersonTyping) return;
    view.setPersonTyping(state);
    const { timers } = this.deps.socket;
    if (this.personTypingTimer !== null) timers.clearTimeout(this.personTypingTimer);
    this.personTypingTimer = null;
    if (state) {
      this.personTypingTimer = timers.setTimeout(() => {
        this.personTypingTimer = null;
        view.setPersonTyping(false);
      }, PERSON_TYPING_MS);
    }
  }

  private sendTyping(state: boolean): void {
    const caseId = this.deps.view.liveCaseId;
    if (this.open && caseId !== null) this.send({ type: "typing", case_id: caseId, state });
  }

  private send(frame: object): void {
    this.socket.send(JSON.stringify(frame));
  }

  private clearIdle(): void {
    if (this.idleTimer !== null) this.deps.socket.timers.clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }
}
