// What the helplines card shows, as plain state: crisis-view.ts draws it, the tests drive it without a DOM.
import type { CrisisAlert } from "./client";
import { crisisAnnouncement } from "./format";
import { primaryAction, type Country, type Helplines, type PrimaryAction } from "./helplines";
import { CRISIS_LEVELS, type CrisisLevel, type Resource } from "./protocol";

/** A request for GET /helplines/ that the view is to make, and hand back to `loaded` or `failed`. */
export interface HelplinesRequest {
  id: number;
  /** null: the person's country is not known, and the server answers with the international list. */
  country: string | null;
}

/**
 * The card's state. It appears when the server says the person may be at risk (and stays: it can be made
 * compact, never dismissed), or when the person asks for help from the header (and can then be closed).
 *
 * A card that appears for a risk is compact: the person is in the middle of a conversation, and the reply to what
 * they just wrote (or a moderator's first words) matters as much as the helplines, so the card shows one way to
 * reach help and a control for the rest, and leaves the conversation most of the screen. The person expands it.
 */
export class CrisisCard {
  visible = false;
  /** The full card (every helpline, the country selector); false: compact. */
  expanded = false;
  /** The highest level the server reported; null when the person opened the card themselves. */
  level: CrisisLevel | null = null;
  /** Whose helplines are listed: "GB", "INTL"…; null until known. */
  country: string | null = null;
  resources: readonly Resource[] = [];
  /** For the country selector; empty until /helplines/ has answered once. */
  countries: readonly Country[] = [];
  loading = false;
  /** The list could not be loaded, and there is none to show. */
  loadFailed = false;

  private alert: CrisisAlert | null = null;
  /** The country the person picked in the selector: the server's later guesses do not override it. */
  private chosen: string | null = null;
  private requests = 0;
  /** The newest request, and whether its list replaces the one shown (a list the server sent stays). */
  private latest: { id: number; adopt: boolean } | null = null;

  /**
   * Takes in the client's `crisis`. Returns what to announce to screen readers: something only when the card
   * first appears for a risk, or when the level rises to imminent; never for a re-send.
   */
  update(alert: CrisisAlert | null): string | null {
    if (alert === this.alert) return null;
    this.alert = alert;
    if (alert === null) {
      // An erasure: whatever the card said about what was written goes with it.
      this.reset();
      return null;
    }
    const before = this.level;
    if (before !== null && CRISIS_LEVELS.indexOf(alert.level) <= CRISIS_LEVELS.indexOf(before)) return null;
    this.level = alert.level;
    // A rise in level keeps the card as the person left it: expanding it then would hide the conversation just
    // when a moderator may be about to write. A card the person opened themselves stays expanded.
    if (!this.visible) this.expanded = false;
    this.visible = true;
    const keepChoice = this.chosen !== null && this.chosen !== alert.country;
    if (!keepChoice && alert.resources.length > 0) {
      this.country = alert.country ?? this.country;
      this.resources = alert.resources;
      this.loadFailed = false;
      // An answer still on its way would replace the list the server just sent.
      if (this.latest) this.latest.adopt = false;
    } else if (!keepChoice && alert.country !== null && alert.country !== this.country) {
      // No list came with it: `request` asks /helplines/ for the country the server named.
      this.country = alert.country;
      this.resources = [];
      this.latest = null;
      this.loading = false;
    }
    return crisisAnnouncement(alert.level, before === null);
  }

  /** The header's "Get help now": the card, expanded, for `preferred` unless it already shows a country. */
  open(preferred: string | null): void {
    this.visible = true;
    this.expanded = true;
    if (this.country === null) this.country = preferred;
  }

  /** The one way to reach help that the compact card shows; null while there is no list (or none to call). */
  get primary(): PrimaryAction | null {
    return primaryAction(this.resources);
  }

  /** Whether the card can be closed rather than made compact: nobody was worried, the person opened it. */
  get closable(): boolean {
    return this.level === null;
  }

  /** "All helplines": expand, or back to compact; a card nobody was worried about closes instead of shrinking. */
  toggle(): void {
    if (!this.expanded) this.expanded = true;
    else if (this.closable) this.visible = false;
    else this.expanded = false;
  }

  /** The person picked a country: its list replaces the shown one once loaded (see `request`). */
  choose(country: string): void {
    this.chosen = country;
    this.country = country;
    this.resources = [];
  }

  /**
   * The request to make now, if any: the shown country's list when there is none yet, or the countries for the
   * selector. Asking again while one is in flight is allowed (the older answer is then ignored).
   */
  request(force = false): HelplinesRequest | null {
    if (!this.visible) return null;
    const needList = this.resources.length === 0;
    if (!force && !needList && this.countries.length > 0) return null;
    if (!force && this.loading) return null;
    this.requests += 1;
    this.latest = { id: this.requests, adopt: needList };
    this.loading = true;
    this.loadFailed = false;
    return { id: this.requests, country: this.country };
  }

  loaded(id: number, helplines: Helplines): void {
    if (this.latest?.id !== id) return;
    this.loading = false;
    if (helplines.countries.length > 0) this.countries = helplines.countries;
    if (!this.latest.adopt) return;
    this.country = helplines.country;
    this.resources = helplines.resources;
  }

  failed(id: number): void {
    if (this.latest?.id !== id) return;
    this.loading = false;
    // Only worth saying when there is nothing to show: the selector can do with the shown country alone.
    this.loadFailed = this.latest.adopt;
  }

  private reset(): void {
    this.visible = false;
    this.expanded = false;
    this.level = null;
    this.country = null;
    this.resources = [];
    this.loading = false;
    this.loadFailed = false;
    this.chosen = null;
    this.latest = null;
  }
}
