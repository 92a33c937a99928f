// Which country's helplines to offer: the person's own choice, else a guess from the browser's languages.
import { readCountryCode } from "./protocol-read";
import type { StorageLike } from "./outbox";

/** localStorage key of the country the person chose in the helplines card. */
export const COUNTRY_KEY = "emochat.country";

/**
 * The region of the first language tag that has one: `en-GB` → GB, `zh-Hant-TW` → TW. Script subtags (Hant),
 * UN M.49 areas (`es-419`, not a country) and extensions (`-u-…`) are skipped.
 */
export function countryFromLanguages(languages: readonly string[]): string | null {
  for (const tag of languages) {
    const subtags = tag.split(/[-_]/);
    if (subtags[0]!.length === 1) continue; // x-… (private use), i-… (grandfathered): no region
    for (const subtag of subtags.slice(1)) {
      if (subtag.length === 1) break; // an extension or private use: no region after it
      if (/^[A-Za-z]{2}$/.test(subtag)) return subtag.toUpperCase();
    }
  }
  return null;
}

/** The country to ask for: the saved choice if it is a valid code, else the languages' region, else null. */
export function preferredCountry(saved: string | null, languages: readonly string[]): string | null {
  return readCountryCode(saved) ?? countryFromLanguages(languages);
}

/** The saved choice; null when there is none or storage is refused. */
export function loadCountry(storage: StorageLike): string | null {
  try {
    return readCountryCode(storage.getItem(COUNTRY_KEY));
  } catch {
    return null;
  }
}

export function saveCountry(storage: StorageLike, code: string): void {
  try {
    storage.setItem(COUNTRY_KEY, code);
  } catch {
    // Storage full or refused: the choice holds for this page only.
  }
}
