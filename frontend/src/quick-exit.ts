/**
 * Quick exit: a safety feature of support sites. "Quick exit", or Esc pressed twice, leaves at once for a neutral
 * page (EMOCHAT_QUICK_EXIT_URL), replacing this page in the tab's history so Back does not return to it, and
 * forgets what this browser kept of the chat (an unsent message, the chosen country).
 */
/** Two presses of Esc within this many milliseconds leave. */
export const ESCAPES_WITHIN_MS = 1000;

/** What is needed of a Storage to forget emochat's keys in it. */
export type KeyedStorage = Pick<Storage, "length" | "key" | "removeItem">;

export interface QuickExitDeps {
  /** Where emochat keeps things in this browser (session and local storage). */
  stores: readonly KeyedStorage[];
  /** Navigates without leaving this page in the history (location.replace). */
  replace: (url: string) => void;
  now: () => number;
}

/** Forgets every key emochat keeps, then leaves for `url`. */
export function leave(url: string, deps: QuickExitDeps): void {
  for (const store of deps.stores) {
    for (const key of keysOf(store)) {
      if (key.startsWith("emochat.")) store.removeItem(key);
    }
  }
  deps.replace(url);
}

/** Counts presses of Esc: true when this one is the second within ESCAPES_WITHIN_MS. */
export class EscapeWatcher {
  private last = -Infinity;

  constructor(private readonly now: () => number) {}

  press(): boolean {
    const at = this.now();
    const twice = at - this.last <= ESCAPES_WITHIN_MS;
    this.last = twice ? -Infinity : at;
    return twice;
  }
}

function keysOf(store: KeyedStorage): string[] {
  const keys: string[] = [];
  for (let i = 0; i < store.length; i++) {
    const key = store.key(i);
    if (key !== null) keys.push(key);
  }
  return keys;
}

/** Wires the page's "Quick exit" link and the Esc shortcut. */
export function mountQuickExit(link: HTMLAnchorElement, doc: Document, deps: QuickExitDeps): void {
  const escapes = new EscapeWatcher(deps.now);
  link.addEventListener("click", (event) => {
    event.preventDefault();
    leave(link.href, deps);
  });
  doc.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && escapes.press()) leave(link.href, deps);
  });
}
