// Frames of the chat WebSocket, as specified in docs/protocol.md: their types. Reading them off the socket is
// protocol-read.ts.

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
