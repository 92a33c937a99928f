import type { ChatClient, CrisisAlert } from "./client";
import { loadCountry, preferredCountry, saveCountry } from "./country";
import { CrisisCard } from "./crisis-card";
import { CRISIS_TEXT } from "./format";
import { resourceActions, type Country, type HelplinesApi } from "./helplines";
import type { StorageLike } from "./outbox";
import type { Resource } from "./protocol";
import { el, type ChatView } from "./view";

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
 * appears when the server says the person may be at risk, without taking the focus from what they are writing
 * and without blocking it; it says so once to screen readers; it can be folded to one line, never lost.
 */
export function mountCrisis(view: ChatView, client: CrisisController, deps: CrisisViewDeps): void {
  const card = new CrisisCard();

  const help = el(
    "button",
    { type: "button", class: "secondary help-now", "data-testid": "get-help", "aria-controls": "crisis-card" },
    CRISIS_TEXT.button,
  );
  view.headerActions.append(help);

  const section = el("section", {
    id: "crisis-card",
    "data-testid": "crisis-card",
    class: "card crisis",
    "aria-labelledby": "crisis-title",
  });
  section.hidden = true;
  const title = el("h2", { id: "crisis-title", "data-testid": "crisis-title", tabindex: "-1" });
  const toggle = el("button", {
    type: "button",
    class: "secondary crisis-toggle",
    "data-testid": "crisis-toggle",
    "aria-controls": "crisis-body",
  });
  const head = el("div", { class: "crisis-head" });
  head.append(title, toggle);

  const body = el("div", { id: "crisis-body", "data-testid": "crisis-body", class: "crisis-body" });
  const emergency = el("p", { "data-testid": "crisis-emergency", class: "crisis-emergency" }, CRISIS_TEXT.emergency);
  const lead = el("p", { class: "crisis-lead" }, CRISIS_TEXT.lead);
  const select = el("select", { id: "crisis-country", "data-testid": "crisis-country", name: "country" });
  const picker = el("div", { class: "crisis-country" });
  picker.append(el("label", { for: "crisis-country" }, CRISIS_TEXT.country), select);
  const list = el("ul", { "data-testid": "crisis-resources", class: "resources" });
  const status = el("p", { "data-testid": "crisis-status", class: "crisis-status" });
  const retry = el("button", { type: "button", class: "secondary", "data-testid": "crisis-retry" }, CRISIS_TEXT.retry);
  const note = el("p", { "data-testid": "crisis-note", class: "crisis-note" }, CRISIS_TEXT.emergencyNote);
  body.append(emergency, lead, picker, list, status, retry, note);
  section.append(head, body);

  // Apart from the card, so that drawing the card again (another country, folding it) says nothing.
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
      options.unshift(el("option", { value: current }, current === "INTL" ? CRISIS_TEXT.another : current));
    }
    select.replaceChildren(...options);
    select.value = current ?? "";
    picker.hidden = options.length === 0;
    select.disabled = card.countries.length === 0;
  }

  function draw(): void {
    section.hidden = !card.visible;
    section.dataset.level = card.level ?? "none";
    section.dataset.collapsed = String(card.collapsed);
    section.dataset.country = card.country ?? "";
    title.textContent = card.collapsed ? CRISIS_TEXT.collapsed : CRISIS_TEXT.heading;
    body.hidden = card.collapsed;
    if (card.level === null && !card.collapsed) {
      // Opened from the header with nothing detected: the person may close it; the button brings it back.
      toggle.textContent = CRISIS_TEXT.close;
      toggle.setAttribute("aria-label", CRISIS_TEXT.closeLabel);
      toggle.removeAttribute("aria-expanded");
    } else {
      toggle.textContent = card.collapsed ? CRISIS_TEXT.show : CRISIS_TEXT.hide;
      toggle.setAttribute("aria-label", card.collapsed ? CRISIS_TEXT.showLabel : CRISIS_TEXT.hideLabel);
      toggle.setAttribute("aria-expanded", String(!card.collapsed));
    }
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
      ? CRISIS_TEXT.loading
      : card.loadFailed
        ? CRISIS_TEXT.failed
        : empty && !card.loading
          ? CRISIS_TEXT.empty
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

  toggle.addEventListener("click", () => {
    card.toggle();
    draw();
    // The button that had the focus is gone with the card: give it to the one that brings the card back.
    if (!card.visible) help.focus();
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
