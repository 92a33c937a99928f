// The helplines card. Calm and plain: it is there to be read by someone having a very hard time.

const heading = "You don't have to face this alone";
const emergency = "If you're in danger right now, please call your local emergency number now.";

export const crisis = {
  heading,
  lead: "If you're thinking about ending your life or hurting yourself, these people can talk with you right now, for free.",
  /** First, at the imminent level. */
  emergency,
  /** Last, at any other level. */
  emergencyNote: "If you're ever in immediate danger, call your local emergency number.",
  /** The control between the compact card and the full one: its name stays, aria-expanded says which is shown. */
  all: "All helplines",
  close: "Close",
  closeLabel: "Close helplines",
  country: "Country",
  loading: "Loading helplines…",
  failed: "We couldn't load the helplines. Please check your connection, then try again.",
  empty: "We don't have a helpline listed for this country yet. Please choose another country, or call your local emergency number.",
  retry: "Try again",
  button: "Get help now",
  another: "Another country",
  /** Said once to screen readers when the card first appears for a risk (with `emergency` at imminent). */
  announceFirst: (imminent: boolean): string =>
    `${heading}. Helplines are shown at the top of the conversation.${imminent ? ` ${emergency}` : ""}`,
  /** Said when the level rises to imminent. */
  announceImminent: `${emergency} Helplines are at the top of the conversation.`,
  /** How a helpline is reached; `phone`, `sms`, `word` and `name` are the server's. */
  call: (phone: string): string => `Call ${phone}`,
  text: (sms: string): string => `Text ${sms}`,
  textWord: (word: string, sms: string): string => `Text ${word} to ${sms}`,
  /** A screen reader's name for a link: what it says first (so voice control finds it), then the helpline's. */
  actionLabel: (action: string, name: string): string => `${action} (${name})`,
  website: "Visit website",
  websiteLabel: (name: string): string => `Visit website (${name}, opens in a new tab)`,
};
