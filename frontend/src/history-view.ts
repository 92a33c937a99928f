import type { ChatClient } from "./client";
import { groupName } from "./format";
import {
  HistoryState,
  NewConversationPrompt,
  historyDate,
  historyLabel,
  historyTitle,
} from "./history";
import { messages } from "./i18n";
import type { ConversationSummary } from "./protocol";
import { el } from "./dom";
import type { ChatView } from "./view-types";

type HistoryClient = Pick<
  ChatClient,
  "listConversations" | "openConversation" | "onConversations" | "subscribe" | "getState"
>;

export interface HistoryView {
  /** For mountChat's `confirmNewConversation`: asks before "New conversation" closes the one the person is in. */
  confirmNew(start: () => boolean): void;
  /** Draws the toolbar button, the panel and the prompt into the chat view. */
  mount(view: ChatView): void;
}

/**
 * The list of past conversations (a panel opened from the toolbar, not a modal: the conversation stays usable
 * beside it) and the prompt "New conversation" shows first. Built before the chat view, which asks the prompt,
 * and mounted into it once it exists.
 */
export function createHistory(client: HistoryClient, now: () => Date = () => new Date()): HistoryView {
  const state = new HistoryState({
    list: () => client.listConversations(),
    open: (id) => client.openConversation(id),
  });
  const prompt = new NewConversationPrompt();
  const text = messages().history;

  const open = el("button", {
    type: "button",
    class: "secondary",
    "data-testid": "history-open",
    "data-short": text.buttonShort,
    "aria-label": text.button,
    "aria-expanded": "false",
    "aria-controls": "history-panel",
  }, text.button);
  const panel = el("section", {
    id: "history-panel",
    "data-testid": "history-panel",
    class: "card history-panel",
    "aria-labelledby": "history-title",
  });
  panel.hidden = true;
  const title = el("h2", { id: "history-title", tabindex: "-1" }, text.title);
  const close = el("button", { type: "button", class: "secondary history-close", "data-testid": "history-close" },
    text.close);
  const head = el("div", { class: "history-head" });
  head.append(title, close);
  const status = el("p", { "data-testid": "history-status", role: "status", class: "history-status" });
  const list = el("ul", { "data-testid": "history-list", class: "history-list", "aria-labelledby": "history-title" });
  panel.append(head, status, list);

  const confirmBox = el("div", {
    "data-testid": "new-confirm",
    class: "card new-confirm",
    role: "group",
    "aria-labelledby": "new-confirm-text",
  });
  confirmBox.hidden = true;
  const confirmText = el("p", { id: "new-confirm-text" }, text.confirm);
  const startNew = el("button", { type: "button", "data-testid": "new-confirm-start" }, text.startNew);
  const cancel = el("button", { type: "button", class: "secondary", "data-testid": "new-confirm-cancel" },
    text.cancel);
  const confirmActions = el("div", { class: "card-actions" });
  confirmActions.append(startNew, cancel);
  confirmBox.append(confirmText, confirmActions);
  let startPending: (() => boolean) | null = null;
  let newButton: HTMLElement | null = null;
  let chatView: ChatView | null = null;

  function row(item: ConversationSummary): HTMLLIElement {
    const date = historyDate(item.last_activity_at, now());
    const choose = el("button", {
      type: "button",
      class: "history-item",
      "data-testid": "history-item",
      "data-id": item.id,
      "aria-label": historyLabel(item, date),
    });
    if (item.current) choose.setAttribute("aria-current", "true");
    if (state.opening !== null) choose.disabled = true;
    const words = el("span", { class: item.title ? "history-title" : "history-title untitled" }, historyTitle(item));
    const meta = el("span", { class: "history-meta", "aria-hidden": "true" });
    meta.append(el("time", { datetime: item.last_activity_at }, date));
    if (item.mood) meta.append(el("span", { class: "chip", "data-group": item.mood, "data-testid": "history-mood" },
      groupName(item.mood)));
    if (item.current) meta.append(el("span", { class: "history-current" }, text.current));
    choose.append(words, meta);
    choose.addEventListener("click", () => {
      const wasShown = state.shown;
      state.choose(item.id);
      render();
      if (wasShown && !state.shown) open.focus();
    });
    const li = el("li");
    li.append(choose);
    return li;
  }

  function render(): void {
    panel.hidden = !state.shown;
    open.setAttribute("aria-expanded", String(state.shown));
    const said = state.notice ?? (state.status === "loading" ? text.loading
      : state.status === "offline" ? text.offline
        : state.status === "ready" && state.items.length === 0 ? text.empty : "");
    status.textContent = said;
    status.hidden = said === "";
    list.replaceChildren(...(state.status === "ready" ? state.items.map(row) : []));
    confirmBox.hidden = !prompt.asking;
  }

  function showPanel(): void {
    state.show();
    render();
    title.focus();
  }

  function hidePanel(): void {
    state.hide();
    render();
    open.focus();
  }

  function hidePrompt(): void {
    prompt.cancel();
    startPending = null;
    render();
    newButton?.focus();
  }

  open.addEventListener("click", () => (state.shown ? hidePanel() : showPanel()));
  close.addEventListener("click", hidePanel);
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") hidePanel();
  });
  cancel.addEventListener("click", hidePrompt);
  confirmBox.addEventListener("keydown", (event) => {
    if (event.key === "Escape") hidePrompt();
  });
  startNew.addEventListener("click", () => {
    if (startPending && prompt.confirm(startPending)) {
      startPending = null;
      if (state.shown) state.hide();
    }
    render();
  });

  client.onConversations((answer) => {
    if (answer === "not_found") state.refused();
    else state.received(answer);
    render();
  });
  let conversationId = client.getState().conversationId;
  client.subscribe((chat) => {
    if (chat.conversationId === conversationId || chat.conversationId === null) return;
    conversationId = chat.conversationId;
    const reopened = state.entered(chat.conversationId);
    // Another tab may have gone to another conversation: the list shown is asked again.
    if (state.status === "ready" && !reopened) state.show();
    render();
    // Back in the conversation chosen: the person carries on writing in it.
    if (reopened) chatView?.focusComposer();
  });

  return {
    confirmNew(start) {
      startPending = start;
      prompt.ask();
      render();
      startNew.focus();
    },
    mount(view) {
      chatView = view;
      view.toolbarActions.append(open);
      newButton = view.toolbarActions.querySelector<HTMLElement>("[data-testid=new-conversation]");
      view.toolbar.after(confirmBox, panel);
      render();
    },
  };
}
