import type { Emotion, Feedback, Message, Role } from "./protocol";

export type SendStatus = "sending" | "sent" | "failed";

/** One message as the page shows it. */
export interface ChatMessage {
  /** Stable for the life of the entry: survives the ack that gives a local message its server id. */
  readonly key: string;
  readonly id: string | null;
  readonly clientId: string | null;
  readonly seq: number | null;
  readonly role: Role;
  readonly text: string;
  readonly status: SendStatus;
  readonly streaming: boolean;
  readonly emotion: Emotion | null;
  /** Stored, but its text could not be decrypted. */
  readonly unreadable: boolean;
  readonly replyTo: string | null;
  readonly createdAt: string | null;
  /** Why a failed message was not sent. */
  readonly error: string | null;
  /** The person's feedback on an assistant reply, as the server last sent it (with the history). */
  readonly feedback: Feedback | null;
}

type Entry = { -readonly [K in keyof ChatMessage]: ChatMessage[K] } & { order: number };

/**
 * The messages of one conversation: de-duplicated by id, with emotion readings attached and streamed
 * replies assembled. Pure state, no I/O.
 */
export class Timeline {
  private readonly entries = new Map<string, Entry>();
  private readonly byId = new Map<string, string>();
  private readonly byClientId = new Map<string, string>();
  /** Emotion readings that arrived before their message. */
  private readonly pendingEmotions = new Map<string, Emotion>();
  private counter = 0;

  /** A message the person just wrote, not yet acknowledged. */
  addLocal(clientId: string, text: string): void {
    if (this.byClientId.has(clientId)) return;
    const key = `c:${clientId}`;
    this.insert({
      key,
      id: null,
      clientId,
      seq: null,
      role: "user",
      text,
      status: "sending",
      streaming: false,
      emotion: null,
      unreadable: false,
      replyTo: null,
      createdAt: null,
      error: null,
      feedback: null,
      order: 0,
    });
  }

  markFailed(clientId: string, error: string): boolean {
    const entry = this.findByClientId(clientId);
    if (!entry || entry.id !== null) return false;
    entry.status = "failed";
    entry.error = error;
    return true;
  }

  /** Takes a failed message out of the list, for the person to edit and send again. */
  removeFailed(clientId: string): ChatMessage | null {
    const entry = this.findByClientId(clientId);
    if (!entry || entry.status !== "failed") return null;
    this.entries.delete(entry.key);
    this.byClientId.delete(clientId);
    return { ...entry };
  }

  renameLocal(oldId: string, newId: string): void {
    const entry = this.findByClientId(oldId);
    if (!entry) return;
    entry.clientId = newId;
    this.byClientId.delete(oldId);
    this.byClientId.set(newId, entry.key);
  }

  /** A stored message (ack, finished reply, moderator message, or any of these replayed). */
  upsert(message: Message): void {
    const entry =
      this.findById(message.id) ?? (message.client_id !== null ? this.findByClientId(message.client_id) : undefined);
    const emotion = message.emotion ?? entry?.emotion ?? this.pendingEmotions.get(message.id) ?? null;
    this.pendingEmotions.delete(message.id);
    const fields = {
      id: message.id,
      clientId: message.client_id ?? entry?.clientId ?? null,
      seq: message.seq,
      role: message.role,
      text: message.text,
      status: "sent" as const,
      streaming: false,
      emotion,
      unreadable: message.unreadable,
      replyTo: message.reply_to,
      createdAt: message.created_at || null,
      error: null,
      feedback: message.feedback,
    };
    if (entry) {
      Object.assign(entry, fields);
      this.index(entry);
    } else {
      this.insert({ key: `m:${message.id}`, ...fields, order: 0 });
    }
  }

  setEmotion(messageId: string, emotion: Emotion): void {
    const entry = this.findById(messageId);
    if (entry) entry.emotion = emotion;
    else this.pendingEmotions.set(messageId, emotion);
  }

  /** reply.start: a reply begins, or a retried one starts over. */
  startReply(messageId: string, replyTo: string | null): void {
    const entry = this.findById(messageId);
    if (entry && !entry.streaming) return; // already stored; a late start must not wipe it
    if (entry) {
      entry.text = "";
      entry.replyTo = replyTo ?? entry.replyTo;
    } else {
      this.insertReply(messageId, replyTo, "");
    }
  }

  /** reply.delta: append to the reply, creating it if its start was missed. */
  appendReply(messageId: string, text: string): void {
    const entry = this.findById(messageId);
    if (!entry) this.insertReply(messageId, null, text);
    else if (entry.streaming) entry.text += text;
  }

  /**
   * Forgets everything the server knows about (a different conversation began). Local messages that were
   * never acknowledged stay, so nothing the person wrote is lost.
   */
  resetToLocal(): void {
    for (const entry of [...this.entries.values()]) {
      if (entry.id === null) continue;
      this.entries.delete(entry.key);
      this.byId.delete(entry.id);
      if (entry.clientId !== null) this.byClientId.delete(entry.clientId);
    }
    this.pendingEmotions.clear();
  }

  /** Forgets everything, unsent messages included (the person erased their data). */
  clear(): void {
    this.entries.clear();
    this.byId.clear();
    this.byClientId.clear();
    this.pendingEmotions.clear();
  }

  /** Stored messages by seq, then replies still streaming, then messages not yet acknowledged. */
  list(): ChatMessage[] {
    const rank = (entry: Entry): number => (entry.seq !== null ? 0 : entry.streaming ? 1 : 2);
    return [...this.entries.values()]
      .sort((a, b) => rank(a) - rank(b) || (a.seq ?? 0) - (b.seq ?? 0) || a.order - b.order)
      .map(({ order: _order, ...message }) => message);
  }

  /** The id of the newest stored message if it is the person's and nothing has answered it yet. */
  awaitingReplyTo(): string | null {
    let last: Entry | null = null;
    for (const entry of this.entries.values()) {
      if (entry.seq !== null && (last === null || entry.seq > last.seq!)) last = entry;
    }
    if (last === null || last.role !== "user" || last.id === null) return null;
    for (const entry of this.entries.values()) {
      if (entry.replyTo === last.id && entry.role !== "user") return null;
    }
    return last.id;
  }

  private insertReply(messageId: string, replyTo: string | null, text: string): void {
    this.insert({
      key: `m:${messageId}`,
      id: messageId,
      clientId: null,
      seq: null,
      role: "assistant",
      text,
      status: "sent",
      streaming: true,
      emotion: null,
      unreadable: false,
      replyTo,
      createdAt: null,
      error: null,
      feedback: null,
      order: 0,
    });
  }

  private insert(entry: Entry): void {
    entry.order = this.counter++;
    this.entries.set(entry.key, entry);
    this.index(entry);
  }

  private index(entry: Entry): void {
    if (entry.id !== null) this.byId.set(entry.id, entry.key);
    if (entry.clientId !== null) this.byClientId.set(entry.clientId, entry.key);
  }

  private findById(id: string): Entry | undefined {
    const key = this.byId.get(id);
    return key === undefined ? undefined : this.entries.get(key);
  }

  private findByClientId(clientId: string): Entry | undefined {
    const key = this.byClientId.get(clientId);
    return key === undefined ? undefined : this.entries.get(key);
  }
}
