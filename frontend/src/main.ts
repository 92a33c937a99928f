import "./chat.css";
import { ChatClient } from "./client";
import { createMemoryStorage, type StorageLike } from "./outbox";
import { PrivacyApi } from "./privacy";
import { mountPrivacy } from "./privacy-view";
import { socketUrl } from "./socket-url";
import { uuid4 } from "./uuid";
import { mountChat } from "./view";

/** sessionStorage when the browser allows it (it throws in some privacy modes), memory otherwise. Per tab, so
 * two tabs never overwrite each other's unsent messages, and it survives a reload of the tab. */
function pickStorage(): StorageLike {
  try {
    const storage = window.sessionStorage;
    const probe = "emochat.probe";
    storage.setItem(probe, "1");
    storage.removeItem(probe);
    return storage;
  } catch {
    return createMemoryStorage();
  }
}

function start(root: HTMLElement): void {
  const client = new ChatClient({
    url: socketUrl(window.location, root.dataset.wsPath ?? "/ws/chat/"),
    createSocket: (url) => new WebSocket(url),
    timers: {
      setTimeout: (callback, ms) => window.setTimeout(callback, ms),
      clearTimeout: (id) => window.clearTimeout(id),
    },
    random: Math.random,
    storage: pickStorage(),
    uuid: () => uuid4(),
  });
  const view = mountChat(root, client);
  const privacy = new PrivacyApi({
    fetch: (url, init) => window.fetch(url, init),
    cookies: () => document.cookie,
    base: root.dataset.privacyPath ?? "/privacy/",
  });
  mountPrivacy(view, client, privacy);
  window.addEventListener("offline", () => client.goOffline());
  window.addEventListener("online", () => client.goOnline());
  if (!navigator.onLine) client.goOffline();
  client.start();
  root.dataset.ready = "true";
}

const root = document.getElementById("app");
if (root) start(root);
