// What the chat view (view.ts) offers the rest of the page, and what it needs: the parts of the page (the
// helplines, privacy, history, feedback and check-in views) build on these without importing the view itself.
import type { ChatClient } from "./client";
import type { ChatMessage } from "./timeline";

/** What the view needs from the client. */
export type ChatController = Pick<
  ChatClient,
  "send" | "setTyping" | "newConversation" | "editFailed" | "subscribe" | "getState"
>;

/** Controls drawn under each of the assistant's replies (the feedback on it, feedback-view.ts). */
export interface ReplyControls {
  readonly root: HTMLElement;
  /** Draws them for `message`; `writing`: the reply is still arriving or still being written out. */
  update(message: ChatMessage, writing: boolean): void;
}

export interface ChatViewOptions {
  /** Builds the controls for one reply. */
  replyControls?: () => ReplyControls;
  /** Asks the person before a new conversation closes this one; `start` starts it (false: not connected). */
  confirmNewConversation?: (start: () => boolean) => void;
}

/** What other parts of the page need from the chat view. */
export interface ChatView {
  /** Where page-wide buttons go (the privacy panel's). */
  toolbarActions: HTMLElement;
  /** Page-wide cards (the privacy notice and panel) go right after this element. */
  toolbar: HTMLElement;
  /** Where the page header's own controls go ("Get help now"), after the support team indicator. */
  headerActions: HTMLElement;
  /** The conversation; cards about it (the helplines) go right before it. */
  messages: HTMLElement;
  /** The page's root: states that change the whole page's layout (the helplines card's) are set on it. */
  page: HTMLElement;
  focusComposer(): void;
  /** Draws the conversation again (something it shows changed outside the client: a reply's feedback). */
  redraw(): void;
}
