import type { ChatMessage } from "./timeline";

export type ConversationEventKind = "support.joined" | "support.left";

/** Something that happened in the conversation without being a message: shown as a line between messages. */
export interface ConversationEvent {
  /** Stable for the life of the event. */
  readonly key: string;
  readonly kind: ConversationEventKind;
  /** The highest sequence number the conversation had when it happened: it is shown after that message. */
  readonly afterSeq: number;
}

export type ConversationItem =
  | { readonly kind: "message"; readonly key: string; readonly message: ChatMessage }
  | { readonly kind: "event"; readonly key: string; readonly event: ConversationEvent };

/**
 * Messages (as Timeline.list() orders them) with events placed among them: each event after the stored messages
 * up to its `afterSeq` and before any later one, before replies still streaming and messages not yet stored.
 */
export function conversationItems(
  messages: readonly ChatMessage[],
  events: readonly ConversationEvent[],
): ConversationItem[] {
  const pending = [...events].sort((a, b) => a.afterSeq - b.afterSeq);
  const items: ConversationItem[] = [];
  const flush = (upTo: number): void => {
    while (pending.length > 0 && pending[0]!.afterSeq < upTo) {
      const event = pending.shift()!;
      items.push({ kind: "event", key: event.key, event });
    }
  };
  for (const message of messages) {
    flush(message.seq ?? Infinity);
    items.push({ kind: "message", key: message.key, message });
  }
  flush(Infinity);
  return items;
}
