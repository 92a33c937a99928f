import type { ChatClient, CrisisAlert } from "./client";
import { loadCountry, preferredCountry, saveCountry } from "./country";
import { CrisisCard } from "./crisis-card";
import { resourceActions, type Country, type HelplinesApi } from "./helplines";
import { messages } from "./i18n";
import type { StorageLike } from "./outbox";
import type { Resource } from "./protocol";
import { el } from "./dom";
import type { ChatView } from "./view-types";

/** What the helplines card needs from the client. */
export type CrisisController = Pick<ChatClient, "subscribe" | "getState">;

export interface CrisisViewDeps {
  api: Pick<HelplinesApi, "load">;
  /** Where the person's choice of country is kept (localStorage, which outlives the tab). */
  storage: StorageLike;
  /** `navigator.languages`, read when the country is needed. */
  languages: () => readonly string[];
}

function resourceItem(resource: Resource): HTMLLIElement {
  const li = el("li", { "data-testid": "crisis-resource", class: "resource" });
  li.append(el("h3", { class: "resource-name" }, resource.name));
  if (resource.hours !== null) li.append(el("p", { class: "resource-hours" }, resource.hours));
  const actions = resourceActions(resource).map((action) => {
    const attrs: Record<string, string> = {
      href: action.href,
      class: `button resource-${action.kind}`,
      "data-testid": `resource-${action.kind}`,
      "aria-label": action.label,
    };
    if (action.kind === "web") Object.assign(attrs, { target: "_blank", rel: "noopener" });
    return el("a", attrs, action.text);
  });
  if (actions.length > 0) {
    const row = el("div", { class: "resource-actions" });
    row.append(...actions);
    li.append(row);
  }
  return li;
}

/**
 * The helplines card at the top of the conversation, and the header's "Get help now" button that opens it. It
 * appears when the server says the person may be at risk, compact, without taking the focus from what they are
 * writing and without hiding the conversation; it says so once to screen readers; it can be expanded to every
 * helpline and made compact again, never lost.
 */
