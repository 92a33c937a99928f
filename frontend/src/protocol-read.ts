// Reading the chat WebSocket's frames (protocol.ts has their types): from decoded JSON to typed values.
import {
  CRISIS_LEVELS,
  type ConversationSummary,
  type CrisisLevel,
  type Emotion,
  type EmotionLabel,
  type Feedback,
  type Message,
  type Resource,
  type Role,
  type ServerFrame,
} from "./protocol";

// Parsing. Loose on purpose: required fields are checked, optional ones get defaults, unknown fields are
// dropped, and a frame of an unknown type or the wrong shape yields null (the caller ignores it).

type JsonObject = Record<string, unknown>;

const ROLES: readonly Role[] = ["user", "assistant", "moderator"];

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isString(value: unknown): value is string {
  return typeof value === "string";
}

function isSeq(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0;
}

function stringOrNull(value: unknown): string | null {
  return isString(value) ? value : null;
}

function readLabels(value: unknown): EmotionLabel[] {
  if (!Array.isArray(value)) return [];
  const labels: EmotionLabel[] = [];
  for (const item of value) {
    if (isObject(item) && isString(item.label) && typeof item.score === "number") {
      labels.push({ label: item.label, score: item.score });
    }
  }
  return labels;
}

export function readEmotion(value: unknown): Emotion | null {
  if (!isObject(value) || !isString(value.group)) return null;
  return {
    labels: readLabels(value.labels),
    group: value.group,
    sentiment: isString(value.sentiment) ? value.sentiment : "",
  };
}

/** FEEDBACK, or null for anything else (no feedback, or one this page cannot read). */
export function readFeedback(value: unknown): Feedback | null {
  if (!isObject(value) || typeof value.helpful !== "boolean") return null;
  return {
    helpful: value.helpful,
    reason: isString(value.reason) ? value.reason : "",
    updated_at: isString(value.updated_at) ? value.updated_at : "",
  };
}

export function readMessage(value: unknown): Message | null {
  if (!isObject(value)) return null;
  const { id, seq, role, text } = value;
  if (!isString(id) || !isSeq(seq) || !isString(text)) return null;
  if (!ROLES.includes(role as Role)) return null;
  return {
    id,
    seq,
    role: role as Role,
    text,
    created_at: isString(value.created_at) ? value.created_at : "",
    client_id: stringOrNull(value.client_id),
    reply_to: stringOrNull(value.reply_to),
    emotion: readEmotion(value.emotion),
    unreadable: value.unreadable === true,
    feedback: role === "assistant" ? readFeedback(value.feedback) : null,
  };
}

/** An ISO 3166 alpha-2 code, or INTL, upper-cased; null for anything else. */
export function readCountryCode(value: unknown): string | null {
  if (!isString(value)) return null;
  const code = value.trim().toUpperCase();
  return /^([A-Z]{2}|INTL)$/.test(code) ? code : null;
}

/** A link the page can open safely: http: or https: only (never javascript: and the like). */
function webUrl(value: unknown): string | null {
  return isString(value) && /^https?:\/\/[^\s]+$/i.test(value.trim()) ? value.trim() : null;
}

function nonEmpty(value: unknown): string | null {
  return isString(value) && value.trim() !== "" ? value.trim() : null;
}

export function readResource(value: unknown): Resource | null {
  if (!isObject(value)) return null;
  const name = nonEmpty(value.name);
  if (name === null) return null;
  const smsBody = nonEmpty(value.sms_body);
  return {
    name,
    phone: nonEmpty(value.phone),
    sms: nonEmpty(value.sms),
    ...(smsBody === null ? {} : { sms_body: smsBody }),
    url: webUrl(value.url),
    hours: nonEmpty(value.hours),
    country: readCountryCode(value.country),
  };
}

/** The usable resources of a list, in the server's order (an emergency number first, where there is one). */
export function readResources(value: unknown): Resource[] {
  if (!Array.isArray(value)) return [];
  return value.map(readResource).filter((resource): resource is Resource => resource !== null);
}

export function readConversationSummary(value: unknown): ConversationSummary | null {
  if (!isObject(value) || !isString(value.id)) return null;
  const created = isString(value.created_at) ? value.created_at : "";
  return {
    id: value.id,
    created_at: created,
    last_activity_at: isString(value.last_activity_at) ? value.last_activity_at : created,
    title: nonEmpty(value.title),
    message_count: isSeq(value.message_count) ? value.message_count : 0,
    mood: nonEmpty(value.mood),
    current: value.current === true,
  };
}

/** Validates an already-decoded frame. */
export function readServerFrame(data: unknown): ServerFrame | null {
  if (!isObject(data)) return null;
  switch (data.type) {
    case "hello":
      if (!isString(data.conversation_id)) return null;
      return {
        type: "hello",
        conversation_id: data.conversation_id,
        last_seq: isSeq(data.last_seq) ? data.last_seq : 0,
      };
    case "message.ack": {
      const message = readMessage(data.message);
      if (!message) return null;
      return { type: "message.ack", client_id: stringOrNull(data.client_id) ?? message.client_id, message };
    }
    case "message.emotion": {
      const emotion = readEmotion(data);
      if (!emotion || !isString(data.message_id) || !isSeq(data.seq)) return null;
      return { type: "message.emotion", message_id: data.message_id, seq: data.seq, ...emotion };
    }
    case "reply.start":
      if (!isString(data.message_id)) return null;
      return { type: "reply.start", message_id: data.message_id, reply_to: stringOrNull(data.reply_to) };
    case "reply.delta":
      if (!isString(data.message_id) || !isString(data.text)) return null;
      return { type: "reply.delta", message_id: data.message_id, text: data.text };
    case "reply.end":
    case "message.new": {
      const message = readMessage(data.message);
      return message ? { type: data.type, message } : null;
    }
    case "typing":
      if ((data.role !== "assistant" && data.role !== "moderator") || typeof data.state !== "boolean") return null;
      return { type: "typing", role: data.role, state: data.state };
    case "error":
      if (!isString(data.code)) return null;
      return {
        type: "error",
        code: data.code,
        detail: isString(data.detail) ? data.detail : "",
        client_id: stringOrNull(data.client_id),
      };
    case "privacy.erased":
      return { type: "privacy.erased" };
    case "crisis.resources":
      // Never dropped for its shape: helplines are worth showing whatever else is wrong with the frame. A level
      // this page does not know reads as the lowest, a bad list as none (the page then asks /helplines/).
      return {
        type: "crisis.resources",
        level: CRISIS_LEVELS.includes(data.level as CrisisLevel) ? (data.level as CrisisLevel) : "ideation",
        country: readCountryCode(data.country),
        resources: readResources(data.resources),
      };
    case "support.joined":
    case "support.left":
      return { type: data.type };
    case "conversations":
      if (!Array.isArray(data.conversations)) return null;
      return {
        type: "conversations",
        conversations: data.conversations
          .map(readConversationSummary)
          .filter((summary): summary is ConversationSummary => summary !== null),
      };
    default:
      return null;
  }
}

/** Decodes and validates one text frame off the socket; null for anything this client cannot use. */
export function parseServerFrame(raw: unknown): ServerFrame | null {
  if (!isString(raw)) return null;
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return null;
  }
  return readServerFrame(data);
}
