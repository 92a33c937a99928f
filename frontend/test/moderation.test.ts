import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Alerts, type AudioLike, type NotificationsLike } from "../src/moderation/alerts";
import { caseAlert, parseModerationFrame, type CaseAlert } from "../src/moderation/frames";
import {
  ModerationPage,
  PERSON_TYPING_MS,
  TYPING_EVERY_MS,
  TYPING_IDLE_MS,
  type ModerationView,
  type ResponseLike,
} from "../src/moderation/page";
import { FakeSocket, FakeTimers, message } from "./fakes";
import { en } from "../src/i18n";

const TEXTS = en.moderation;

const CASE_ID = "3f1c2a9e-0000-4000-8000-000000000001";
const CASE = { id: CASE_ID, level: "imminent", categories: ["self_harm", "violence"], status: "open" };

/** Lets pending promise callbacks run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

class FakeView implements ModerationView {
  readonly said: string[] = [];
  readonly appended: { role: string; text: string; at: string }[] = [];
  personTyping = false;
  draftsCleared = 0;

  constructor(
    readonly hasQueue: boolean,
    readonly liveCaseId: string | null,
    readonly hasMessages: boolean,
    readonly hasPersonTyping: boolean,
    readonly queueUrl: string | null,
    private readonly shown: string[],
  ) {}

  get status(): string | undefined {
    return this.said[this.said.length - 1];
  }

  shownMessageIds = () => this.shown;
  say = (text: string) => void this.said.push(text);
  appendMessage = (role: string, text: string, at: string) => void this.appended.push({ role, text, at });
  setPersonTyping = (shown: boolean) => {
    this.personTyping = shown;
  };
  clearDraft = () => {
    this.draftsCleared += 1;
  };
}

/** A promise the test settles by hand. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

interface PageOptions {
  page?: "queue" | "case";
  random?: () => number;
  shown?: string[];
  hasMessages?: boolean;
  hasPersonTyping?: boolean;
  queueUrl?: string | null;
  post?: () => Promise<ResponseLike | null>;
}

function setup(options: PageOptions = {}) {
  const onCase = options.page === "case";
  const timers = new FakeTimers();
  const sockets: FakeSocket[] = [];
  const view = new FakeView(
    !onCase,
    onCase ? CASE_ID : null,
    options.hasMessages ?? onCase,
    options.hasPersonTyping ?? onCase,
    options.queueUrl === undefined ? "/admin/conversations/case/" : options.queueUrl,
    options.shown ?? [],
  );
  const reloads: ReturnType<typeof deferred<void>>[] = [];
  const posts: number[] = [];
  const alerts: CaseAlert[] = [];
  const page = new ModerationPage({
    view,
    socket: {
      url: "ws://admin.test/ws/moderation/",
      createSocket: (url) => {
        const socket = new FakeSocket(url);
        sockets.push(socket);
        return socket;
      },
      timers,
      random: options.random ?? (() => 0),
    },
    now: () => timers.now,
    reloadQueue: () => {
      const reload = deferred<void>();
      reloads.push(reload);
      return reload.promise;
    },
    postMessage: () => {
      posts.push(timers.now);
      return options.post ? options.post() : Promise.resolve({ json: async () => ({ ok: true }) });
    },
    alert: (alert) => void alerts.push(alert),
  });
  page.start();
  const socket = () => sockets[sockets.length - 1]!;
  return {
    page,
    timers,
    sockets,
    view,
    reloads,
    posts,
    alerts,
    socket,
    open: () => socket().onopen?.({}),
    sent: () => socket().sent as unknown[],
  };
}

describe("moderation: connection", () => {
  test("connects to /ws/moderation/ and says it is live once open", () => {
    const h = setup();
    assert.equal(h.socket().url, "ws://admin.test/ws/moderation/");
    assert.deepEqual(h.view.said, []);
    h.open();
    assert.equal(h.view.status, TEXTS.live);
  });

  test("reconnects after 1 s, 2 s, 4 s … 30 s, saying when", () => {
    const h = setup({ random: () => 0 });
    const delays: number[] = [];
    for (let i = 0; i < 7; i++) {
      h.socket().drop();
      delays.push(h.timers.pendingDelays()[0]!);
      assert.equal(h.view.status, TEXTS.retrying(Math.round(delays[i]! / 1000)));
      h.timers.runNext();
    }
    assert.deepEqual(delays, [1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    assert.equal(h.sockets.length, 8);
    assert.equal(h.view.said[0], "Disconnected; trying again in 1 s…");
  });

  test("jitter takes up to half off the delay", () => {
    const h = setup({ random: () => 0.999 });
    h.socket().drop();
    assert.deepEqual(h.timers.pendingDelays(), [500]);
    assert.equal(h.view.status, "Disconnected; trying again in 1 s…");
  });

  test("the schedule starts over once a socket opens", () => {
    const h = setup();
    h.socket().drop();
    h.timers.runNext();
    h.socket().drop();
    assert.deepEqual(h.timers.pendingDelays(), [2000]);
    h.timers.runNext();
    h.open();
    h.socket().drop();
    assert.deepEqual(h.timers.pendingDelays(), [1000]);
  });

  test("4403: only moderators, and no retry", () => {
    const h = setup();
    h.socket().receive({ type: "error", code: "forbidden", detail: "Only moderators can open the queue." });
    h.socket().drop(4403);
    assert.equal(h.view.status, TEXTS.forbidden);
    assert.equal(h.timers.pending, 0);
  });

  test("frames it cannot read are ignored", () => {
    const h = setup();
    h.open();
    h.socket().receiveRaw("not json");
    h.socket().receiveRaw(new Uint8Array([1]));
    h.socket().receive({ type: "hello", conversation_id: "x", last_seq: 0 });
    h.socket().receive({ type: "message.new", message: { id: "m1" } });
    assert.deepEqual(h.view.said, [TEXTS.live]);
  });
});

describe("moderation: the queue", () => {
  test("refreshes on open, for what changed while it was away, and on each case change", async () => {
    const h = setup();
    assert.equal(h.reloads.length, 0);
    h.open();
    assert.equal(h.reloads.length, 1);
    h.reloads[0]!.resolve();
    await settle();
    h.socket().receive({ type: "case.updated", case: CASE });
    assert.equal(h.reloads.length, 2);
  });

  test("one fetch at a time; changes meanwhile fold into one more", async () => {
    const h = setup();
    h.open();
    for (let i = 0; i < 3; i++) h.socket().receive({ type: "case.updated", case: CASE });
    assert.equal(h.reloads.length, 1);
    h.reloads[0]!.resolve();
    await settle();
    assert.equal(h.reloads.length, 2);
    h.reloads[1]!.resolve();
    await settle();
    assert.equal(h.reloads.length, 2);
  });

  test("a failed fetch is left for the next change", async () => {
    const h = setup();
    h.open();
    h.reloads[0]!.reject(new TypeError("offline"));
    await settle();
    h.socket().receive({ type: "case.updated", case: CASE });
    assert.equal(h.reloads.length, 2);
  });

  test("alerts for behavior and imminent cases that ask for it", () => {
    const h = setup();
    h.open();
    h.socket().receive({ type: "case.updated", case: CASE });
    h.socket().receive({ type: "case.updated", case: { ...CASE, level: "ideation" }, alert: "opened" });
    assert.deepEqual(h.alerts, []);
    h.socket().receive({ type: "case.updated", case: CASE, alert: "raised" });
    h.socket().receive({ type: "case.updated", case: { ...CASE, level: "behavior", categories: [] }, alert: "opened" });
    assert.deepEqual(h.alerts, [
      {
        title: "imminent risk: raised",
        body: "Case 3f1c2a9e, self harm, violence",
        tag: CASE_ID,
        href: `/admin/conversations/case/${CASE_ID}/change/`,
      },
      {
        title: "behavior risk: opened",
        body: "Case 3f1c2a9e, no category",
        tag: CASE_ID,
        href: `/admin/conversations/case/${CASE_ID}/change/`,
      },
    ]);
  });

  test("a notification opens the case only where the page knows the queue's URL", () => {
    assert.equal(caseAlert({ id: CASE_ID, level: "imminent", categories: [] }, "opened", null).href, null);
  });

  test("an unreadable case still refreshes the queue, without an alert", async () => {
    const h = setup();
    h.open();
    h.reloads[0]!.resolve();
    await settle();
    h.socket().receive({ type: "case.updated", case: { level: "imminent" }, alert: "opened" });
    assert.equal(h.reloads.length, 2);
    assert.deepEqual(h.alerts, []);
    assert.equal(parseModerationFrame(JSON.stringify({ type: "case.updated" }))?.type, "case.updated");
  });

  test("the queue page follows no case and sends no typing", () => {
    const h = setup();
    h.open();
    h.page.typed();
    assert.deepEqual(h.sent(), []);
  });
});

describe("moderation: a joined case", () => {
  test("follows the case once open, and says so when the server agrees", () => {
    const h = setup({ page: "case" });
    h.open();
    assert.deepEqual(h.sent(), [{ type: "case.follow", case_id: CASE_ID }]);
    assert.equal(h.reloads.length, 0, "no queue to refresh");
    h.socket().receive({ type: "case.following", case_id: CASE_ID });
    assert.equal(h.view.status, TEXTS.following);
    h.socket().drop();
    h.timers.runNext();
    h.open();
    assert.deepEqual(h.sent(), [{ type: "case.follow", case_id: CASE_ID }], "again on the new socket");
  });

  test("shows each message once, including those the page already had", () => {
    const h = setup({ page: "case", shown: ["m1"] });
    h.open();
    const s = h.socket();
    s.receive({ type: "message.new", message: message({ id: "m1", seq: 1 }) });
    s.receive({ type: "message.ack", client_id: null, message: message({ id: "m2", seq: 2, role: "moderator" }) });
    s.receive({ type: "message.new", message: message({ id: "m2", seq: 2, role: "moderator" }) });
    s.receive({ type: "reply.end", message: message({ id: "m3", seq: 3, role: "user", unreadable: true,
      created_at: "2026-11-30T03:05:00+00:00" }) });
    assert.deepEqual(h.view.appended, [
      { role: "moderator", text: "text of m2", at: "2026-11-21T10:00:00.000000+00:00" },
      { role: "user", text: TEXTS.unreadable, at: "2026-11-30T03:05:00+00:00" },
    ]);
  });

  test("the person's typing shows, ends with their message, and lapses after 10 s", () => {
    const h = setup({ page: "case" });
    h.open();
    const s = h.socket();
    s.receive({ type: "typing", role: "assistant", state: true });
    assert.equal(h.view.personTyping, false);
    s.receive({ type: "typing", role: "user", state: true });
    assert.equal(h.view.personTyping, true);
    s.receive({ type: "message.new", message: message({ id: "m1", seq: 1 }) });
    assert.equal(h.view.personTyping, false);
    assert.equal(h.timers.pending, 0);
    s.receive({ type: "typing", role: "user", state: true });
    h.timers.advance(PERSON_TYPING_MS - 1);
    s.receive({ type: "typing", role: "user", state: true });
    h.timers.advance(PERSON_TYPING_MS - 1);
    assert.equal(h.view.personTyping, true, "each frame restarts the wait");
    h.timers.advance(1);
    assert.equal(h.view.personTyping, false);
  });

  test("without the live parts, frames change nothing", () => {
    const h = setup({ page: "case", hasMessages: false, hasPersonTyping: false });
    h.open();
    h.socket().receive({ type: "typing", role: "user", state: true });
    h.socket().receive({ type: "message.new", message: message({ id: "m1", seq: 1 }) });
    assert.deepEqual(h.view.appended, []);
    assert.equal(h.view.personTyping, false);
    assert.equal(h.timers.pending, 0);
  });

  test("says when the case is handed back, erased, or refused", () => {
    const h = setup({ page: "case" });
    h.open();
    h.socket().receive({ type: "support.left" });
    assert.equal(h.view.status, TEXTS.handedBack);
    h.socket().receive({ type: "privacy.erased" });
    assert.equal(h.view.status, TEXTS.erased);
    h.socket().receive({ type: "error", code: "forbidden", detail: "Join the conversation from the case page." });
    assert.equal(h.view.status, "Join the conversation from the case page.");
  });
});

describe("moderation: writing to the person", () => {
  const typing = (h: ReturnType<typeof setup>) =>
    (h.sent() as { type: string; state?: boolean }[]).filter((f) => f.type === "typing").map((f) => f.state);

  test("one typing frame every 3 s at most, and stopped after 4 s without a key", () => {
    const h = setup({ page: "case" });
    h.timers.advance(10_000);
    h.open();
    h.page.typed();
    assert.deepEqual(h.sent()[1], { type: "typing", case_id: CASE_ID, state: true });
    h.timers.advance(TYPING_EVERY_MS);
    h.page.typed();
    assert.deepEqual(typing(h), [true], "not more than 3 s after");
    h.timers.advance(1);
    h.page.typed();
    assert.deepEqual(typing(h), [true, true]);
    h.timers.advance(TYPING_IDLE_MS - 1);
    assert.deepEqual(typing(h), [true, true]);
    h.timers.advance(1);
    assert.deepEqual(typing(h), [true, true, false]);
    h.page.typed();
    assert.deepEqual(typing(h), [true, true, false, true], "a new burst starts at once");
  });

  test("nothing goes out while the socket is not open", () => {
    const h = setup({ page: "case" });
    h.timers.advance(10_000);
    h.page.typed();
    h.open();
    h.socket().drop();
    h.page.typed();
    h.timers.advance(TYPING_IDLE_MS);
    assert.deepEqual(h.sockets[0]!.sent, [{ type: "case.follow", case_id: CASE_ID }]);
  });

  test("sending stops the typing indicator and clears the box", async () => {
    const h = setup({ page: "case" });
    h.timers.advance(10_000);
    h.open();
    h.page.typed();
    await h.page.submit();
    assert.deepEqual(typing(h), [true, false]);
    assert.equal(h.posts.length, 1);
    assert.equal(h.view.draftsCleared, 1);
    h.timers.advance(TYPING_IDLE_MS);
    assert.deepEqual(typing(h), [true, false], "the idle timer went with the message");
  });

  test("a refusal is shown and the text kept", async () => {
    const refused = { json: async () => ({ error: "Join the conversation first." }) };
    const h = setup({ page: "case", post: async () => refused });
    h.open();
    await h.page.submit();
    assert.equal(h.view.status, "Join the conversation first.");
    assert.equal(h.view.draftsCleared, 0);
  });

  test("offline, or an answer that is not JSON: not sent", async () => {
    const offline = setup({ page: "case", post: async () => null });
    await offline.page.submit();
    assert.equal(offline.view.status, TEXTS.offline);
    const html = { json: () => Promise.reject(new SyntaxError("Unexpected token <")) };
    const garbled = setup({ page: "case", post: async () => html });
    await garbled.page.submit();
    assert.equal(garbled.view.status, TEXTS.notSent);
    assert.equal(offline.view.draftsCleared + garbled.view.draftsCleared, 0);
  });
});

describe("moderation: sound and notifications", () => {
  class FakeAudio implements AudioLike {
    currentTime = 2;
    destination = "speakers";
    resumed = 0;
    readonly tones: { frequency: number; start: number; stop: number; path: unknown[] }[] = [];
    resume = async () => void (this.resumed += 1);
    createOscillator = () => {
      const tone = { frequency: 0, start: 0, stop: 0, path: [] as unknown[] };
      this.tones.push(tone);
      return {
        frequency: {
          set value(value: number) {
            tone.frequency = value;
          },
          get value() {
            return tone.frequency;
          },
        },
        connect: (next: unknown) => void tone.path.push(next),
        start: (when: number) => void (tone.start = when),
        stop: (when: number) => void (tone.stop = when),
      };
    };
    createGain = () => {
      const gain = {
        gain: { setValueAtTime: () => undefined, exponentialRampToValueAtTime: () => undefined },
        connect: (next: unknown) => void this.tones[this.tones.length - 1]!.path.push(next),
      };
      return gain;
    };
  }

  function notifications(permission: string) {
    const shown: { title: string; body: string; tag: string; note: { onclick: (() => void) | null } }[] = [];
    const api: NotificationsLike = {
      permission: () => permission,
      requestPermission: async () => permission,
      show: (title, options) => {
        const note = { onclick: null as (() => void) | null };
        shown.push({ title, ...options, note });
        return note;
      },
    };
    return { api, shown };
  }

  const ALERT: CaseAlert = {
    title: "imminent risk: opened",
    body: "Case 3f1c2a9e, no category",
    tag: CASE_ID,
    href: "/c/",
  };
  const nowhere = { focus: () => {}, navigate: () => {} };

  test("silent until enabled; then an 880 Hz tone of half a second", async () => {
    const audio = new FakeAudio();
    const alerts = new Alerts({ createAudio: () => audio, notifications: null, ...nowhere });
    alerts.beep();
    assert.equal(audio.tones.length, 0);
    assert.equal(await alerts.enable(), "Sound on");
    alerts.beep();
    assert.equal(audio.resumed, 1);
    assert.equal(audio.tones.length, 1);
    assert.deepEqual(
      { ...audio.tones[0]!, path: audio.tones[0]!.path.length },
      { frequency: 880, start: 2, stop: 2.5, path: 2 },
    );
    assert.equal(audio.tones[0]!.path[1], "speakers");
  });

  test("a notification only when allowed; clicking it opens the case", async () => {
    const denied = notifications("denied");
    const quiet = new Alerts({ createAudio: () => new FakeAudio(), notifications: denied.api, ...nowhere });
    assert.equal(await quiet.enable(), "Sound on");
    quiet.alert(ALERT);
    assert.deepEqual(denied.shown, []);

    const granted = notifications("granted");
    const audio = new FakeAudio();
    const calls: string[] = [];
    const alerts = new Alerts({
      createAudio: () => audio,
      notifications: granted.api,
      focus: () => void calls.push("focus"),
      navigate: (href) => void calls.push(href),
    });
    alerts.alert(ALERT);
    assert.equal(audio.tones.length, 0, "no tone before the click that allows sound");
    assert.equal(await alerts.enable(), "Sound on, notifications on");
    alerts.alert(ALERT);
    alerts.alert({ ...ALERT, href: null });
    assert.equal(audio.tones.length, 2);
    assert.deepEqual(
      granted.shown.map(({ title, body, tag }) => ({ title, body, tag })),
      Array(3).fill({ title: ALERT.title, body: ALERT.body, tag: CASE_ID }),
    );
    granted.shown[1]!.note.onclick?.();
    granted.shown[2]!.note.onclick?.();
    assert.deepEqual(calls, ["focus", "/c/", "focus"]);
  });
});
