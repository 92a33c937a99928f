// Feedback on replies (docs/protocol.md, "Feedback on replies"): the person marks each of the assistant's replies
// helpful or not, says why if they like, and may change their mind. No DOM: fetch and the cookie string are
// injected, and what the controls show is pure state.

import { ApiError, isObject, requestJson, type FetchLike } from "./api";
import { lookup, messages } from "./i18n";
import { readFeedback } from "./protocol-read";
import type { Feedback } from "./protocol";

/** The longest reason the server keeps, in visible characters. */
export const MAX_REASON_LENGTH = 500;

/** What the person wants the server to hold for a reply: a choice and its reason, or nothing (`helpful` null). */
export interface FeedbackChoice {
  readonly helpful: boolean | null;
  readonly reason: string;
}

/** A refused or failed request. `code` is the server's error code, or "network" / "bad_response". */
export class FeedbackError extends ApiError {
  override name = "FeedbackError";
}

/** What to tell the person when their feedback was not saved. Server details are for developers, not shown. */
export function feedbackErrorText(error: unknown): string {
  const text = messages().feedback;
  const code = error instanceof FeedbackError ? error.code : "";
  if (code === "too_long") return text.tooLong(MAX_REASON_LENGTH);
  return lookup(text.errors, code) ?? text.error;
}

export interface FeedbackApiDeps {
  fetch: FetchLike;
  /** `document.cookie`, read afresh for every request: an erasure replaces the session. */
  cookies: () => string;
  /** Where replies live, with a trailing slash. */
  base?: string;
}

/** What the controls need of the server: store a choice, answering with what it holds now. */
export interface FeedbackSaver {
  save(messageId: string, choice: FeedbackChoice): Promise<Feedback | null>;
}

/** POST /replies/<id>/feedback. */
export class FeedbackApi implements FeedbackSaver {
  private readonly base: string;

  constructor(private readonly deps: FeedbackApiDeps) {
    this.base = deps.base ?? "/replies/";
  }

  async save(messageId: string, choice: FeedbackChoice): Promise<Feedback | null> {
    const url = `${this.base}${encodeURIComponent(messageId)}/feedback`;
    let data: unknown;
    try {
      data = await requestJson(this.deps, "POST", url, choice.helpful === null ? { helpful: null } : choice);
    } catch (error) {
      throw error instanceof ApiError ? new FeedbackError(error.code, error.status, error.message) : error;
    }
    if (!isObject(data) || !("feedback" in data)) throw new FeedbackError("bad_response", 200, "unexpected answer");
    const feedback = readFeedback(data.feedback);
    if (feedback === null && data.feedback !== null) {
      throw new FeedbackError("bad_response", 200, "unexpected feedback");
    }
    return feedback;
  }
}

export type FeedbackPhase = "idle" | "saving" | "failed";

/** What one reply's controls show. */
export interface FeedbackView {
  /** The toggle shown pressed: the person's latest choice, saved or not (null: neither). */
  readonly helpful: boolean | null;
  readonly phase: FeedbackPhase;
  /** The field for a reason is open (after "Not helpful"). */
  readonly reasonOpen: boolean;
  /** What the reason field starts from: the reason last given. */
  readonly reason: string;
  /** Why the latest choice was not saved; the choice stays, for "Try again". */
  readonly error: string | null;
  /** The person chose on this page and the server holds it. */
  readonly saved: boolean;
}

interface Entry {
  /** The person's latest choice: what the server should end up holding. */
  wanted: FeedbackChoice;
  /** The choice on its way to the server. One request at a time per reply, so the last choice is the one kept. */
  sending: FeedbackChoice | null;
  /** What the server holds, as far as this page knows. */
  held: FeedbackChoice;
  error: string | null;
  reasonOpen: boolean;
  /** The server has confirmed a choice made on this page. */
  confirmed: boolean;
}

const NONE: FeedbackChoice = { helpful: null, reason: "" };

function choiceOf(feedback: Feedback | null): FeedbackChoice {
  return feedback === null ? NONE : { helpful: feedback.helpful, reason: feedback.reason };
}

function same(a: FeedbackChoice, b: FeedbackChoice): boolean {
  return a.helpful === b.helpful && a.reason === b.reason;
}

/**
 * The feedback controls of every reply, as pure state. A reply the person has not touched on this page shows what
 * the history says (`stored`); once they do, what they chose wins. Each method that may need the server returns
 * the choice to send now, or null: a request already under way is followed by one for the latest choice when it
 * ends, so changes made quickly are kept in the order they were made.
 */
export class FeedbackBook {
  private readonly entries = new Map<string, Entry>();

