// The list of past conversations, and the prompt before a new one.

export const history = {
  button: "Past conversations",
  /** On a phone the toolbar button says this (chat.css, `data-short`). */
  buttonShort: "Past",
  title: "Past conversations",
  close: "Close",
  loading: "Loading your conversations…",
  offline: "Your conversations can't be loaded while you're offline.",
  empty: "No past conversations yet. When you start a new one, this one will be kept here.",
  notFound: "That conversation can't be opened any more.",
  current: "Current",
  untitled: "Nothing written yet",
  confirm: "Start a new conversation? This one stays in Past conversations.",
  startNew: "Start new",
  cancel: "Cancel",
  /** A row's screen-reader name is made of these parts: title, date, mood, whether the person is in it. */
  rowMood: (mood: string): string => `mood: ${mood}`,
  rowCurrent: "current conversation",
  rowLabel: (parts: readonly string[]): string => parts.join(", "),
};
