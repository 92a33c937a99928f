// Words the view shows, kept apart from the DOM code so they can be tested.
import type { ConnectionState } from "./client";
import { MAX_MESSAGE_LENGTH, type Emotion, type Role } from "./protocol";

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

export function emotionLabel(emotion: Emotion): string {
  return `Emotion read: ${emotion.group}`;
}

/** The chip's tooltip: the strongest labels with their scores, e.g. "sadness 0.81, grief 0.12". */
export function emotionTitle(emotion: Emotion, top = 3): string {
  const labels = emotion.labels.slice(0, top).map(({ label, score }) => `${label} ${score.toFixed(2)}`);
  return labels.length > 0 ? labels.join(", ") : emotion.group;
}

export const STILL_THINKING_AFTER_MS = 8_000;

export function typingText(
  typing: Readonly<Record<"assistant" | "moderator", boolean>>,
  awaiting: boolean,
  stillThinking: boolean,
): string | null {
  if (typing.moderator) return "Support team is writing…";
  if (awaiting && stillThinking) return "Still thinking…";
  if (awaiting) return "Thinking…";
  if (typing.assistant) return "Writing a reply…";
  return null;
}