  view(messageId: string, stored: Feedback | null): FeedbackView {
    const entry = this.entries.get(messageId);
    if (!entry) {
      const { helpful, reason } = choiceOf(stored);
      return { helpful, phase: "idle", reasonOpen: false, reason, error: null, saved: false };
    }
    const phase: FeedbackPhase = entry.sending !== null ? "saving" : entry.error !== null ? "failed" : "idle";
    return {
      helpful: entry.wanted.helpful,
      phase,
      reasonOpen: entry.reasonOpen,
      reason: entry.wanted.reason,
      error: phase === "failed" ? entry.error : null,
      saved: phase === "idle" && entry.confirmed && entry.wanted.helpful !== null && same(entry.wanted, entry.held),
    };
  }

  /**
   * A toggle pressed. Pressing the one already pressed takes the choice back; "Not helpful" opens the field for a
   * reason (the choice is saved at once: the reason is optional).
   */
  press(messageId: string, helpful: boolean, stored: Feedback | null): FeedbackChoice | null {
    const entry = this.entry(messageId, stored);
    if (entry.wanted.helpful === helpful) {
      entry.wanted = NONE;
      entry.reasonOpen = false;
    } else {
      entry.wanted = { helpful, reason: "" };
      entry.reasonOpen = !helpful;
    }
    entry.error = null;
    return this.next(entry);
  }

  /** "Send" in the reason field: the reply was not helpful, and this is why. */
  giveReason(messageId: string, reason: string, stored: Feedback | null): FeedbackChoice | null {
    const entry = this.entry(messageId, stored);
    entry.wanted = { helpful: false, reason: reason.trim() };
    entry.reasonOpen = false;
    entry.error = null;
    return this.next(entry);
  }

  /** "Skip": no reason; the choice stands. */
  skipReason(messageId: string): void {
    const entry = this.entries.get(messageId);
    if (entry) entry.reasonOpen = false;
  }

  /** The request under way was answered: the server holds `feedback`. The next request, if the person chose again. */
  saved(messageId: string, feedback: Feedback | null): FeedbackChoice | null {
    const entry = this.entries.get(messageId);
    if (!entry) return null;
    const sent = entry.sending;
    entry.sending = null;
    entry.held = choiceOf(feedback);
    entry.confirmed = true;
    // The server's form of what was sent (a reason trimmed of invisible characters) is the choice now.
    if (sent !== null && same(entry.wanted, sent)) entry.wanted = entry.held;
    return this.next(entry);
  }

  /** The request under way failed; the choice is kept and shown, with `error`, until tried again or changed. */
  failed(messageId: string, error: string): void {
    const entry = this.entries.get(messageId);
    if (!entry) return;
    entry.sending = null;
    entry.error = error;
  }

  /** "Try again". */
  retry(messageId: string): FeedbackChoice | null {
    const entry = this.entries.get(messageId);
    if (!entry || entry.sending !== null) return null;
    entry.error = null;
    return this.next(entry);
  }

  /** Forgets everything, reasons being typed included (the person erased their data). */
  clear(): void {
    this.entries.clear();
  }

  private entry(messageId: string, stored: Feedback | null): Entry {
    let entry = this.entries.get(messageId);
    if (!entry) {
      const held = choiceOf(stored);
      entry = { wanted: held, sending: null, held, error: null, reasonOpen: false, confirmed: false };
      this.entries.set(messageId, entry);
    }
    return entry;
  }

  private next(entry: Entry): FeedbackChoice | null {
    if (entry.sending !== null || entry.error !== null || same(entry.wanted, entry.held)) return null;
    entry.sending = entry.wanted;
    return entry.sending;
  }
}

export interface FeedbackClientDeps {
  api: FeedbackSaver;
  /** What the error message says, from the error (feedbackErrorText by default). */
  errorText?: (error: unknown) => string;
}

export type FeedbackListener = () => void;

/** The feedback controls' state and their requests: what the view calls, and tells it when to draw again. */
export class FeedbackClient {
  private readonly book = new FeedbackBook();
  private readonly listeners = new Set<FeedbackListener>();

  constructor(private readonly deps: FeedbackClientDeps) {}

  view(messageId: string, stored: Feedback | null): FeedbackView {
    return this.book.view(messageId, stored);
  }

  press(messageId: string, helpful: boolean, stored: Feedback | null): void {
    this.send(messageId, this.book.press(messageId, helpful, stored));
  }

  giveReason(messageId: string, reason: string, stored: Feedback | null): void {
    this.send(messageId, this.book.giveReason(messageId, reason, stored));
  }

  skipReason(messageId: string): void {
    this.book.skipReason(messageId);
    this.emit();
  }

  retry(messageId: string): void {
    this.send(messageId, this.book.retry(messageId));
  }

  clear(): void {
    this.book.clear();
    this.emit();
  }

  subscribe(listener: FeedbackListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  private send(messageId: string, choice: FeedbackChoice | null): void {
    this.emit();
    if (choice === null) return;
    this.deps.api.save(messageId, choice).then(
      (feedback) => this.send(messageId, this.book.saved(messageId, feedback)),
      (error: unknown) => {
        this.book.failed(messageId, (this.deps.errorText ?? feedbackErrorText)(error));
        this.emit();
      },
    );
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}
