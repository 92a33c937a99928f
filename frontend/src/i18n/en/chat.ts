// The chat page's own words: the connection, the composer, each message's status, typing, the support team, and
// the notices under the conversation. English is the source: the other catalogues are typed from it.

export const chat = {
  connection: {
    connecting: "Connecting…",
    open: "Connected",
    reconnecting: "Reconnecting…",
    offline: "Offline — your messages will be sent when you're back",
    closed: "Disconnected",
  },
  /** Who said it, for screen readers (and shown for the support team). */
  speaker: {
    user: "You",
    assistant: "emochat",
    moderator: "Support team",
  },
  newConversation: "New conversation",
  /** On a phone the toolbar button says this (chat.css, `data-short`); its name stays the whole label. */
  newConversationShort: "New",
  conversationLabel: "Conversation",
  messageLabel: "Your message",
  hint: "Enter to send · Shift+Enter for a new line",
  send: "Send",
  /** Shown once the text is near the limit. */
  counter: (length: number, max: number): string => `${length} / ${max}`,
  sending: "Sending…",
  /** A sending message's status while the person has not agreed to the privacy notice. */
  waitingForConsent: "Not sent yet: waiting for you to agree to the privacy notice",
  notSent: (reason: string): string => `Not sent: ${reason}`,
  editAndRetry: "Edit and retry",
  /** Shown instead of a message whose stored text could not be decrypted. */
  unreadable: "This message can't be decrypted.",
  typing: {
    moderator: "Support team is typing…",
    stillThinking: "Still thinking…",
    thinking: "Thinking…",
    writing: "Writing a reply…",
  },
  /** Shown in the conversation when the support team comes and goes, and in the header while they are there. */
  support: {
    joined: "A member of the support team has joined the conversation.",
    left: "The support team member has left. The assistant is back.",
    indicator: "Support team is here",
  },
  /** The line under the conversation. */
  notices: {
    unavailable: "We're taking longer than usual. Your message is saved and will be answered.",
    forbidden: "This chat can't be opened from here right now. Reloading the page usually helps.",
    error: "Something went wrong. Please try again.",
    consent: "Please read the privacy notice and agree to it. Your message is kept and will be sent then.",
    erased: "Everything you wrote here has been deleted.",
    elsewhere: "This chat is open in another tab or window. Reload this page to continue here.",
  },
  /** Why a message was not sent, when the server gave no words of its own. */
  failed: {
    invalid: "This message couldn't be sent.",
    too_long: "This message is too long (4,000 characters at most).",
    rate_limited: "You're sending messages quickly. Please wait a moment, then try again.",
  },
};
