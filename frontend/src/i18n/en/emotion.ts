// Names of what the emotion model reads (inference/goemotions.py): the chip under a message, its tooltip, the
// history list's mood, the mood page's feelings. The keys are protocol values and never change.

export const emotion = {
  /** The groups as the chip shows them (lower case, as the model names them). */
  groups: {
    joy: "joy",
    sadness: "sadness",
    anger: "anger",
    fear: "fear",
    disgust: "disgust",
    surprise: "surprise",
    neutral: "neutral",
  },
  /** The 27 GoEmotions labels and neutral, for the chip's tooltip and the mood page's feelings. */
  labels: {
    admiration: "admiration",
    amusement: "amusement",
    anger: "anger",
    annoyance: "annoyance",
    approval: "approval",
    caring: "caring",
    confusion: "confusion",
    curiosity: "curiosity",
    desire: "desire",
    disappointment: "disappointment",
    disapproval: "disapproval",
    disgust: "disgust",
    embarrassment: "embarrassment",
    excitement: "excitement",
    fear: "fear",
    gratitude: "gratitude",
    grief: "grief",
    joy: "joy",
    love: "love",
    nervousness: "nervousness",
    optimism: "optimism",
    pride: "pride",
    realization: "realization",
    relief: "relief",
    remorse: "remorse",
    sadness: "sadness",
    surprise: "surprise",
    neutral: "neutral",
  },
  /** The chip of a message in a language the model cannot read. */
  notRead: "not read",
  notReadLabel: "Emotion not read: this language cannot be read yet",
  readLabel: (name: string): string => `Emotion read: ${name}`,
  /** The tooltip: the strongest labels, each "name 0.81". */
  scores: (parts: readonly string[]): string => parts.join(", "),
};