export function mountCrisis(view: ChatView, client: CrisisController, deps: CrisisViewDeps): void {
  const card = new CrisisCard();
  const text = messages().crisis;

  const help = el(
    "button",
    { type: "button", class: "secondary help-now", "data-testid": "get-help", "aria-controls": "crisis-card" },
    text.button,
  );
  view.headerActions.append(help);

  const section = el("section", {
    id: "crisis-card",
    "data-testid": "crisis-card",
    class: "card crisis",
    "aria-labelledby": "crisis-title",
  });
  section.hidden = true;
  const title = el("h2", { id: "crisis-title", "data-testid": "crisis-title", tabindex: "-1" }, text.heading);
  const close = el(
    "button",
    { type: "button", class: "secondary crisis-close", "data-testid": "crisis-close", "aria-label": text.closeLabel },
    text.close,
  );
  const head = el("div", { class: "crisis-head" });
  head.append(title, close);

  // The compact card's one way to reach help, and the control for the rest. Kept at the top of an expanded card
  // while its list scrolls, so calling and making the card compact again are each one tap away.
  const primary = el("a", { class: "button crisis-primary", "data-testid": "crisis-primary" });
  const primaryText = el("span", { class: "crisis-primary-action" });
  const primaryName = el("span", { class: "crisis-primary-name" });
  primary.append(primaryText, primaryName);
  const toggle = el("button", {
    type: "button",
    class: "secondary crisis-toggle",
    "data-testid": "crisis-toggle",
    "aria-controls": "crisis-body",
  });
  toggle.append(text.all, el("span", { class: "chevron", "aria-hidden": "true" }));
  const quick = el("div", { class: "crisis-quick" });
  quick.append(primary, toggle);
  const top = el("div", { class: "crisis-top" });
  top.append(head, quick);

  const body = el("div", { id: "crisis-body", "data-testid": "crisis-body", class: "crisis-body" });
  const emergency = el("p", { "data-testid": "crisis-emergency", class: "crisis-emergency" }, text.emergency);
  const lead = el("p", { class: "crisis-lead" }, text.lead);
  const select = el("select", { id: "crisis-country", "data-testid": "crisis-country", name: "country" });
  const picker = el("div", { class: "crisis-country" });
  picker.append(el("label", { for: "crisis-country" }, text.country), select);
  const list = el("ul", { "data-testid": "crisis-resources", class: "resources" });
  const note = el("p", { "data-testid": "crisis-note", class: "crisis-note" }, text.emergencyNote);
  body.append(emergency, lead, picker, list, note);
  // Outside the body: a compact card with no list yet says why, and offers to try again.
  const status = el("p", { "data-testid": "crisis-status", class: "crisis-status" });
  const retry = el("button", { type: "button", class: "secondary", "data-testid": "crisis-retry" }, text.retry);
  section.append(top, status, retry, body);

  // Apart from the card, so that drawing the card again (another country, expanding it) says nothing.
  const announcer = el("p", { "data-testid": "crisis-announcer", class: "sr-only", role: "status", "aria-live": "polite" });
  view.messages.before(section, announcer);

  let alert: CrisisAlert | null = client.getState().crisis;
  let drawnResources: readonly Resource[] | null = null;
  let drawnCountries: readonly Country[] | null = null;
  let drawnCountry: string | null = null;

  function drawCountries(): void {
    if (drawnCountries === card.countries && drawnCountry === card.country) return;
    drawnCountries = card.countries;
    drawnCountry = card.country;
    const options = card.countries.map((country) => el("option", { value: country.code }, country.name));
    const current = card.country;
    if (current !== null && !card.countries.some((country) => country.code === current)) {
      options.unshift(el("option", { value: current }, current === "INTL" ? text.another : current));
    }
    select.replaceChildren(...options);
    select.value = current ?? "";
    picker.hidden = options.length === 0;
    select.disabled = card.countries.length === 0;
  }

  function drawPrimary(): void {
    const offer = card.primary;
    primary.hidden = offer === null;
    if (offer === null) return;
    const { action, resource } = offer;
    primary.href = action.href;
    primary.dataset.kind = action.kind;
    primary.setAttribute("aria-label", action.label);
    primaryText.textContent = action.text;
    primaryName.textContent = resource.name;
  }

  function draw(): void {
    section.hidden = !card.visible;
    const state = !card.visible ? null : card.expanded ? "expanded" : "compact";
    section.dataset.level = card.level ?? "none";
    section.dataset.state = state ?? "hidden";
    section.dataset.country = card.country ?? "";
    // The page lays itself out around the card: see chat.css.
    if (state === null) delete view.page.dataset.helplines;
    else view.page.dataset.helplines = state;
    body.hidden = !card.expanded;
    // A card the person opened with nothing detected closes; one shown for a risk only changes size.
    const closeHadFocus = document.activeElement === close;
    close.hidden = !card.closable;
    quick.hidden = card.closable;
    toggle.setAttribute("aria-expanded", String(card.expanded));
    // A risk detected while the person had the card open takes away the button that had the focus.
    if (closeHadFocus && close.hidden) toggle.focus();
    drawPrimary();
    const imminent = card.level === "imminent";
    emergency.hidden = !imminent;
    note.hidden = imminent;
    drawCountries();
    if (drawnResources !== card.resources) {
      drawnResources = card.resources;
      list.replaceChildren(...card.resources.map(resourceItem));
    }
    list.hidden = card.resources.length === 0;
    const empty = card.resources.length === 0 && card.country !== null;
    status.textContent = card.loading && card.resources.length === 0
      ? text.loading
      : card.loadFailed
        ? text.failed
        : empty && !card.loading
          ? text.empty
          : "";
    status.hidden = status.textContent === "";
    retry.hidden = !card.loadFailed;
  }

  async function load(force = false): Promise<void> {
    const request = card.request(force);
    if (!request) return;
    draw();
    try {
      card.loaded(request.id, await deps.api.load(request.country));
    } catch {
      card.failed(request.id);
    }
    draw();
  }

  function announce(text: string): void {
    announcer.textContent = text;
  }

  help.addEventListener("click", () => {
    card.open(preferredCountry(loadCountry(deps.storage), deps.languages()));
    draw();
    void load();
    title.focus();
    section.scrollIntoView?.({ block: "nearest" });
  });

  // The focus stays on the toggle: aria-expanded tells a screen reader what it did.
  toggle.addEventListener("click", () => {
    card.toggle();
    draw();
  });

  close.addEventListener("click", () => {
    card.toggle();
    draw();
    // The button that had the focus is gone with the card: give it to the one that brings the card back.
    help.focus();
  });

  // Escape makes an expanded card compact again from anywhere in it, as a keyboard user would expect of a
  // disclosure; the focus goes to the control that expands it, which is still there.
  section.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || !card.expanded || card.closable) return;
    event.preventDefault();
    card.toggle();
    draw();
    toggle.focus();
  });

  select.addEventListener("change", () => {
    const code = select.value;
    if (code === "" || code === card.country) return;
    saveCountry(deps.storage, code);
    card.choose(code);
    draw();
    void load(true);
  });

  retry.addEventListener("click", () => void load(true));

  client.subscribe((state) => {
    if (state.crisis === alert) return;
    alert = state.crisis;
    // After an erasure the same words may need saying again, and a live region says only what changes.
    if (alert === null) announcer.textContent = "";
    const text = card.update(alert);
    draw();
    if (text !== null) announce(text);
    void load();
  });

  if (alert !== null) card.update(alert);
  draw();
  void load();
}
