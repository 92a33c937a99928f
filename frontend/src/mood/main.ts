// The "My mood" page's entry point (templates/conversations/mood.html), bundled on its own as dist/mood.js with
// its styles as dist/mood.css.
import "./mood.css";
import { setLocaleFromDocument } from "../i18n";
import { MoodApi, rangeFrom, type Range } from "./data";
import { mountMoodPage } from "./page";

function timeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone ?? "";
  } catch {
    return "";
  }
}

function start(root: HTMLElement, main: HTMLElement): void {
  setLocaleFromDocument(document);
  const api = new MoodApi({
    fetch: (url, init) => window.fetch(url, init),
    cookies: () => document.cookie,
    path: root.dataset.dataPath ?? "/mood/data",
    timeZone: timeZone(),
  });
  const dark = window.matchMedia?.("(prefers-color-scheme: dark)");
  mountMoodPage(main, {
    api,
    initialRange: rangeFrom(window.location.search),
    chatUrl: root.querySelector<HTMLAnchorElement>("[data-testid=back-to-chat]")?.href ?? "/",
    rangeChosen: (days: Range) => {
      const url = new URL(window.location.href);
      url.searchParams.set("days", String(days));
      window.history.replaceState(null, "", url);
    },
    onSchemeChange: (listener) => dark?.addEventListener?.("change", listener),
  });
  root.dataset.ready = "true";
}

const root = document.getElementById("mood");
const main = document.getElementById("mood-main");
if (root && main) start(root, main);
