// Which words the page shows. Each page's entry point picks the catalogue once, from <html lang> (which Django
// sets), before anything is drawn; views and state ask `messages()` for words when they need them, never at import
// time, so that the choice is in effect by then.
import { en, type Messages } from "./en";
import { PSEUDO_CLOSE, PSEUDO_OPEN, pseudo } from "./pseudo";
import { zh } from "./zh";

export { en, zh, pseudo, type Messages };
export { PSEUDO_CLOSE, PSEUDO_OPEN, pseudoText } from "./pseudo";

/** English, Simplified Chinese, and the pseudo-locale that marks every catalogue string (tests only). */
export type Locale = "en" | "zh" | "en-xa";

export const PSEUDO_LANG = "en-xa";

/** The locale for a page whose <html lang> is `htmlLang`: "zh", "zh-hans", "zh-CN"… → zh; "en-xa" → pseudo. */
export function localeFrom(htmlLang: string): Locale {
  const lang = htmlLang.trim().toLowerCase();
  if (lang === "zh" || lang.startsWith("zh-") || lang.startsWith("zh_")) return "zh";
  if (lang === PSEUDO_LANG) return "en-xa";
  return "en";
}

let pseudoEn: Messages | null = null;

export function catalogue(locale: Locale): Messages {
  if (locale === "zh") return zh;
  if (locale === "en-xa") return (pseudoEn ??= pseudo(en));
  return en;
}

let current: Locale = "en";
let currentMessages: Messages = en;

export function setLocale(locale: Locale): void {
  current = locale;
  currentMessages = catalogue(locale);
}

/** Sets the locale from the page's <html lang>; returns it. */
export function setLocaleFromDocument(doc: Pick<Document, "documentElement">): Locale {
  setLocale(localeFrom(doc.documentElement.lang));
  return current;
}

export function locale(): Locale {
  return current;
}

/** The words of the current locale. */
export function messages(): Messages {
  return currentMessages;
}

/**
 * The BCP 47 tag to give Intl for dates and numbers: undefined (the browser's own language, as the page has always
 * done) in English and the pseudo-locale, "zh-CN" in Chinese.
 */
export function intlLocale(): string | undefined {
  return current === "zh" ? "zh-CN" : undefined;
}

/**
 * A date or number formatted for the page's locale. The pseudo-locale brackets it, as it does the catalogue's
 * words, so that its browser test can tell it from text that bypassed the catalogue and Intl.
 */
export function formatted(text: string): string {
  return current === "en-xa" ? `${PSEUDO_OPEN}${text}${PSEUDO_CLOSE}` : text;
}

const numberFormats = new Map<string, Intl.NumberFormat>();

/** A count as the page's locale writes it; in English as it always was (3600, not 3,600). */
export function numberText(value: number): string {
  const tag = intlLocale();
  if (tag === undefined) return formatted(String(value));
  let format = numberFormats.get(tag);
  if (!format) {
    format = new Intl.NumberFormat(tag);
    numberFormats.set(tag, format);
  }
  return format.format(value);
}

/** The words for `key` in one of the catalogue's tables (error codes, roles…); undefined if it has none. */
export function lookup(table: Readonly<Record<string, string>>, key: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
}

/** A protocol value's name in one of the catalogue's tables (emotion groups…); the value itself if none. */
export function nameOf(table: Readonly<Record<string, string>>, key: string): string {
  return lookup(table, key) ?? key;
}
