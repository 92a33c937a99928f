import { cookieValue } from "./api";
import type { ChatClient, ChatState } from "./client";
import { accessText, dateText } from "./format";
import { messages } from "./i18n";
import {
  hasCurrentConsent,
  privacyErrorText,
  PrivacyError,
  type PrivacyApi,
  type PrivacyNotice,
  type PrivacyState,
} from "./privacy";
import { el } from "./dom";
import type { ChatView } from "./view-types";

/** What the privacy controls need from the client. */
export type PrivacyController = Pick<ChatClient, "subscribe" | "getState" | "setConsent" | "setNotice" | "reset">;

const OPTIONAL_PURPOSE = "improve";

/** Where the account pages are (conversations/accounts/); the chat page's data attributes may say otherwise. */
export interface AccountPaths {
  signup: string;
  login: string;
  logout: string;
}

const ACCOUNT_PATHS: AccountPaths = { signup: "/account/signup", login: "/account/login", logout: "/account/logout" };

/**
 * The privacy notice that asks for consent before a first message, and the panel where a person sees and
 * changes what is kept about them: consent, download, erasure, and who on the team has read their words.
 */
export function mountPrivacy(
  view: ChatView,
  client: PrivacyController,
  api: PrivacyApi,
  accountPaths: AccountPaths = ACCOUNT_PATHS,
): void {
  const text = messages().privacy;
  // The notice card.
  const card = el("section", {
    "data-testid": "privacy-notice",
    class: "card privacy-notice",
    "aria-labelledby": "privacy-notice-title",
  });
  card.hidden = true;
  const cardTitle = el("h2", { id: "privacy-notice-title", tabindex: "-1" });
  const cardBody = el("div", { class: "card-body" });
  const cardPurposes = el("div", { class: "purposes" });
  const accept = el("button", { type: "button", "data-testid": "consent-accept" }, text.accept);
  const retry = el("button", { type: "button", "data-testid": "privacy-retry" }, text.retry);
  retry.hidden = true;
  const cardActions = el("div", { class: "card-actions" });
  cardActions.append(accept, retry);
  // What the person agrees to stays in view with the button while the text above it scrolls on a small screen.
  const cardChoices = el("div", { class: "notice-choices" });
  cardChoices.append(cardPurposes, cardActions);
  card.append(cardTitle, cardBody, cardChoices);

  // The panel.
  const open = el("button", {
    type: "button",
    class: "secondary",
    "data-testid": "privacy-open",
    "aria-expanded": "false",
    "aria-controls": "privacy-panel",
  }, text.open);
  view.toolbarActions.append(open);

  const panel = el("section", {
    id: "privacy-panel",
    "data-testid": "privacy-panel",
    class: "card privacy-panel",
    "aria-labelledby": "privacy-panel-title",
  });
  panel.hidden = true;
  const panelTitle = el("h2", { id: "privacy-panel-title", tabindex: "-1" }, text.panelTitle);

  const consentStatus = el("p", { class: "consent-status" });
  const improve = el("input", { type: "checkbox", id: "privacy-improve", "data-testid": "privacy-improve" });
  const improveLabel = el("label", { for: "privacy-improve" });
  const improveRow = el("div", { class: "check" });
  improveRow.append(improve, improveLabel);
  const withdraw = el(
    "button",
    { type: "button", class: "secondary", "data-testid": "consent-withdraw" },
    text.withdraw,
  );

  const exportLink = el(
    "a",
    { href: api.exportUrl, download: "", class: "button secondary", "data-testid": "export" },
    text.download,
  );
  const erase = el("button", { type: "button", class: "danger", "data-testid": "erase" }, text.erase);
  const eraseWarning = el(
    "p",
    { id: "erase-warning" },
    text.eraseWarning,
  );
  const eraseConfirm = el("button", {
    type: "button",
    class: "danger",
    "data-testid": "erase-confirm",
    "aria-describedby": "erase-warning",
  }, text.eraseConfirm);
  const eraseCancel = el("button", { type: "button", class: "secondary", "data-testid": "erase-cancel" }, text.cancel);
  const eraseButtons = el("div", { class: "card-actions" });
  eraseButtons.append(eraseConfirm, eraseCancel);
  const eraseBox = el("div", { class: "erase-confirm", role: "group", "aria-label": text.eraseGroup });
  eraseBox.append(eraseWarning, eraseButtons);
  eraseBox.hidden = true;
  const dataActions = el("div", { class: "card-actions" });
  dataActions.append(exportLink, erase);

  const accessLog = el("div", { "data-testid": "access-log", class: "access-log" });

  // An account is offered here, where a person looks for what is kept and where, and nowhere else: never a
  // prompt. Signed in, the line says whose account it is, with a way out (a form: logging out is a POST).
  const account = el("div", { "data-testid": "account", class: "account-line" });
  const offer = el("p", { "data-testid": "account-offer" }, text.accountOffer);
  offer.append(
    el("a", { href: accountPaths.signup, "data-testid": "account-signup" }, text.signup),
    document.createTextNode(text.or),
    el("a", { href: accountPaths.login, "data-testid": "account-login" }, text.login),
    document.createTextNode(text.offerEnd),
  );
  const signedIn = el("p", { "data-testid": "account-signed-in" });
  const signedInText = el("span");
  const logout = el("form", { method: "post", action: accountPaths.logout });
  const csrf = el("input", { type: "hidden", name: "csrfmiddlewaretoken" });
  logout.append(csrf, el("button", { type: "submit", class: "link", "data-testid": "account-logout" }, text.logout));
  // The token is read as the form leaves: the cookie may have been replaced since the panel was drawn.
  logout.addEventListener("submit", () => (csrf.value = cookieValue(document.cookie, "csrftoken") ?? ""));
  signedIn.append(signedInText, document.createTextNode(" "), logout);
  account.append(offer, signedIn);

  panel.append(
    panelTitle,
    el("h3", {}, text.consentHeading),
    consentStatus,
    improveRow,
    withdraw,
    el("h3", {}, text.dataHeading),
    dataActions,
    eraseBox,
    el("h3", {}, text.accessHeading),
    accessLog,
    el("h3", {}, text.accountHeading),
    account,
  );
  view.toolbar.after(card, panel);

  let state: PrivacyState | null = null;
  /** The notice version the card shows, so a refresh does not undo a box the person just ticked. */
  let shownVersion: string | null = null;
  /** Only the answer to the newest request is applied; an older one would show a stale state. */
  let generation = 0;
  let loading = 0;
  let erasing = false;
  let erasures = client.getState().erasures;

  function renderCard(notice: PrivacyNotice): void {
    retry.hidden = true;
    accept.hidden = false;
    if (shownVersion === notice.version) return;
    shownVersion = notice.version;
    cardTitle.textContent = notice.title;
    cardBody.replaceChildren(...notice.paragraphs.map((paragraph) => el("p", {}, paragraph)));
    const rows = notice.purposes.map((purpose) => {
      const row = el("div", { class: "check" });
      if (purpose.required) {
        row.append(el("p", { class: "required" }, text.required(purpose.label)));
        return row;
      }
      const id = `consent-${purpose.id}`;
      // Unticked until the person ticks it: agreeing to more than the chat needs is their choice.
      row.append(
        el("input", { type: "checkbox", id, "data-testid": id, "data-purpose": purpose.id }),
        el("label", { for: id }, purpose.label),
      );
      return row;
    });
    cardPurposes.replaceChildren(...rows);
  }

  function showCard(notice: PrivacyNotice, focus: boolean): void {
    renderCard(notice);
    card.hidden = false;
    if (focus) cardTitle.focus();
  }

  function hideCard(): void {
    card.hidden = true;
    shownVersion = null;
  }

  function renderPanel(): void {
    if (!state) return;
    const { consent, notice, access } = state;
    offer.hidden = state.account !== null;
    signedIn.hidden = state.account === null;
    signedInText.textContent = state.account ? text.signedIn(state.account.email) : "";
    const current = hasCurrentConsent(state);
    consentStatus.textContent = current && consent
      ? text.agreedOn(dateText(consent.given_at))
      : text.notAgreed;
    const purpose = notice.purposes.find((item) => item.id === OPTIONAL_PURPOSE);
    improveRow.hidden = !purpose;
    improveLabel.textContent = purpose?.label ?? "";
    improve.checked = current && consent !== null && consent.purposes.includes(OPTIONAL_PURPOSE);
    improve.disabled = !current;
    withdraw.disabled = !current;
    if (access.length === 0) {
      accessLog.replaceChildren(el("p", { class: "empty" }, text.noAccess));
    } else {
      const list = el("ul");
      list.append(...access.map((record) => el("li", {}, accessText(record))));
      accessLog.replaceChildren(list);
    }
  }

  /** Takes in what the server said; `insist` shows the notice even with consent on record (see refresh). */
  function apply(next: PrivacyState, focus: boolean, insist = false): void {
    state = next;
    renderPanel();
    if (hasCurrentConsent(next) && !insist) {
      hideCard();
      client.setConsent(true);
    } else {
      showCard(next.notice, focus);
      client.setConsent(false);
    }
  }

  async function run<T>(request: () => Promise<T>, onSuccess: (result: T) => void): Promise<boolean> {
    const mine = ++generation;
    try {
      const result = await request();
      if (mine === generation) onSuccess(result);
      return true;
    } catch (error) {
      if (mine !== generation) return false;
      if (error instanceof PrivacyError && error.code === "notice_changed") {
        client.setNotice(privacyErrorText(error));
        await refresh(true);
        return false;
      }
      client.setNotice(privacyErrorText(error));
      return false;
    }
  }

  /**
   * Asks the server where things stand. `insist`: the chat itself was refused for want of consent, so the
   * notice is shown whatever the answer says; otherwise a server that disagreed with itself would have the
   * page resend and be refused forever, where now the person's click decides.
   */
  async function refresh(focus: boolean, insist = false): Promise<void> {
    loading += 1;
    const mine = ++generation;
    try {
      const next = await api.load();
      if (mine === generation) apply(next, focus, insist);
    } catch {
      if (mine !== generation) return;
      client.setNotice(text.loadFailed);
      if (client.getState().consent === "given" && !insist) return;
      // Without the notice there is no consent to give: the card offers to try again, the composer stays shut.
      cardTitle.textContent = text.noticeTitle;
      cardBody.replaceChildren(el("p", {}, text.loadFailed));
      cardPurposes.replaceChildren();
      shownVersion = null;
      accept.hidden = true;
      retry.hidden = false;
      card.hidden = false;
      client.setConsent(false);
    } finally {
      loading -= 1;
    }
  }

  function chosenPurposes(): string[] {
    return [...cardPurposes.querySelectorAll<HTMLInputElement>("input[type=checkbox][data-purpose]")]
      .filter((box) => box.checked)
      .map((box) => box.dataset.purpose ?? "");
  }

  function openPanel(): void {
    panel.hidden = false;
    open.setAttribute("aria-expanded", "true");
    panelTitle.focus();
    void refresh(false);
  }

  function closePanel(returnFocus: boolean): void {
    if (panel.hidden) return;
    const hadFocus = panel.contains(document.activeElement);
    panel.hidden = true;
    eraseBox.hidden = true;
    open.setAttribute("aria-expanded", "false");
    if (returnFocus && hadFocus) open.focus();
  }

  accept.addEventListener("click", async () => {
    if (!state) return;
    accept.disabled = true;
    const ok = await run(() => api.consent(state!.notice.version, chosenPurposes()), (next) => {
      apply(next, false);
      client.setNotice(null);
    });
    accept.disabled = false;
    if (ok && card.hidden) view.focusComposer();
  });

  retry.addEventListener("click", () => void refresh(true));

  improve.addEventListener("change", async () => {
    if (!state) return;
    const wanted = improve.checked;
    improve.disabled = true;
    const ok = await run(
      () => api.consent(state!.notice.version, wanted ? [OPTIONAL_PURPOSE] : []),
      (next) => apply(next, false),
    );
    if (!ok) renderPanel();
  });

  withdraw.addEventListener("click", async () => {
    withdraw.disabled = true;
    await run(() => api.withdraw(), (next) => {
      closePanel(false);
      apply(next, true);
    });
    renderPanel();
  });

  open.addEventListener("click", () => (panel.hidden ? openPanel() : closePanel(true)));
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") closePanel(true);
  });

  erase.addEventListener("click", () => {
    eraseBox.hidden = false;
    // The safe choice has the focus.
    eraseCancel.focus();
  });
  eraseCancel.addEventListener("click", () => {
    eraseBox.hidden = true;
    erase.focus();
  });
  eraseConfirm.addEventListener("click", async () => {
    eraseConfirm.disabled = true;
    erasing = true;
    const ok = await run(() => api.erase(), () => undefined);
    if (ok) {
      // The server has closed this page's socket and set a new session cookie: start over with both.
      client.reset();
      closePanel(false);
    }
    erasing = false;
    eraseConfirm.disabled = false;
    if (ok) await refresh(true);
  });

  client.subscribe((chat: ChatState) => {
    if (chat.erasures !== erasures) {
      erasures = chat.erasures;
      closePanel(false);
    }
    // After an erasure the session cookie is being replaced, and the server refuses a request made with the
    // old one; the fresh socket's hello says the new one is in place.
    const settled = chat.erasures === 0 || chat.conversationId !== null;
    // The chat found out that consent is missing (refused message, erasure from another tab, withdrawal).
    if (chat.consent === "required" && card.hidden && loading === 0 && !erasing && settled) void refresh(true, true);
  });

  void refresh(false);
}
