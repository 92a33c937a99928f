// The moderators' pages in Django admin: the case queue (admin/conversations/case/change_list.html) and each
// case (case/case.html). Loaded there as a classic deferred script, so the page is parsed when this runs.
import { intlLocale, messages, nameOf, setLocaleFromDocument } from "../i18n";
import { socketUrl } from "../socket-url";
import { Alerts } from "./alerts";
import { mountCannedReplies } from "./canned";
import { ModerationPage, type ModerationView } from "./page";

const QUEUE_ID = "changelist-form";
/** The moderator's shift (available or away, their cases) and, for leads, the team: refreshed with the queue. */
const SHIFT_ID = "shift";
// The moderator's time zone, for the times the admin renders (emochat/timezones.py reads it).
const ZONE_COOKIE = "emochat_tz";
const STAFF_TIME: Intl.DateTimeFormatOptions = {
  day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short",
};

/** A time as the admin's pages write every time: "30 Nov, 03:05 GMT+1", in the moderator's own time zone. */
function staffTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? "" : new Intl.DateTimeFormat(intlLocale(), STAFF_TIME).format(date);
}

/** Tells the server the browser's time zone, so the pages it renders show times in it from the next one on. */
function rememberZone(): void {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone && !document.cookie.split("; ").includes(`${ZONE_COOKIE}=${encodeURIComponent(zone)}`)) {
    document.cookie = `${ZONE_COOKIE}=${encodeURIComponent(zone)}; path=/; max-age=31536000; SameSite=Lax`;
  }
}

/** The moderator's message box (#live-text), the form's "text" field. */
function draftBox(form: HTMLFormElement | null): HTMLTextAreaElement | HTMLInputElement | null {
  const field = form?.elements.namedItem("text");
  return field instanceof HTMLTextAreaElement || field instanceof HTMLInputElement ? field : null;
}

function view(queue: HTMLElement | null, live: HTMLElement | null, form: HTMLFormElement | null): ModerationView {
  const list = document.getElementById("live-messages");
  const personTyping = document.getElementById("live-typing");
  return {
    hasQueue: queue !== null,
    liveCaseId: live ? (live.dataset.caseId ?? "") : null,
    hasMessages: list !== null,
    hasPersonTyping: personTyping !== null,
    queueUrl: document.querySelector<HTMLElement>("[data-queue-url]")?.dataset.queueUrl || null,
    shownMessageIds: () =>
      Array.from(document.querySelectorAll<HTMLElement>("#live-messages [data-id]"), (item) => item.dataset.id ?? ""),
    say: (text) => {
      // Looked up each time: on the queue page it sits among the object tools, outside what a refresh replaces.
      const status = document.getElementById("live-status");
      if (status) status.textContent = text;
    },
    appendMessage: (role, text, at) => {
      const item = document.createElement("li");
      const who = document.createElement("strong");
      const when = document.createElement("time");
      const body = document.createElement("div");
      item.dataset.role = role;
      who.textContent = nameOf(messages().moderation.roles, role);
      when.dateTime = at;
      when.textContent = staffTime(at);
      body.textContent = text;
      item.append(who, " ", when, body);
      list?.append(item);
    },
    setPersonTyping: (shown) => {
      if (personTyping) personTyping.hidden = !shown;
    },
    clearDraft: () => {
      const draft = draftBox(form);
      if (draft) draft.value = "";
      // The approved reply was counted with the message just sent; the next counts only if one is inserted again.
      const chosen = form?.elements.namedItem("canned_reply");
      if (chosen instanceof HTMLInputElement) chosen.value = "";
    },
  };
}

async function reloadQueue(queue: HTMLElement): Promise<void> {
  const html = await (await fetch(location.href, { credentials: "same-origin" })).text();
  const fresh = new DOMParser().parseFromString(html, "text/html");
  const cases = fresh.getElementById(QUEUE_ID);
  if (cases) queue.innerHTML = cases.innerHTML;
  // The shift panel, unless it is under the moderator's hands (a capacity being typed stays as it is).
  const shift = document.getElementById(SHIFT_ID);
  const freshShift = fresh.getElementById(SHIFT_ID);
  if (shift && freshShift && !shift.contains(document.activeElement)) shift.innerHTML = freshShift.innerHTML;
}

function start(): void {
  setLocaleFromDocument(document);
  rememberZone();
  const queue = document.getElementById(QUEUE_ID);
  const live = document.getElementById("live");
  const form = document.getElementById("live-send") as HTMLFormElement | null;
  const alerts = new Alerts({
    createAudio: () => new AudioContext(),
    notifications:
      "Notification" in window
        ? {
            permission: () => Notification.permission,
            requestPermission: () => Notification.requestPermission(),
            show: (title, options) => new Notification(title, options),
          }
        : null,
    focus: () => window.focus(),
    navigate: (href) => {
      location.href = href;
    },
  });
  const page = new ModerationPage({
    view: view(queue, live, form),
    socket: {
      url: socketUrl(location, "/ws/moderation/"),
      createSocket: (url) => new WebSocket(url),
      timers: {
        setTimeout: (callback, ms) => window.setTimeout(callback, ms),
        clearTimeout: (id) => window.clearTimeout(id),
      },
      random: Math.random,
    },
    now: () => Date.now(),
    reloadQueue: () => (queue ? reloadQueue(queue) : Promise.resolve()),
    postMessage: () =>
      form
        ? fetch(form.action, {
            method: "POST",
            body: new FormData(form),
            headers: { Accept: "application/json" },
            credentials: "same-origin",
          }).catch(() => null)
        : Promise.resolve(null),
    alert: (alert) => alerts.alert(alert),
  });

  const enable = document.getElementById("alerts-enable");
  enable?.addEventListener("click", async () => {
    enable.textContent = await alerts.enable();
    alerts.beep();
  });
  draftBox(form)?.addEventListener("input", () => page.typed());
  mountCannedReplies(document, draftBox(form), () => page.typed());
  form?.addEventListener("submit", (event) => {
    event.preventDefault();
    void page.submit();
  });
  page.start();
}

start();
