// The one-tap check-in at the start of a conversation: "How are you feeling right now?" with five labelled
// answers, once per conversation, before the first message. No DOM: the API's fetch and the storage are injected,
// and what the row shows is pure state (checkin-view.ts draws it).

import { ApiError, isObject, requestJson, type ApiDeps } from "./api";
import type { ChatState } from "./client";
import { messages } from "./i18n";
import type { StorageLike } from "./outbox";

export interface CheckinChoice {
  value: number;
  label: string;
}

/**
 * The mouth of the face drawn above each answer's words (an SVG path in a 24×24 box), from a deep frown to a wide
 * smile. The words carry the meaning; the faces are decoration, drawn rather than emoji so that every device shows
 * the same five, in the page's own colours.
 */
export function faceMouth(value: number): string {
  const bend: Record<number, number> = { 1: -3, 2: -1.5, 3: 0, 4: 1.5, 5: 3 };
  return `M8 16.5 Q12 ${16.5 + 2 * (bend[value] ?? 0)} 16 16.5`;
}

/** Where a key moves the focus in a toolbar of `count` buttons from `index` (the ARIA toolbar pattern: arrows
 * step and wrap, Home and End jump); null for a key that does not move it. */
export function toolbarMove(key: string, index: number, count: number): number | null {
  if (count === 0) return null;
  switch (key) {
    case "ArrowRight":
    case "ArrowDown":
      return (index + 1) % count;
    case "ArrowLeft":
    case "ArrowUp":
      return (index - 1 + count) % count;
    case "Home":
      return 0;
    case "End":
      return count - 1;
    default:
      return null;
  }
}

/** Where the ids of conversations whose check-in the person skipped are kept, so a reload does not ask again. */
export const SKIPPED_KEY = "emochat.checkin.skipped.v1";
const SKIPPED_KEPT = 20;

export interface CheckinDue {
  due: boolean;
  choices: CheckinChoice[];
}

/** What the check-in needs of the server. */
export interface CheckinApi {
  due(conversationId: string): Promise<CheckinDue>;
  record(conversationId: string, value: number): Promise<void>;
}

function readChoices(value: unknown): CheckinChoice[] | null {
  if (!Array.isArray(value)) return null;
  const choices = value.filter(
    (item): item is CheckinChoice =>
      isObject(item) && Number.isInteger(item.value) && typeof item.label === "string" && item.label !== "",
  );
  return choices.length === value.length && choices.length > 0
    ? choices.map(({ value, label }) => ({ value, label }))
    : null;
}

/** GET /mood/checkin/due and POST /mood/checkin. */
export class CheckinHttpApi implements CheckinApi {
  private readonly base: string;

  constructor(
    private readonly deps: ApiDeps,
    base = "/mood/",
  ) {
    this.base = base;
  }

  async due(conversationId: string): Promise<CheckinDue> {
    const data = await requestJson(
      this.deps,
      "GET",
      `${this.base}checkin/due?conversation_id=${encodeURIComponent(conversationId)}`,
    );
    const choices = isObject(data) ? readChoices(data.choices) : null;
    if (!isObject(data) || typeof data.due !== "boolean" || choices === null) {
      throw new ApiError("bad_response", 200, "unexpected answer to checkin/due");
    }
    return { due: data.due, choices };
  }

  async record(conversationId: string, value: number): Promise<void> {
    await requestJson(this.deps, "POST", `${this.base}checkin`, { conversation_id: conversationId, value });
  }
}

/** The part of the chat's state that decides whether the page may ask. */
export type ChatMoment = Pick<ChatState, "consent" | "connection" | "conversationId"> & { messages: number };

export function chatMoment(state: ChatState): ChatMoment {
  return {
    consent: state.consent,
    connection: state.connection,
    conversationId: state.conversationId,
    messages: state.messages.length,
  };
}

export type CheckinPhase = "hidden" | "asking" | "saving" | "thanks";

export interface CheckinView {
  readonly phase: CheckinPhase;
  readonly choices: readonly CheckinChoice[];
  /** Why the answer was not saved; the row stays for another try. */
  readonly error: string | null;
}

