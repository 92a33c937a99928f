import "./checkin.css";
import {
  chatMoment,
  Checkin,
  faceMouth,
  toolbarMove,
  type CheckinApi,
  type CheckinView,
} from "./checkin";
import type { ChatClient } from "./client";
import { messages } from "./i18n";
import type { StorageLike } from "./outbox";
import { el } from "./dom";
import type { ChatView } from "./view-types";

/** What the check-in needs from the client. */
export type CheckinController = Pick<ChatClient, "subscribe" | "getState">;

/**
 * The check-in row, just above the empty conversation: a question, five answers and "Not now". A tap records the
 * answer and the row says thank you; the first message, "Not now" or Escape takes it away. Its buttons are one
 * toolbar, a single stop for Tab (the arrow keys move along it), so the message box stays a few keys away.
 */
export function mountCheckin(view: ChatView, client: CheckinController, api: CheckinApi, storage: StorageLike): void {
  const text = messages().checkin;
  const row = el("div", { class: "checkin", "data-testid": "checkin" });
  row.hidden = true;
  const question = el("h2", { id: "checkin-question", class: "checkin-question" }, text.question);
  const toolbar = el("div", { class: "checkin-toolbar", role: "toolbar", "aria-labelledby": "checkin-question" });
  const choices = el("div", { class: "checkin-choices" });
  const skip = el(
    "button",
    { type: "button", class: "link checkin-skip", "data-testid": "checkin-skip", "aria-label": text.skipLabel },
    text.skip,
  );
  toolbar.append(choices, skip);
  const error = el("p", { class: "checkin-error", role: "alert" });
  error.hidden = true;
  row.append(question, toolbar, error);
  // Outside the row, so that the thanks is announced when the row itself goes.
  const thanks = el("p", { class: "checkin-thanks", role: "status", "data-testid": "checkin-thanks" });
  view.messages.before(row, thanks);

  const checkin = new Checkin({ api, storage, changed: () => render(checkin.view()) });
  let drawnChoices: CheckinView["choices"] | null = null;
  /** The toolbar's button that Tab lands on: the last one used, the first answer to begin with. */
  let current = 0;

  function buttons(): HTMLButtonElement[] {
    return [...toolbar.querySelectorAll("button")];
  }

  function rove(index: number, focus: boolean): void {
    const all = buttons();
    current = Math.min(Math.max(index, 0), all.length - 1);
    all.forEach((button, at) => button.setAttribute("tabindex", at === current ? "0" : "-1"));
    if (focus) all[current]?.focus();
  }

  function render(state: CheckinView): void {
    const shown = state.phase === "asking" || state.phase === "saving";
    const hadFocus = !row.hidden && row.contains(document.activeElement);
    row.hidden = !shown;
    if (state.choices !== drawnChoices) {
      drawnChoices = state.choices;
      choices.replaceChildren(
        ...state.choices.map((choice) => {
          const button = el("button", {
            type: "button",
            class: "checkin-choice secondary",
            "data-testid": `checkin-${choice.value}`,
            "data-value": String(choice.value),
          });
          button.append(face(choice.value), el("span", { class: "checkin-label" }, choice.label));
          button.addEventListener("click", () => checkin.choose(choice.value));
          return button;
        }),
      );
      rove(0, false);
    }
    // Not disabled while saving: a disabled button would drop the focus of someone using the keyboard.
    for (const button of choices.querySelectorAll("button")) {
      button.setAttribute("aria-disabled", String(state.phase === "saving"));
    }
    row.setAttribute("aria-busy", String(state.phase === "saving"));
    error.hidden = state.error === null;
    error.textContent = state.error ?? "";
    thanks.textContent = state.phase === "thanks" ? text.thanks : "";
    // Focus never jumps into the row: the composer keeps it. When the row goes while focus is in it, focus goes
    // back to the composer rather than to the page's top.
    if (hadFocus && !shown) view.focusComposer();
  }

  skip.addEventListener("click", () => checkin.skip());
  toolbar.addEventListener("focusin", (event) => {
    const index = buttons().indexOf(event.target as HTMLButtonElement);
    if (index >= 0) rove(index, false);
  });
  row.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      checkin.skip();
      return;
    }
    const next = toolbarMove(event.key, current, buttons().length);
    if (next === null) return;
    event.preventDefault();
    rove(next, true);
  });
  client.subscribe((state) => checkin.update(chatMoment(state)));
  checkin.update(chatMoment(client.getState()));
}

const SVG = "http://www.w3.org/2000/svg";

function svg(tag: string, attrs: Record<string, string>): SVGElement {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  return node;
}

/** A simple face for an answer (checkin.ts faceMouth), drawn in the button's colour. */
function face(value: number): SVGElement {
  const drawing = svg("svg", {
    class: "checkin-face",
    viewBox: "0 0 24 24",
    "aria-hidden": "true",
    focusable: "false",
  });
  drawing.append(
    svg("circle", { cx: "12", cy: "12", r: "10" }),
    svg("circle", { cx: "9", cy: "10", r: "1.2", class: "eye" }),
    svg("circle", { cx: "15", cy: "10", r: "1.2", class: "eye" }),
    svg("path", { d: faceMouth(value) }),
  );
  return drawing;
}

/** The way from the chat to the person's mood page, where their check-ins and feelings are drawn over time. */
export function mountMoodLink(view: ChatView, href: string): void {
  const text = messages().checkin;
  view.toolbarActions.append(
    el("a", { href, class: "button secondary mood-link", "data-testid": "mood-link", "data-short": text.moodLinkShort,
      "aria-label": text.moodLink }, text.moodLink),
  );
}
