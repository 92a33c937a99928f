// The live pieces of the moderators' pages in Django admin (the pages themselves are server-rendered).

export const moderation = {
  live: "Live",
  following: "Live: you see what the person writes as they write it.",
  forbidden: "Only moderators see cases live.",
  handedBack: "Handed back: the assistant answers the person again. Reload the page.",
  erased: "The person erased their data.",
  unreadable: "This message can't be decrypted.",
  notSent: "Not sent: try again.",
  offline: "Not sent: you seem to be offline.",
  retrying: (seconds: number): string => `Disconnected; trying again in ${seconds} s…`,
  /** The "Enable" button once clicked. */
  soundOn: "Sound on",
  soundAndNotificationsOn: "Sound on, notifications on",
  /** Who wrote a message that arrives live, by its protocol role. */
  roles: {
    user: "user",
    assistant: "assistant",
    moderator: "moderator",
  },
  /** A case's risk level and why it alerts (protocol values), for a desktop notification. */
  levels: {
    ideation: "ideation",
    behavior: "behavior",
    imminent: "imminent",
  },
  alerts: {
    opened: "opened",
    raised: "raised",
    escalated: "escalated",
    returned: "back in the queue",
    assigned: "assigned to you",
  },
  /** A desktop notification; `categories` are the server's. */
  alertTitle: (level: string, alert: string): string => `${level} risk: ${alert}`,
  alertBody: (caseId: string, categories: string): string => `Case ${caseId}, ${categories}`,
  noCategory: "no category",
};
