// The privacy notice card and the privacy panel (the notice's own text comes from the server), and the account line.

export const privacy = {
  accept: "I understand, start",
  retry: "Try again",
  open: "Privacy",
  panelTitle: "Your privacy",
  withdraw: "Withdraw consent",
  download: "Download my data",
  erase: "Delete everything",
  eraseWarning: "This deletes every conversation and message you wrote here, and your consent. It cannot be undone.",
  eraseConfirm: "Yes, delete everything",
  cancel: "Cancel",
  eraseGroup: "Confirm deletion",
  /** The offer of an account, in pieces around its two links: offer, signup, or, login, end. */
  accountOffer: "Keep your conversations on other devices: ",
  signup: "create an account",
  or: ", or ",
  login: "log in",
  offerEnd: ".",
  logout: "Log out",
  signedIn: (email: string): string => `Signed in as ${email}.`,
  consentHeading: "Your consent",
  dataHeading: "Your data",
  accessHeading: "Who has read this conversation",
  accountHeading: "Your account",
  required: (purpose: string): string => `${purpose} (needed for the chat to work)`,
  agreedOn: (date: string): string => `You agreed to the privacy notice on ${date}.`,
  notAgreed: "You haven't agreed to the current privacy notice.",
  noticeTitle: "Privacy notice",
  loadFailed: "We couldn't load the privacy notice. Please check your connection, then try again.",
  noAccess: "No one on our team has read your conversations.",
  /** One line of the access log, e.g. "Read by a moderator · 21 Nov 2026, 14:02". */
  readBy: (reader: string, date: string): string => `Read by ${reader} · ${date}`,
  /** Who read it, by the server's role name. */
  readers: {
    moderator: "a moderator",
    "moderation lead": "a moderation lead",
    administrator: "an administrator",
    staff: "a member of staff",
  },
  someone: "someone on our team",
  /** What to tell the person when a request fails, by the server's error code. */
  errors: {
    network: "We couldn't reach the server. Please check your connection and try again.",
    notice_changed: "The privacy notice has just been updated. Please read it again.",
    confirmation_required: "Please confirm that you want to delete everything.",
  },
  error: "Something went wrong. Please try again.",
};
