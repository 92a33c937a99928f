import { groupName } from "./format";
import { formatted, intlLocale, messages } from "./i18n";
import type { ConversationSummary } from "./protocol";

/** What the list of past conversations needs from the chat client (client.ts), injected so it runs in Node. */
export interface HistoryDeps {
  /** Asks for the list; false when not connected. */
  list(): boolean;
  /** Asks to go back to a conversation; false when not connected. */
  open(id: string): boolean;
}

/**
 * closed: not shown. loading: asked, not answered yet. ready: the list is in. offline: it could not be asked
 * (the page is not connected); the panel says so and asks again at the next show().
 */
export type HistoryStatus = "closed" | "loading" | "ready" | "offline";

/**
 * The panel's state, one event at a time: shown or not, the list as last received, the conversation being
 * reopened. A list that arrives after the panel was closed is kept but shows nothing; a refusal keeps the person
 * where they are and says so. No DOM.
 */
export class HistoryState {
  status: HistoryStatus = "closed";
  items: readonly ConversationSummary[] = [];
  /** The conversation asked for, until its hello arrives (or it is refused). */
  opening: string | null = null;
  notice: string | null = null;

  constructor(private readonly deps: HistoryDeps) {}

  get shown(): boolean {
    return this.status !== "closed";
  }

  show(): void {
    this.notice = null;
    this.status = this.deps.list() ? "loading" : "offline";
  }

  hide(): void {
    this.status = "closed";
  }

  received(items: readonly ConversationSummary[]): void {
    this.items = items;
    if (this.status !== "closed") this.status = "ready";
  }

  /**
   * The person chose a conversation: the one they are in just closes the panel; another is asked for. Whether it
   * was asked (false: not connected, or it is the current one).
   */
  choose(id: string): boolean {
    const chosen = this.items.find((item) => item.id === id);
    if (!chosen || chosen.current) {
      this.hide();
      return false;
    }
    if (!this.deps.open(id)) {
      this.status = "offline";
      return false;
    }
    this.opening = id;
    return true;
  }

  /** The page is now in `conversationId` (a hello): a reopen asked for is done, and the panel closes. */
  entered(conversationId: string): boolean {
    this.items = this.items.map((item) => ({ ...item, current: item.id === conversationId }));
    if (this.opening === null) return false;
    const done = this.opening === conversationId;
    this.opening = null;
    if (done) this.hide();
    return done;
  }

  /** The server refused the conversation asked for (it is no longer the person's): nothing changed. */
  refused(): void {
    this.opening = null;
    this.notice = messages().history.notFound;
    if (this.status !== "closed") this.status = this.deps.list() ? "loading" : "offline";
  }
}

/** "New conversation" asks first: nothing is closed until the person confirms. */
export class NewConversationPrompt {
  asking = false;

  ask(): void {
    this.asking = true;
  }

  cancel(): void {
    this.asking = false;
  }

  /** Starts it (`start` says whether the request went out); the prompt stays when it could not be made. */
  confirm(start: () => boolean): boolean {
    if (!this.asking) return false;
    const started = start();
    if (started) this.asking = false;
    return started;
  }
}

/** The title a row shows: the person's first words, or a placeholder for a conversation with none. */
export function historyTitle(item: ConversationSummary): string {
  return item.title ?? messages().history.untitled;
}

/** The date a row shows, in the person's language: the time alone for today, the day otherwise. */
export function historyDate(iso: string, now: Date, locale: string | string[] | undefined = intlLocale()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  const today = date.toDateString() === now.toDateString();
  const options: Intl.DateTimeFormatOptions = today
    ? { timeStyle: "short" }
    : { dateStyle: "medium" };
  return formatted(new Intl.DateTimeFormat(locale, options).format(date));
}

/** Words for a row's screen-reader name: its title, date, mood and whether the person is in it. */
export function historyLabel(item: ConversationSummary, date: string): string {
  const text = messages().history;
  const parts = [historyTitle(item), date];
  if (item.mood) parts.push(text.rowMood(groupName(item.mood)));
  if (item.current) parts.push(text.rowCurrent);
  return text.rowLabel(parts.filter((part) => part !== ""));
}
