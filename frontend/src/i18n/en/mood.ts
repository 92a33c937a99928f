// The "My mood" page. The week's summary sentences come from the server.

export const mood = {
  loading: "Loading…",
  failed: "We couldn't load your mood. Please check your connection, then try again.",
  retry: "Try again",
  emptyTitle: "Nothing to show yet",
  empty:
    "As you chat, the feelings read in your messages gather here, day by day, so you can look back on how " +
    "you've been. Only you can see this page.",
  emptyRange: "There's nothing from these days. Try a longer range, or come back after a chat.",
  noSession: "Open the chat first: this page shows the feelings in your own messages, and only to you.",
  toChat: "Go to the chat",
  summaryTitle: "This week",
  chartTitle: "Feelings day by day",
  chartLabel:
    "Chart of how many of your messages each day were read as each feeling, and whether the day leaned lighter or " +
    "heavier. The same numbers are in the table below it.",
  showTable: "Show as table",
  hideTable: "Hide table",
  tableLabel: "Feelings by day, as a table",
  tableCaption: "Feelings read in your messages, by day. Days without messages or check-ins are left out.",
  feelingsTitle: "What came up most",
  noFeelings: "No one feeling stood out in these days.",
  balance: "Lighter or heavier",
  range: "Show the last",
  days: (days: number): string => `${days} days`,
  note:
    "These readings come from a computer model reading the words you wrote. It can get things wrong, and it says " +
    "nothing about who you are: only about the words on those days.",
  /** The Ekman groups and neutral, as the page names them (the chart's legend, the table's columns). */
  groups: {
    joy: "Joy",
    sadness: "Sadness",
    fear: "Fear",
    anger: "Anger",
    surprise: "Surprise",
    disgust: "Disgust",
    neutral: "Neutral",
  },
  columns: {
    day: "Day",
    messages: "Messages",
    leaning: "Leaning",
    checkin: "Check-in",
  },
  leaning: {
    lighter: "Lighter",
    heavier: "Heavier",
    mixed: "Mixed",
  },
  /** A table cell or chart value with nothing in it. */
  none: "—",
  /** A day's check-ins in words, e.g. "Low, then Okay". */
  checkins: (labels: readonly string[]): string => labels.join(", then "),
  /** A feeling and how often, e.g. "5 messages". */
  feelingCount: (count: number): string => (count === 1 ? "1 message" : `${count} messages`),
  /** The chart's axes. */
  axisMessages: "Messages",
  axisDay: "Day",
  ticks: {
    heavier: "heavier",
    even: "even",
    lighter: "lighter",
  },
};
