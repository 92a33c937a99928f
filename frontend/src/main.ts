import "./chat.css";
import { CheckinHttpApi } from "./checkin";
import { mountCheckin, mountMoodLink } from "./checkin-view";
import { ChatClient } from "./client";
import { loadCountry, preferredCountry } from "./country";
import { mountCrisis } from "./crisis-view";
import { FeedbackApi, FeedbackClient } from "./feedback";
import { createFeedback, mountFeedback } from "./feedback-view";
import { HelplinesApi } from "./helplines";
import { setLocaleFromDocument } from "./i18n";
import { createHistory } from "./history-view";
import { createMemoryStorage, type StorageLike } from "./outbox";
import { PrivacyApi } from "./privacy";
import { mountQuickExit } from "./quick-exit";
import { mountPrivacy } from "./privacy-view";
import { revealPace } from "./reveal";
import { socketUrl } from "./socket-url";
import { uuid4 } from "./uuid";
import { mountChat } from "./view";

/** sessionStorage (or localStorage) when the browser allows it (it throws in some privacy modes), memory
 * otherwise. The outbox is per tab, so two tabs never overwrite each other's unsent messages, and it survives a
 * reload of the tab; the chosen country is the person's, for every tab and visit. */
function pickStorage(kind: "sessionStorage" | "localStorage" = "sessionStorage"): StorageLike {
  try {
    const storage = window[kind];
    const probe = "emochat.probe";
    storage.setItem(probe, "1");
    storage.removeItem(probe);
    return storage;
  } catch {
    return createMemoryStorage();
  }
}

/** The browser's own storages, those it lets the page use (quick exit forgets emochat's keys in them). */
function browserStores(): Storage[] {
  const stores: Storage[] = [];
  for (const kind of ["sessionStorage", "localStorage"] as const) {
    try {
      stores.push(window[kind]);
    } catch {
      // Refused in some privacy modes: nothing was kept there.
    }
  }
  return stores;
}

function languages(): readonly string[] {
  return navigator.languages?.length ? navigator.languages : [navigator.language];
}

function start(root: HTMLElement): void {
  // Before anything is drawn: every view takes its words from the catalogue this picks.
  setLocaleFromDocument(document);
  // First, so that it works whatever happens after.
  const exit = document.getElementById("quick-exit");
  if (exit instanceof HTMLAnchorElement) {
    mountQuickExit(exit, document, {
      stores: browserStores(),
      replace: (url) => window.location.replace(url),
      now: () => Date.now(),
    });
  }
  const local = pickStorage("localStorage");
  const client = new ChatClient({
    // Asked again at each reconnect: a country chosen in the helplines card then goes with it.
    url: () =>
      socketUrl(window.location, root.dataset.wsPath ?? "/ws/chat/", preferredCountry(loadCountry(local), languages())),
    createSocket: (url) => new WebSocket(url),
    timers: {
      setTimeout: (callback, ms) => window.setTimeout(callback, ms),
      clearTimeout: (id) => window.clearTimeout(id),
    },
    random: Math.random,
    storage: pickStorage(),
    uuid: () => uuid4(),
  });
  // The operator's pace (EMOCHAT_REPLY_REVEAL_MS); none for someone who asked for less motion.
  const reducedMotion = window.matchMedia?.("(prefers-reduced-motion: reduce)").matches ?? false;
  const feedback = new FeedbackClient({
    api: new FeedbackApi({
      fetch: (url, init) => window.fetch(url, init),
      cookies: () => document.cookie,
      base: root.dataset.repliesPath ?? "/replies/",
    }),
  });
  const history = createHistory(client);
  const view = mountChat(root, client, revealPace(root.dataset.revealMs, reducedMotion), {
    replyControls: () => createFeedback(feedback),
    confirmNewConversation: (start) => history.confirmNew(start),
  });
  history.mount(view);
  mountFeedback(view, client, feedback);
  const privacy = new PrivacyApi({
    fetch: (url, init) => window.fetch(url, init),
    cookies: () => document.cookie,
    base: root.dataset.privacyPath ?? "/privacy/",
  });
  const moodPath = root.dataset.moodPath ?? "/mood/";
  mountMoodLink(view, moodPath);
  mountPrivacy(view, client, privacy, {
    signup: root.dataset.signupPath ?? "/account/signup",
    login: root.dataset.loginPath ?? "/account/login",
    logout: root.dataset.logoutPath ?? "/account/logout",
  });
  const checkin = new CheckinHttpApi(
    { fetch: (url, init) => window.fetch(url, init), cookies: () => document.cookie },
    moodPath,
  );
  mountCheckin(view, client, checkin, local);
  const helplines = new HelplinesApi({
    fetch: (url, init) => window.fetch(url, init),
    base: root.dataset.helplinesPath ?? "/helplines/",
  });
  mountCrisis(view, client, { api: helplines, storage: local, languages });
  window.addEventListener("offline", () => client.goOffline());
  window.addEventListener("online", () => client.goOnline());
  if (!navigator.onLine) client.goOffline();
  client.start();
  root.dataset.ready = "true";
}

const root = document.getElementById("app");
if (root) start(root);
