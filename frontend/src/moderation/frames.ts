// Frames of the moderators' socket, /ws/moderation/ (docs/moderation.md): the queue's case changes, and, on the
// page of a case its moderator joined, that conversation's own frames (docs/protocol.md).
import type { Message } from "../protocol";
import { messages, nameOf } from "../i18n";
import { readMessage } from "../protocol-read";

/** CASE in docs/moderation.md, as far as this page reads it: labels only, never a word the person wrote. */
export interface CaseSummary {
  id: string;
  level: string;
  categories: string[];
}

export type ModerationFrame =
  | {
      type: "case.updated";
      /** null when the case is unreadable: the queue is still refreshed, but nobody is alerted. */
      case: CaseSummary | null;
      /**
       * "opened", "raised", "escalated" or "returned": the moderator is alerted, not just the table updated;
       * "assigned" (sent to the assignee alone) alerts whatever the level.
       */
      alert: string | null;
    }
  | { type: "case.following" }
  | { type: "message.ack" | "message.new" | "reply.end"; message: Message }
  | { type: "typing"; role: string; state: boolean }
  | { type: "support.left" }
  | { type: "privacy.erased" }
  | { type: "error"; detail: string };

/** Only these levels interrupt the moderator; ideation waits its turn in the queue. */
export const ALERTING_LEVELS: readonly string[] = ["behavior", "imminent"];

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function readCase(value: unknown): CaseSummary | null {
  if (!isObject(value) || typeof value.id !== "string" || typeof value.level !== "string") return null;
  const categories = Array.isArray(value.categories) ? value.categories.filter((c) => typeof c === "string") : [];
  return { id: value.id, level: value.level, categories };
}

/** Decodes one text frame; null for what this page does nothing with (other types, the wrong shape). */
export function parseModerationFrame(raw: unknown): ModerationFrame | null {
  if (typeof raw !== "string") return null;
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!isObject(data)) return null;
  switch (data.type) {
    case "case.updated":
      return {
        type: "case.updated",
        case: readCase(data.case),
        alert: typeof data.alert === "string" && data.alert !== "" ? data.alert : null,
      };
    case "message.ack":
    case "message.new":
    case "reply.end": {
      const message = readMessage(data.message);
      return message ? { type: data.type, message } : null;
    }
    case "typing":
      if (typeof data.role !== "string" || typeof data.state !== "boolean") return null;
      return { type: "typing", role: data.role, state: data.state };
    case "error":
      return { type: "error", detail: typeof data.detail === "string" ? data.detail : "" };
    case "case.following":
    case "support.left":
    case "privacy.erased":
      return { type: data.type };
    default:
      return null;
  }
}

/** A desktop notification for a case that needs a moderator now. */
export interface CaseAlert {
  title: string;
  body: string;
  /** One notification per case: a later alert for the same case replaces the earlier one. */
  tag: string;
  /** The case's page, opened when the notification is clicked; null when the page does not know the queue's URL. */
  href: string | null;
}

export function caseAlert(summary: CaseSummary, alert: string, queueUrl: string | null): CaseAlert {
  const text = messages().moderation;
  const categories = summary.categories.join(", ").replace(/_/g, " ");
  return {
    title: text.alertTitle(nameOf(text.levels, summary.level), nameOf(text.alerts, alert)),
    body: text.alertBody(summary.id.slice(0, 8), categories || text.noCategory),
    tag: summary.id,
    href: queueUrl ? `${queueUrl}${summary.id}/change/` : null,
  };
}
