// The feedback under each of the assistant's replies, and the check-in at the start of a conversation.

export const feedback = {
  question: "Was this reply helpful?",
  helpful: "Helpful",
  notHelpful: "Not helpful",
  reasonLabel: "What would have helped more? (optional)",
  send: "Send",
  skip: "Skip",
  retry: "Try again",
  saving: "Saving…",
  saved: "Thank you",
  /** Why a choice was not saved, by the server's error code. */
  errors: {
    network: "We couldn't reach the server, so this wasn't saved. Please check your connection and try again.",
    rate_limited: "That's a lot of changes at once. Please wait a moment, then try again.",
    consent_required: "Please agree to the privacy notice first, then try again.",
    not_found: "This reply can't be rated any more.",
  },
  tooLong: (max: number): string => `That reason is too long (${max} characters at most).`,
  error: "This wasn't saved. Please try again.",
};

/** The answers' own words come from the server. */
export const checkin = {
  question: "How are you feeling right now?",
  skip: "Not now",
  skipLabel: "Skip the check-in for this conversation",
  thanks: "Thank you. You can see how you've been feeling in My mood.",
  failed: "That wasn't saved. Please check your connection and try again, or skip it.",
  /** The way from the chat to the mood page; on a phone the toolbar says `moodLinkShort`. */
  moodLink: "My mood",
  moodLinkShort: "Mood",
};
