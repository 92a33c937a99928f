import type { ChatClient } from "./client";
import { MAX_REASON_LENGTH, type FeedbackClient } from "./feedback";
import { messages } from "./i18n";
import type { ChatMessage } from "./timeline";
import { el } from "./dom";
import type { ChatView, ReplyControls } from "./view-types";

/** What the reply controls need from the feedback client. */
export type FeedbackController = Pick<FeedbackClient, "view" | "press" | "giveReason" | "skipReason" | "retry">;

let counter = 0;

/**
 * "Helpful" and "Not helpful" toggles under a reply, a field for an optional reason after "Not helpful", and an
 * inline error with "Try again" when a choice was not saved. The row takes its place while the reply is still
 * being written, unseen, so nothing below moves when it appears.
 */
export function createFeedback(controller: FeedbackController): ReplyControls {
  const text = messages().feedback;
  const id = `feedback-${++counter}`;
  const root = el("div", { class: "feedback", "data-testid": "feedback" });
  const row = el("div", { class: "feedback-row", role: "group", "aria-label": text.question });
  const helpful = el("button", {
    type: "button",
    class: "toggle",
    "data-testid": "feedback-helpful",
    "aria-pressed": "false",
  }, text.helpful);
  const notHelpful = el("button", {
    type: "button",
    class: "toggle",
    "data-testid": "feedback-not-helpful",
    "aria-pressed": "false",
  }, text.notHelpful);
  const status = el("span", { class: "feedback-status", "data-testid": "feedback-status", role: "status" });
  row.append(helpful, notHelpful, status);

  const form = el("form", { class: "feedback-reason", "data-testid": "feedback-reason" });
  form.hidden = true;
  const label = el("label", { for: `${id}-reason` }, text.reasonLabel);
  const input = el("input", {
    id: `${id}-reason`,
    type: "text",
    name: "reason",
    maxlength: String(MAX_REASON_LENGTH),
    autocomplete: "off",
  });
  const send = el("button", { type: "submit" }, text.send);
  const skip = el("button", { type: "button", class: "secondary" }, text.skip);
  const actions = el("div", { class: "feedback-actions" });
  actions.append(send, skip);
  form.append(label, input, actions);

  const error = el("p", { class: "feedback-error", "data-testid": "feedback-error", role: "alert" });
  const errorText = el("span");
  const retry = el("button", { type: "button", class: "link" }, text.retry);
  error.append(errorText, " ", retry);
  error.hidden = true;
  root.append(row, form, error);

  let current: ChatMessage | null = null;
  const messageId = (): string | null => current?.id ?? null;
  const stored = () => current?.feedback ?? null;

  helpful.addEventListener("click", () => {
    const target = messageId();
    if (target !== null) controller.press(target, true, stored());
  });
  notHelpful.addEventListener("click", () => {
    const target = messageId();
    if (target !== null) controller.press(target, false, stored());
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const target = messageId();
    if (target === null) return;
    controller.giveReason(target, input.value, stored());
    notHelpful.focus(); // the field closes: the focus stays with the choice it belongs to
  });
  skip.addEventListener("click", () => {
    const target = messageId();
    if (target === null) return;
    controller.skipReason(target);
    notHelpful.focus();
  });
  retry.addEventListener("click", () => {
    const target = messageId();
    if (target !== null) controller.retry(target);
  });

  function update(message: ChatMessage, writing: boolean): void {
    current = message;
    // Unreadable words cannot be judged; a reply not yet stored cannot be rated.
    root.hidden = message.unreadable || message.id === null;
    const pending = writing || message.seq === null;
    root.classList.toggle("pending", pending);
    helpful.disabled = pending;
    notHelpful.disabled = pending;
    if (root.hidden || message.id === null) return;
    const view = controller.view(message.id, message.feedback);
    setPressed(helpful, view.helpful === true);
    setPressed(notHelpful, view.helpful === false);
    root.dataset.phase = view.phase;
    const statusText = view.phase === "saving" ? text.saving : view.saved ? text.saved : "";
    if (status.textContent !== statusText) status.textContent = statusText;
    if (view.reasonOpen && form.hidden) input.value = view.reason;
    form.hidden = !view.reasonOpen;
    error.hidden = view.error === null;
    if (errorText.textContent !== (view.error ?? "")) errorText.textContent = view.error ?? "";
  }

  return { root, update };
}

function setPressed(button: HTMLButtonElement, pressed: boolean): void {
  const value = String(pressed);
  if (button.getAttribute("aria-pressed") !== value) button.setAttribute("aria-pressed", value);
}

/**
 * Keeps the conversation's feedback controls drawn as their state changes, and forgets what they held (reasons
 * being typed too) when the person erases their data.
 */
export function mountFeedback(
  view: ChatView,
  client: Pick<ChatClient, "subscribe" | "getState">,
  feedback: Pick<FeedbackClient, "subscribe" | "clear">,
): void {
  let erasures = client.getState().erasures;
  client.subscribe((state) => {
    if (state.erasures === erasures) return;
    erasures = state.erasures;
    feedback.clear();
  });
  feedback.subscribe(() => view.redraw());
}
