// The pseudo-locale ("en-xa"): English with every letter accented and every string bracketed, so that a browser
// test can find words on the page that do not come from the catalogue: they are the ones without PSEUDO_OPEN.

export const PSEUDO_OPEN = "⟦";
export const PSEUDO_CLOSE = "⟧";

const PLAIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const ACCENTED = [..."åƀçðéƒĝĥîĵķļɱñöþǫŕśţûṽŵẋýžÅƁÇÐÉƑĜĤÎĴĶĻṀÑÖÞǪŔŚŢÛṼŴẊÝŽ"];
const ACCENT: ReadonlyMap<string, string> = new Map([...PLAIN].map((letter, index) => [letter, ACCENTED[index]!]));

/**
 * `text` accented and bracketed: "Send" → "⟦Śéñð⟧". Digits, punctuation, `{placeholders}` and the `keep` strings
 * (a function's arguments: the server's words, numbers) are left as they are.
 */
export function pseudoText(text: string, keep: readonly string[] = []): string {
  const kept = keep.filter((part) => part.length > 1).sort((a, b) => b.length - a.length);
  let out = "";
  let at = 0;
  while (at < text.length) {
    const whole = kept.find((part) => text.startsWith(part, at));
    if (whole !== undefined) {
      out += whole;
      at += whole.length;
      continue;
    }
    if (text[at] === "{") {
      const end = text.indexOf("}", at);
      if (end > at) {
        out += text.slice(at, end + 1);
        at = end + 1;
        continue;
      }
    }
    out += ACCENT.get(text[at]!) ?? text[at];
    at += 1;
  }
  return `${PSEUDO_OPEN}${out}${PSEUDO_CLOSE}`;
}

function argumentTexts(args: readonly unknown[]): string[] {
  return args.flatMap((arg): string[] => {
    if (typeof arg === "string") return [arg];
    if (typeof arg === "number") return [String(arg)];
    if (Array.isArray(arg)) return argumentTexts(arg);
    return [];
  });
}

function transform(value: unknown): unknown {
  if (typeof value === "string") return pseudoText(value);
  if (typeof value === "function") {
    const original = value as (...args: unknown[]) => unknown;
    return (...args: unknown[]) => pseudoText(String(original(...args)), argumentTexts(args));
  }
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, transform(item)]));
  }
  return value;
}

/** The pseudo-locale of a catalogue: the same shape, every string and every function's result transformed. */
export function pseudo<T extends object>(catalogue: T): T {
  return transform(catalogue) as T;
}
