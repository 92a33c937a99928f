// The charts of the team's analytics page in Django admin (the page and its tables are server-rendered).

export const analytics = {
  axisDay: "Day",
  axisMessages: "Messages",
  none: "–",
  /** Who wrote a message, by its protocol role: the messages-per-day chart's lines. */
  roles: {
    user: "People",
    assistant: "Assistant",
    moderator: "Moderators",
  },
  /** The emotion groups and neutral: the emotions chart's lines. */
  groups: {
    joy: "Joy",
    sadness: "Sadness",
    fear: "Fear",
    anger: "Anger",
    surprise: "Surprise",
    disgust: "Disgust",
    neutral: "Neutral",
  },
  unreadable: "The chart could not be drawn; the table below has the same numbers.",
};