export interface CheckinDeps {
  api: CheckinApi;
  storage: StorageLike;
  changed: () => void;
}

/**
 * Whether the row is shown, and what a tap does. It is asked at most once per conversation: only when the person
 * has agreed to the privacy notice, the conversation is open and empty and the server says it has no check-in;
 * it goes away for good at the first message, at "Not now", or once answered. Nothing here ever asks again.
 */
export class Checkin {
  private conversationId: string | null = null;
  private phase: CheckinPhase = "hidden";
  private choices: readonly CheckinChoice[] = [];
  private error: string | null = null;
  /** The server was asked whether this conversation's check-in is due. */
  private asked = false;
  /** Answered or skipped: not shown again in this conversation. */
  private closed = false;
  /** The conversation began: the row must go, whatever it was doing. */
  private stopped = false;

  constructor(private readonly deps: CheckinDeps) {}

  view(): CheckinView {
    return { phase: this.phase, choices: this.choices, error: this.error };
  }

  /** The chat's state changed. */
  update(moment: ChatMoment): void {
    if (moment.conversationId !== this.conversationId) this.begin(moment.conversationId);
    const id = this.conversationId;
    if (id === null || this.stopped) return;
    if (moment.messages > 0) {
      // The person is writing: never stand in their way. A save under way still ends.
      this.stopped = true;
      if (this.phase !== "saving") this.show("hidden");
      return;
    }
    if (moment.consent === "required" && this.phase === "asking") {
      // Consent withdrawn while asking: nothing more is kept, so nothing more is asked.
      this.closed = true;
      this.show("hidden");
      return;
    }
    if (this.closed || this.asked || moment.consent !== "given" || moment.connection !== "open") return;
    this.asked = true;
    if (this.skipped().includes(id)) {
      this.closed = true;
      return;
    }
    this.deps.api.due(id).then(
      (answer) => {
        if (this.conversationId !== id || this.closed || this.stopped || !answer.due) return;
        this.choices = answer.choices;
        this.show("asking");
      },
      () => {
        // Not asked: a question that failed to load is not worth a message.
      },
    );
  }

  /** One of the answers tapped. */
  choose(value: number): void {
    const id = this.conversationId;
    if (id === null || this.phase !== "asking" || !this.choices.some((choice) => choice.value === value)) return;
    this.error = null;
    this.show("saving");
    this.deps.api.record(id, value).then(
      () => {
        if (this.conversationId !== id) return;
        this.closed = true;
        // Thanked only while the conversation is still empty; once it began, the row just goes.
        this.show(this.stopped ? "hidden" : "thanks");
      },
      (error: unknown) => {
        if (this.conversationId !== id) return;
        const settled = error instanceof ApiError && (error.code === "already" || error.code === "not_found");
        if (settled || this.stopped) {
          this.closed = true;
          this.show("hidden");
          return;
        }
        this.error = messages().checkin.failed;
        this.show("asking");
      },
    );
  }

  /** "Not now": not asked again in this conversation, on this page or after a reload. */
  skip(): void {
    const id = this.conversationId;
    if (id === null || this.phase !== "asking") return;
    this.closed = true;
    const kept = this.skipped().filter((other) => other !== id);
    try {
      this.deps.storage.setItem(SKIPPED_KEY, JSON.stringify([...kept, id].slice(-SKIPPED_KEPT)));
    } catch {
      // Storage full or refused: skipped on this page all the same.
    }
    this.show("hidden");
  }

  private begin(conversationId: string | null): void {
    const shown = this.phase !== "hidden";
    this.conversationId = conversationId;
    this.phase = "hidden";
    this.choices = [];
    this.error = null;
    this.asked = false;
    this.closed = false;
    this.stopped = false;
    if (shown) this.deps.changed();
  }

  private show(phase: CheckinPhase): void {
    this.phase = phase;
    this.deps.changed();
  }

  private skipped(): string[] {
    try {
      const value: unknown = JSON.parse(this.deps.storage.getItem(SKIPPED_KEY) ?? "[]");
      return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
    } catch {
      return [];
    }
  }
}
