// Frames of the chat WebSocket, as specified in docs/protocol.md.

export const MAX_MESSAGE_LENGTH = 4000;

export type Role = "user" | "assistant" | "moderator";
export type TypingRole = "assistant" | "moderator";
export type ErrorCode =
  | "invalid"
  | "too_long"
  | "rate_limited"
  | "forbidden"
  | "unavailable"
  | "consent_required"
  | "elsewhere"
  | "not_found";
/** How worrying what the person wrote is, least to most. */
export type CrisisLevel = "ideation" | "behavior" | "imminent";
export const CRISIS_LEVELS: readonly CrisisLevel[] = ["ideation", "behavior", "imminent"];

export interface EmotionLabel {
  label: string;
  score: number;
}

export interface Emotion {
  labels: EmotionLabel[];
  group: string;
  sentiment: string;
}

/** A helpline (RESOURCE in the protocol). Any way of reaching it may be missing. */
export interface Resource {
  name: string;
  phone: string | null;
  sms: string | null;
  /** The word to text, for lines that ask for one ("HOME" to 741741). */
  sms_body?: string | null;
  /** Always http: or https:; anything else is dropped. */
  url: string | null;
  hours: string | null;
  country: string | null;
}

/** FEEDBACK in the protocol: what the person said of one of the assistant's replies. */
export interface Feedback {
  helpful: boolean;
  /** Why, in their words; "" when they gave no reason. */
  reason: string;
  updated_at: string;
}

/** MESSAGE in the protocol. */
export interface Message {
  id: string;
  seq: number;
  role: Role;
  text: string;
  created_at: string;
  client_id: string | null;
  reply_to: string | null;
  emotion: Emotion | null;
  /** The stored text could not be decrypted (docs/privacy.md); `text` is then meaningless. */
  unreadable: boolean;
  /** The person's feedback on an assistant reply; null when they gave none, and for every other message. */
  feedback: Feedback | null;
}

// Client → server.

interface ClientFrameBase {
  /** Optional on every client frame; a mismatch gets `forbidden`, so this client never sets it. */
  conversation_id?: string;
}

export interface MessageSendFrame extends ClientFrameBase {
  type: "message.send";
  client_id: string;
  text: string;
}

export interface ResumeFrame extends ClientFrameBase {
  type: "resume";
  after_seq: number;
}

export interface TypingSendFrame extends ClientFrameBase {
  type: "typing";
  state: boolean;
}

export interface ConversationNewFrame extends ClientFrameBase {
  type: "conversation.new";
}

/** Asks for the person's conversations; answered by `conversations`. */
export interface ConversationsListFrame extends ClientFrameBase {
  type: "conversations.list";
}

/** Goes back to a past conversation; answered by a hello for it, or `not_found`. */
export interface ConversationOpenFrame extends ClientFrameBase {
  type: "conversation.open";
  /** Not `conversation_id`: on any frame that names the socket's own conversation. */
  id: string;
}

export type ClientFrame =
  | MessageSendFrame
  | ResumeFrame
  | TypingSendFrame
  | ConversationNewFrame
  | ConversationsListFrame
  | ConversationOpenFrame;

// Server → client.

export interface HelloFrame {
  type: "hello";
  conversation_id: string;
  last_seq: number;
}

export interface MessageAckFrame {
  type: "message.ack";
  /** The client_id the message was sent with; null only for a replayed message that never had one. */
  client_id: string | null;
  message: Message;
}

export interface MessageEmotionFrame extends Emotion {
  type: "message.emotion";
  message_id: string;
  seq: number;
}

export interface ReplyStartFrame {
  type: "reply.start";
  message_id: string;
  reply_to: string | null;
}

export interface ReplyDeltaFrame {
  type: "reply.delta";
  message_id: string;
  text: string;
}

export interface ReplyEndFrame {
  type: "reply.end";
  message: Message;
}

export interface MessageNewFrame {
  type: "message.new";
  message: Message;
}

export interface TypingFrame {
  type: "typing";
  role: TypingRole;
  state: boolean;
}

export interface ErrorFrame {
  type: "error";
  /** One of ErrorCode, or a code added to the protocol later. */
  code: string;
  detail: string;
  client_id: string | null;
}

/** Everything the person wrote was erased (perhaps from another tab); the socket closes with 4410 next. */
export interface PrivacyErasedFrame {
  type: "privacy.erased";
}

/** The person may be at risk: show them who they can talk to. Re-sent after every hello while it applies. */
export interface CrisisResourcesFrame {
  type: "crisis.resources";
  level: CrisisLevel;
  /** The country the resources are for ("INTL" for the international list); null if the server left it out. */
  country: string | null;
  resources: Resource[];
}

/** A member of the support team joined; the assistant is paused. Re-sent after every hello while they are there. */
export interface SupportJoinedFrame {
  type: "support.joined";
}

/** The support team member handed the conversation back to the assistant. */
export interface SupportLeftFrame {
  type: "support.left";
}

/** One of the person's conversations, as their list of past conversations shows it. */
export interface ConversationSummary {
  id: string;
  created_at: string;
  last_activity_at: string;
  /** The first words the person wrote in it; null when nothing was written yet (or they can't be decrypted). */
  title: string | null;
  message_count: number;
  /** The emotion group read most often in what the person wrote; null when none was. */
  mood: string | null;
  /** The conversation this page is in. */
  current: boolean;
}

/** The person's conversations, the most recently active first. */
export interface ConversationsFrame {
  type: "conversations";
  conversations: ConversationSummary[];
}

export type ServerFrame =
  | ConversationsFrame
  | HelloFrame
  | MessageAckFrame
  | MessageEmotionFrame
  | ReplyStartFrame
  | ReplyDeltaFrame
  | ReplyEndFrame
  | MessageNewFrame
  | TypingFrame
  | ErrorFrame
  | PrivacyErasedFrame
  | CrisisResourcesFrame
  | SupportJoinedFrame
  | SupportLeftFrame;

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
