// Words the view shows, kept apart from the DOM code so they can be tested. The words are the catalogue's
// (i18n/); here is how they are put together.
import type { ConnectionState } from "./client";
import { formatted, intlLocale, lookup, messages, nameOf } from "./i18n";
import { MAX_MESSAGE_LENGTH, type CrisisLevel, type Emotion, type Role } from "./protocol";

export function connectionText(state: ConnectionState): string {
  return messages().chat.connection[state];
}

/** Who said it, for screen readers (and shown for the support team). */
export function speakerText(role: Role): string {
  return messages().chat.speaker[role];
}

/** The counter appears once the text is this long. */
export const COUNTER_FROM = Math.floor(MAX_MESSAGE_LENGTH * 0.9);

export function counterText(length: number): string | null {
  return length >= COUNTER_FROM ? messages().chat.counter(length, MAX_MESSAGE_LENGTH) : null;
}

/** Readings that are not an emotion (docs/protocol.md): no chip at all, or "not read" for a language the
 * emotion model cannot read. */
export const NO_CHIP = "none";
export const NOT_READ = "not_read";

/** The reading the chip shows, or null for none. */
export function shownEmotion(emotion: Emotion | null | undefined): Emotion | null {
  return emotion && emotion.group !== NO_CHIP ? emotion : null;
}

/** An emotion group's name ("sadness"); a group the catalogue does not know keeps the model's word. */
export function groupName(group: string): string {
  return nameOf(messages().emotion.groups, group);
}

/** One of the model's labels ("grief"), as the chip's tooltip and the mood page name it. */
export function labelName(label: string): string {
  return nameOf(messages().emotion.labels, label);
}

export function emotionText(emotion: Emotion): string {
  return emotion.group === NOT_READ ? messages().emotion.notRead : groupName(emotion.group);
}

export function emotionLabel(emotion: Emotion): string {
  const text = messages().emotion;
  return emotion.group === NOT_READ ? text.notReadLabel : text.readLabel(groupName(emotion.group));
}

/** The chip's tooltip: the strongest labels with their scores, e.g. "sadness 0.81, grief 0.12". */
export function emotionTitle(emotion: Emotion, top = 3): string {
  const labels = emotion.labels.slice(0, top).map(({ label, score }) => `${labelName(label)} ${score.toFixed(2)}`);
  return labels.length > 0 ? messages().emotion.scores(labels) : emotionLabel(emotion);
}

export const STILL_THINKING_AFTER_MS = 8_000;

export function typingText(
  typing: Readonly<Record<"assistant" | "moderator", boolean>>,
  awaiting: boolean,
  stillThinking: boolean,
): string | null {
  const text = messages().chat.typing;
  if (typing.moderator) return text.moderator;
  if (awaiting && stillThinking) return text.stillThinking;
  if (awaiting) return text.thinking;
  if (typing.assistant) return text.writing;
  return null;
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** Dates in the page's language (the browser's own for English), e.g. "21 Nov 2026, 14:02". */
export function dateFormat(): Intl.DateTimeFormat {
  const tag = intlLocale();
  const key = tag ?? "";
  let format = dateFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(tag, { dateStyle: "medium", timeStyle: "short" });
    dateFormats.set(key, format);
  }
  return format;
}

export function dateText(iso: string, format: Intl.DateTimeFormat = dateFormat()): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : formatted(format.format(date));
}

/** One line of the access log, e.g. "Read by a moderator · 21 Nov 2026, 14:02". */
export function accessText(record: { at: string; role: string }, format: Intl.DateTimeFormat = dateFormat()): string {
  const text = messages().privacy;
  return text.readBy(lookup(text.readers, record.role) ?? text.someone, dateText(record.at, format));
}

/**
 * What a screen reader hears when helplines appear (`first`) or the level rises, if anything: said once, so it
 * is short; the card has the rest.
 */
export function crisisAnnouncement(level: CrisisLevel, first: boolean): string | null {
  const text = messages().crisis;
  if (first) return text.announceFirst(level === "imminent");
  return level === "imminent" ? text.announceImminent : null;
}
