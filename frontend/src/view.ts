import type { ChatState } from "./client";
import { el, setAttr, setText } from "./dom";
import {
  STILL_THINKING_AFTER_MS,
  connectionText,
  counterText,
  emotionLabel,
  emotionText,
  emotionTitle,
  shownEmotion,
  speakerText,
  typingText,
} from "./format";
import { conversationItems, type ConversationEvent } from "./events";
import { Follow } from "./follow";
import { messages } from "./i18n";
import { MAX_MESSAGE_LENGTH } from "./protocol";
import { Reveal } from "./reveal";
import type { ChatMessage } from "./timeline";
import type { ChatController, ChatView, ChatViewOptions, ReplyControls } from "./view-types";

interface MessageNodes {
  li: HTMLLIElement;
  who: HTMLSpanElement;
  text: HTMLParagraphElement;
  meta: HTMLDivElement;
  status: HTMLSpanElement;
  retry: HTMLButtonElement | null;
  chip: HTMLSpanElement | null;
  controls: ReplyControls | null;
  clientId: string | null;
}

/**
 * Builds the chat UI inside `root` (after the server-rendered header) and keeps it in step with the client. A live
 * reply is written out one word per `revealMs` (0: as it arrives).
 */
export function mountChat(
  root: HTMLElement,
  client: ChatController,
  revealMs: number,
  options: ChatViewOptions = {},
): ChatView {
  const text = messages().chat;
  const connection = el("p", { "data-testid": "connection", "data-state": "connecting", role: "status", class: "connection" });
  const newConversation = el(
    "button",
    // On a phone the toolbar says "New" (chat.css, `data-short`); its name stays the whole label.
    { "data-testid": "new-conversation", type: "button", class: "secondary", "data-short": text.newConversationShort,
      "aria-label": text.newConversation },
    text.newConversation,
  );
  const toolbarActions = el("div", { class: "actions" });
  toolbarActions.append(newConversation);
  const toolbar = el("div", { class: "toolbar" });
  toolbar.append(connection, toolbarActions);

  // Not a live region: the conversation's own line announces the support team's arrival.
  const supportIndicator = el(
    "p",
    { id: "support-indicator", "data-testid": "support-indicator", class: "support-indicator" },
    text.support.indicator,
  );
  supportIndicator.hidden = true;
  const headerActions = el("div", { class: "bar-actions" });
  headerActions.append(supportIndicator);

  // The live region scrolls and holds the list of messages: a list may not itself be a log (ARIA in HTML), and
  // screen readers still say how many messages there are.
  const log = el("div", {
    "data-testid": "messages",
    role: "log",
    "aria-live": "polite",
    "aria-label": text.conversationLabel,
    class: "messages",
    tabindex: "0",
  });
  const list = el("ol", { class: "message-list" });
  log.append(list);
  const typing = el("p", { "data-testid": "typing", class: "typing" });
  typing.hidden = true;
  const notice = el("p", { "data-testid": "notice", role: "status", "aria-live": "polite", class: "notice" });

  const form = el("form", { "data-testid": "composer", class: "composer" });
  const label = el("label", { for: "chat-text" }, text.messageLabel);
  const textarea = el("textarea", {
    id: "chat-text",
    name: "text",
    maxlength: String(MAX_MESSAGE_LENGTH),
    rows: "3",
    autocomplete: "off",
    // Shown only where chat.css hides the label (a short phone showing helplines).
    placeholder: text.messageLabel,
    "aria-describedby": "chat-hint chat-counter",
  });
  const hint = el("span", { id: "chat-hint", class: "hint" }, text.hint);
  const counter = el("span", { id: "chat-counter", class: "counter" });
  const submit = el("button", { type: "submit" }, text.send);
  const row = el("div", { class: "composer-row" });
  row.append(hint, counter, submit);
  form.append(label, textarea, row);

  const header = root.querySelector(".bar");
  // The page's main landmark: the conversation and everything placed beside it (chat.css lays its children out
  // as the page's own, so the crisis card and the privacy panel sit between them as before).
  const main = el("main", { class: "chat-main" });
  main.append(toolbar, log, typing, notice, form);
  if (header) {
    header.append(headerActions);
    header.after(main);
  } else {
    toolbar.append(headerActions);
    root.prepend(main);
  }

  const items = new Map<string, MessageNodes>();
  const eventItems = new Map<string, HTMLLIElement>();
  let awaitingId: string | null = null;
  let stillThinking = false;
  let thinkingTimer: number | null = null;
  let latest: ChatState = client.getState();
  let erasures = latest.erasures;
  const follow = new Follow();
  const reveal = new Reveal({
    timers: {
      setTimeout: (callback, ms) => window.setTimeout(callback, ms),
      clearTimeout: (id) => window.clearTimeout(id),
    },
    now: () => performance.now(),
    paceMs: revealMs,
    changed: () => render(latest),
  });

  function scrollToEnd(): void {
    log.scrollTop = log.scrollHeight;
  }

  log.addEventListener("scroll", () => follow.scrolled(log.scrollHeight - log.scrollTop - log.clientHeight), {
    passive: true,
  });
  if (typeof ResizeObserver !== "undefined") {
    new ResizeObserver(() => {
      if (follow.resized()) scrollToEnd();
    }).observe(log);
  }

  function updateCounter(): void {
    setText(counter, counterText(textarea.value.length) ?? "");
    counter.classList.toggle("at-limit", textarea.value.length >= MAX_MESSAGE_LENGTH);
  }

  function submitComposer(): void {
    const written = textarea.value.trim();
    if (written === "") return;
    client.send(written);
    textarea.value = "";
    updateCounter();
    follow.drawn(true);
    scrollToEnd();
  }

  function editFailed(nodes: MessageNodes): void {
    if (nodes.clientId === null) return;
    const failed = client.editFailed(nodes.clientId);
    if (failed === null) return;
    textarea.value = textarea.value.trim() === "" ? failed : `${textarea.value}\n${failed}`;
    updateCounter();
    textarea.focus();
  }

  function createMessage(message: ChatMessage): MessageNodes {
    const li = el("li", { "data-testid": "message", class: "message" });
    const who = el("span", { class: "who" });
    const words = el("p", { class: "text" });
    const meta = el("div", { class: "meta" });
    const status = el("span", { class: "status" });
    meta.append(status);
    li.append(who, words, meta);
    const controls = message.role === "assistant" && options.replyControls ? options.replyControls() : null;
    if (controls) li.append(controls.root);
    return { li, who, text: words, meta, status, retry: null, chip: null, controls, clientId: message.clientId };
  }

  function updateMessage(nodes: MessageNodes, message: ChatMessage): void {
    const { li } = nodes;
    const shown = reveal.text(message.key, message.text, message.streaming);
    // Still arriving, or still being written out on screen.
    const writing = message.streaming || reveal.writing(message.key);
    nodes.clientId = message.clientId;
    setAttr(li, "data-role", message.role);
    setAttr(li, "data-id", message.id ?? "");
    setAttr(li, "data-client-id", message.clientId ?? "");
    setAttr(li, "data-status", message.status);
    setAttr(li, "data-streaming", String(writing));
    // Keeps screen readers from reading a reply word by word: the log announces it once, whole.
    if (writing) setAttr(li, "aria-busy", "true");
    else li.removeAttribute("aria-busy");
    setText(nodes.who, speakerText(message.role));
    nodes.who.className = message.role === "moderator" ? "who" : "who sr-only";
    // Never an empty bubble: say plainly that the words are there but cannot be read.
    if (message.unreadable) setAttr(li, "data-unreadable", "true");
    else li.removeAttribute("data-unreadable");
    nodes.text.className = message.unreadable ? "text unreadable" : "text";
    setText(nodes.text, message.unreadable ? text.unreadable : shown);

    const waiting = latest.consent === "required" ? text.waitingForConsent : text.sending;
    const statusText =
      message.status === "sending" ? waiting : message.status === "failed" ? text.notSent(message.error ?? "") : "";
    setText(nodes.status, statusText);

    if (message.status === "failed" && !nodes.retry) {
      const retry = el("button", { type: "button", class: "link" }, text.editAndRetry);
      retry.addEventListener("click", () => editFailed(nodes));
      nodes.meta.append(retry);
      nodes.retry = retry;
    } else if (message.status !== "failed" && nodes.retry) {
      nodes.retry.remove();
      nodes.retry = null;
    }

    const emotion = message.role === "user" ? shownEmotion(message.emotion) : null;
    if (emotion) {
      if (!nodes.chip) {
        nodes.chip = el("span", { "data-testid": "emotion-chip", class: "chip" });
        nodes.meta.append(nodes.chip);
      }
      setAttr(nodes.chip, "data-group", emotion.group);
      setAttr(nodes.chip, "aria-label", emotionLabel(emotion));
      setAttr(nodes.chip, "title", emotionTitle(emotion));
      setText(nodes.chip, emotionText(emotion));
    } else if (nodes.chip) {
      nodes.chip.remove();
      nodes.chip = null;
    }
    nodes.meta.hidden = statusText === "" && !nodes.retry && !nodes.chip;
    nodes.controls?.update(message, writing);
  }

  /** A line in the conversation saying the support team came or went; it never changes once shown. */
  function createEvent(event: ConversationEvent): HTMLLIElement {
    return el(
      "li",
      { "data-testid": "conversation-event", "data-kind": event.kind, class: "event" },
      event.kind === "support.joined" ? text.support.joined : text.support.left,
    );
  }

  function renderMessages(messages: readonly ChatMessage[], events: readonly ConversationEvent[]): void {
    let added = false;
    const conversation = conversationItems(messages, events);
    const keys = new Set(conversation.map((item) => item.key));
    for (const [key, nodes] of items) {
      if (keys.has(key)) continue;
      nodes.li.remove();
      items.delete(key);
      reveal.forget(key);
    }
    for (const [key, li] of eventItems) {
      if (keys.has(key)) continue;
      li.remove();
      eventItems.delete(key);
    }
    let previous: Element | null = null;
    for (const item of conversation) {
      let li: HTMLLIElement;
      if (item.kind === "message") {
        let nodes = items.get(item.key);
        if (!nodes) {
          nodes = createMessage(item.message);
          items.set(item.key, nodes);
          added = true;
        }
        updateMessage(nodes, item.message);
        li = nodes.li;
      } else {
        let event = eventItems.get(item.key);
        if (!event) {
          event = createEvent(item.event);
          eventItems.set(item.key, event);
          added = true;
        }
        li = event;
      }
      const expected: Element | null = previous ? previous.nextElementSibling : list.firstElementChild;
      if (expected !== li) list.insertBefore(li, expected);
      previous = li;
    }
    if (follow.drawn(added)) scrollToEnd();
  }

  function renderTyping(): void {
    // While the support team is here the assistant is paused: no one is "thinking" about a reply.
    const shown = typingText(latest.typing, awaitingId !== null && !latest.support, stillThinking);
    typing.hidden = shown === null;
    setText(typing, shown ?? "");
  }

  function trackThinking(awaiting: string | null): void {
    if (awaiting === awaitingId) return;
    awaitingId = awaiting;
    stillThinking = false;
    if (thinkingTimer !== null) window.clearTimeout(thinkingTimer);
    thinkingTimer = null;
    if (awaiting === null) return;
    thinkingTimer = window.setTimeout(() => {
      thinkingTimer = null;
      stillThinking = true;
      renderTyping();
    }, STILL_THINKING_AFTER_MS);
  }

  function render(state: ChatState): void {
    latest = state;
    if (state.erasures !== erasures) {
      erasures = state.erasures;
      // A draft is something the person wrote here too.
      textarea.value = "";
      updateCounter();
    }
    setAttr(connection, "data-state", state.connection);
    setText(connection, connectionText(state.connection));
    newConversation.disabled = state.connection !== "open";
    // Nothing can be written until the person has agreed to the privacy notice; they can still read it.
    const mayWrite = state.consent === "given";
    textarea.disabled = !mayWrite;
    submit.disabled = !mayWrite;
    supportIndicator.hidden = !state.support;
    renderMessages(state.messages, state.events);
    trackThinking(state.awaitingReplyTo);
    renderTyping();
    setText(notice, state.notice ?? "");
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submitComposer();
  });
  textarea.addEventListener("keydown", (event) => {
    // An Enter that confirms an IME composition (Japanese, Chinese, …) must not send; Safari reports
    // that one as keyCode 229 rather than isComposing.
    if (event.key !== "Enter" || event.shiftKey || event.isComposing || event.keyCode === 229) return;
    event.preventDefault();
    submitComposer();
  });
  textarea.addEventListener("input", () => {
    updateCounter();
    client.setTyping(textarea.value.trim() !== "");
  });
  textarea.addEventListener("blur", () => client.setTyping(false));
  function startNewConversation(): boolean {
    const started = client.newConversation();
    if (started) textarea.focus();
    return started;
  }
  newConversation.addEventListener("click", () =>
    options.confirmNewConversation ? options.confirmNewConversation(startNewConversation) : startNewConversation(),
  );

  client.subscribe(render);
  render(latest);
  return {
    toolbar,
    toolbarActions,
    headerActions,
    messages: log,
    page: root,
    focusComposer: () => textarea.focus(),
    redraw: () => render(latest),
  };
}
