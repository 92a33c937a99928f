// Words the view shows, kept apart from the DOM code so they can be tested.
import type { ConnectionState } from "./client";
import { MAX_MESSAGE_LENGTH, type CrisisLevel, type Emotion, type Role } from "./protocol";

export const CONNECTION_TEXT: Record<ConnectionState, string> = {
  connecting: "Connecting…",
  open: "Connected",
  reconnecting: "Reconnecting…",
  offline: "Offline — your messages will be sent when you're back",
  closed: "Disconnected",
};

/** Who said it, for screen readers (and shown for the support team). */
export const SPEAKER: Record<Role, string> = {
  user: "You",
  assistant: "emochat",
  moderator: "Support team",
};

/** The counter appears once the text is this long. */
export const COUNTER_FROM = Math.floor(MAX_MESSAGE_LENGTH * 0.9);

export function counterText(length: number): string | null {
  return length >= COUNTER_FROM ? `${length} / ${MAX_MESSAGE_LENGTH}` : null;
}

/** Readings that are not an emotion (docs/protocol.md): no chip at all, or "not read" for a language the
 * emotion model cannot read. */
export const NO_CHIP = "none";
export const NOT_READ = "not_read";

/** The reading the chip shows, or null for none. */
export function shownEmotion(emotion: Emotion | null | undefined): Emotion | null {
  return emotion && emotion.group !== NO_CHIP ? emotion : null;
}

export function emotionText(emotion: Emotion): string {
  return emotion.group === NOT_READ ? "not read" : emotion.group;
}

export function emotionLabel(emotion: Emotion): string {
  return emotion.group === NOT_READ
    ? "Emotion not read: this language cannot be read yet"
    : `Emotion read: ${emotion.group}`;
}

/** The chip's tooltip: the strongest labels with their scores, e.g. "sadness 0.81, grief 0.12". */
export function emotionTitle(emotion: Emotion, top = 3): string {
  const labels = emotion.labels.slice(0, top).map(({ label, score }) => `${label} ${score.toFixed(2)}`);
  return labels.length > 0 ? labels.join(", ") : emotionLabel(emotion);
}

export const STILL_THINKING_AFTER_MS = 8_000;

export function typingText(
  typing: Readonly<Record<"assistant" | "moderator", boolean>>,
  awaiting: boolean,
  stillThinking: boolean,
): string | null {
  if (typing.moderator) return "Support team is typing…";
  if (awaiting && stillThinking) return "Still thinking…";
  if (awaiting) return "Thinking…";
  if (typing.assistant) return "Writing a reply…";
  return null;
}

/** Shown instead of a message whose stored text could not be decrypted. */
export const UNREADABLE_TEXT = "This message can't be decrypted.";

/** A sending message's status while the person has not agreed to the privacy notice. */
export const WAITING_FOR_CONSENT_TEXT = "Not sent yet: waiting for you to agree to the privacy notice";

/** Dates in the browser's own language, e.g. "21 Nov 2026, 14:02". */
export const DATE_FORMAT = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

export function dateText(iso: string, format: Intl.DateTimeFormat = DATE_FORMAT): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : format.format(date);
}

const READER: Record<string, string> = {
  moderator: "a moderator",
  "moderation lead": "a moderation lead",
  administrator: "an administrator",
  staff: "a member of staff",
};

/** One line of the access log, e.g. "Read by a moderator · 21 Nov 2026, 14:02". */
export function accessText(record: { at: string; role: string }, format: Intl.DateTimeFormat = DATE_FORMAT): string {
  return `Read by ${READER[record.role] ?? "someone on our team"} · ${dateText(record.at, format)}`;
}

export const NO_ACCESS_TEXT = "No one on our team has read your conversations.";

/** The helplines card. Calm and plain: it is there to be read by someone having a very hard time. */
export const CRISIS_TEXT = {
  heading: "You don't have to face this alone",
  lead: "If you're thinking about ending your life or hurting yourself, these people can talk with you right now, for free.",
  /** First, at the imminent level. */
  emergency: "If you're in danger right now, please call your local emergency number now.",
  /** Last, at any other level. */
  emergencyNote: "If you're ever in immediate danger, call your local emergency number.",
  /** The control between the compact card and the full one: its name stays, aria-expanded says which is shown. */
  all: "All helplines",
  close: "Close",
  closeLabel: "Close helplines",
  country: "Country",
  loading: "Loading helplines…",
  failed: "We couldn't load the helplines. Please check your connection, then try again.",
  empty: "We don't have a helpline listed for this country yet. Please choose another country, or call your local emergency number.",
  retry: "Try again",
  button: "Get help now",
  another: "Another country",
} as const;

/**
 * What a screen reader hears when helplines appear (`first`) or the level rises, if anything: said once, so it
 * is short; the card has the rest.
 */
export function crisisAnnouncement(level: CrisisLevel, first: boolean): string | null {
  const emergency = level === "imminent" ? ` ${CRISIS_TEXT.emergency}` : "";
  if (first) return `${CRISIS_TEXT.heading}. Helplines are shown at the top of the conversation.${emergency}`;
  return level === "imminent" ? `${CRISIS_TEXT.emergency} Helplines are at the top of the conversation.` : null;
}

/** Shown in the conversation when the support team comes and goes, and in the header while they are there. */
export const SUPPORT_TEXT = {
  joined: "A member of the support team has joined the conversation.",
  left: "The support team member has left. The assistant is back.",
  indicator: "Support team is here",
} as const;
