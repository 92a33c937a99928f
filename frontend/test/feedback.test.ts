import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  FeedbackApi,
  FeedbackBook,
  FeedbackClient,
  FeedbackError,
  feedbackErrorText,
  type FeedbackChoice,
} from "../src/feedback";
import type { Feedback } from "../src/protocol";
import { parseServerFrame } from "../src/protocol-read";
import { Timeline } from "../src/timeline";
import { fakeFetch, message } from "./fakes";

const HELPFUL: Feedback = { helpful: true, reason: "", updated_at: "2026-11-30T10:00:00+00:00" };
const NOT_HELPFUL: Feedback = { helpful: false, reason: "too vague", updated_at: "2026-11-30T10:01:00+00:00" };

function stored(choice: FeedbackChoice): Feedback | null {
  return choice.helpful === null ? null : { helpful: choice.helpful, reason: choice.reason, updated_at: "t" };
}


function api(...answers: Parameters<typeof fakeFetch>) {
  const fake = fakeFetch(...answers);
  return { api: new FeedbackApi({ fetch: fake.fetch, cookies: () => "csrftoken=tok%2Ben; sessionid=s" }), ...fake };
}

async function refusal(promise: Promise<unknown>): Promise<FeedbackError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof FeedbackError, String(error));
    return error;
  }
  assert.fail("the request was not refused");
}

describe("FeedbackApi", () => {
  test("POSTs the choice to the reply's feedback with the CSRF token and reads what is stored", async () => {
    const { api: client, calls } = api({ status: 200, body: { feedback: NOT_HELPFUL } });
    const saved = await client.save("r/1", { helpful: false, reason: "too vague" });
    assert.deepEqual(saved, NOT_HELPFUL);
    assert.equal(calls[0]!.url, "/replies/r%2F1/feedback");
    assert.equal(calls[0]!.init.method, "POST");
    assert.equal(calls[0]!.init.credentials, "same-origin");
    assert.equal((calls[0]!.init.headers as Record<string, string>)["X-CSRFToken"], "tok+en");
    assert.deepEqual(JSON.parse(calls[0]!.init.body as string), { helpful: false, reason: "too vague" });
  });

  test("taking a choice back sends helpful null and reads no feedback", async () => {
    const { api: client, calls } = api({ status: 200, body: { feedback: null } });
    assert.equal(await client.save("r1", { helpful: null, reason: "" }), null);
    assert.deepEqual(JSON.parse(calls[0]!.init.body as string), { helpful: null });
  });

  test("refusals carry the server's code; a lost connection and a non-JSON answer are errors too", async () => {
    const { api: client } = api(
      { status: 400, body: { error: { code: "too_long", detail: "A reason can be up to 500 characters." } } },
      new TypeError("Failed to fetch"),
      { status: 502 },
      { status: 200, body: { feedback: "yes" } },
    );
    const tooLong = await refusal(client.save("r1", { helpful: false, reason: "x" }));
    assert.deepEqual([tooLong.code, tooLong.status], ["too_long", 400]);
    assert.equal((await refusal(client.save("r1", { helpful: true, reason: "" }))).code, "network");
    assert.equal((await refusal(client.save("r1", { helpful: true, reason: "" }))).code, "http_502");
    assert.equal((await refusal(client.save("r1", { helpful: true, reason: "" }))).code, "bad_response");
  });

  test("the person is told in plain words, never the server's detail", () => {
    assert.match(feedbackErrorText(new FeedbackError("network", 0, "")), /couldn't reach the server/);
    assert.match(feedbackErrorText(new FeedbackError("too_long", 400, "")), /500 characters/);
    const unknown = feedbackErrorText(new FeedbackError("http_500", 500, "Traceback"));
    assert.equal(unknown, "This wasn't saved. Please try again.");
  });
});

describe("FeedbackBook", () => {
  test("an untouched reply shows the feedback its history carries, and nothing about saving", () => {
    const book = new FeedbackBook();
    assert.deepEqual(book.view("r1", NOT_HELPFUL), {
      helpful: false,
      phase: "idle",
      reasonOpen: false,
      reason: "too vague",
      error: null,
      saved: false,
    });
    assert.equal(book.view("r2", null).helpful, null);
  });

  test("helpful is sent at once, shown pressed while saving, and then saved", () => {
    const book = new FeedbackBook();
    assert.deepEqual(book.press("r1", true, null), { helpful: true, reason: "" });
    assert.deepEqual([book.view("r1", null).helpful, book.view("r1", null).phase], [true, "saving"]);
    assert.equal(book.saved("r1", HELPFUL), null);
    const view = book.view("r1", null);
    assert.deepEqual([view.helpful, view.phase, view.saved, view.reasonOpen], [true, "idle", true, false]);
  });

  test("not helpful is saved at once and opens the reason field; the reason follows, or is skipped", () => {
    const book = new FeedbackBook();
    assert.deepEqual(book.press("r1", false, HELPFUL), { helpful: false, reason: "" });
    assert.equal(book.view("r1", HELPFUL).reasonOpen, true);
    book.saved("r1", { helpful: false, reason: "", updated_at: "t" });
    assert.deepEqual(book.giveReason("r1", "  too vague ", HELPFUL), { helpful: false, reason: "too vague" });
    assert.equal(book.view("r1", HELPFUL).reasonOpen, false);
    book.saved("r1", NOT_HELPFUL);
    assert.deepEqual([book.view("r1", HELPFUL).helpful, book.view("r1", HELPFUL).reason], [false, "too vague"]);

    const other = new FeedbackBook();
    other.press("r2", false, null);
    other.skipReason("r2");
    assert.equal(other.view("r2", null).reasonOpen, false);
    assert.equal(other.view("r2", null).helpful, false);
  });

  test("pressing the pressed toggle takes the choice back", () => {
    const book = new FeedbackBook();
    assert.deepEqual(book.press("r1", true, HELPFUL), { helpful: null, reason: "" });
    book.saved("r1", null);
    const view = book.view("r1", HELPFUL);
    assert.deepEqual([view.helpful, view.saved, view.phase], [null, false, "idle"]);
  });

  test("changes made while one is saving go out one at a time, the last one last", () => {
    const book = new FeedbackBook();
    const first = book.press("r1", true, null);
    assert.deepEqual(first, { helpful: true, reason: "" });
    assert.equal(book.press("r1", false, null), null, "a second request while the first is under way");
    assert.equal(book.giveReason("r1", "too vague", null), null);
    assert.equal(book.view("r1", null).helpful, false, "the latest choice is shown at once");
    assert.deepEqual(book.saved("r1", stored(first!)), { helpful: false, reason: "too vague" });
    assert.equal(book.view("r1", null).phase, "saving");
    assert.equal(book.saved("r1", NOT_HELPFUL), null);
    assert.equal(book.view("r1", null).saved, true);
  });

  test("coming back to what the server holds while a change is saving sends it back once", () => {
    const book = new FeedbackBook();
    book.press("r1", false, HELPFUL); // under way: not helpful
    book.press("r1", true, HELPFUL); // back to helpful, which the server will no longer hold
    assert.deepEqual(book.saved("r1", { helpful: false, reason: "", updated_at: "t" }), { helpful: true, reason: "" });
    assert.equal(book.saved("r1", HELPFUL), null);
    const again = new FeedbackBook();
    again.press("r1", false, null);
    again.press("r1", true, null);
    again.press("r1", false, null); // the same as the request under way
    assert.equal(again.saved("r1", { helpful: false, reason: "", updated_at: "t" }), null);
  });

  test("a failed save keeps the choice and the reason, says why, and is tried again on request", () => {
    const book = new FeedbackBook();
    const sent = book.giveReason("r1", "too vague", null);
    book.failed("r1", "This wasn't saved. Please try again.");
    let view = book.view("r1", null);
    assert.deepEqual(
      [view.helpful, view.reason, view.phase, view.error, view.saved],
      [false, "too vague", "failed", "This wasn't saved. Please try again.", false],
    );
    assert.deepEqual(book.retry("r1"), sent);
    view = book.view("r1", null);
    assert.deepEqual([view.phase, view.error], ["saving", null]);
    assert.equal(book.retry("r1"), null, "no second request while one is under way");
  });

  test("after a failure a new choice is sent at once", () => {
    const book = new FeedbackBook();
    book.press("r1", true, null);
    book.failed("r1", "no");
    assert.deepEqual(book.press("r1", false, null), { helpful: false, reason: "" });
  });

  test("the server's form of a reason becomes the choice, with no request to correct it", () => {
    const book = new FeedbackBook();
    book.giveReason("r1", "too\u200b vague", null);
    assert.equal(book.saved("r1", { helpful: false, reason: "too vague", updated_at: "t" }), null);
    assert.equal(book.view("r1", null).reason, "too vague");
    assert.equal(book.view("r1", null).saved, true);
  });

  test("clear forgets every choice and reason", () => {
    const book = new FeedbackBook();
    book.giveReason("r1", "about my sister", null);
    book.clear();
    assert.deepEqual([book.view("r1", null).helpful, book.view("r1", null).reason], [null, ""]);
    assert.equal(book.saved("r1", NOT_HELPFUL), null);
  });
});

describe("FeedbackClient", () => {
  /** A saver whose answers the test gives, one request at a time. */
  function saver() {
    const requests: Array<{
      messageId: string;
      choice: FeedbackChoice;
      resolve: (feedback: Feedback | null) => void;
      reject: (error: unknown) => void;
    }> = [];
    return {
      requests,
      save: (messageId: string, choice: FeedbackChoice) =>
        new Promise<Feedback | null>((resolve, reject) => requests.push({ messageId, choice, resolve, reject })),
    };
  }

  const settle = () => new Promise((resolve) => setImmediate(resolve));

  test("one request at a time per reply; the last choice is the one stored", async () => {
    const api = saver();
    const client = new FeedbackClient({ api });
    let changes = 0;
    client.subscribe(() => (changes += 1));
    client.press("r1", true, null);
    client.press("r1", false, null);
    assert.equal(api.requests.length, 1);
    api.requests[0]!.resolve(HELPFUL);
    await settle();
    assert.equal(api.requests.length, 2);
    assert.deepEqual(api.requests[1]!.choice, { helpful: false, reason: "" });
    api.requests[1]!.resolve({ helpful: false, reason: "", updated_at: "t" });
    await settle();
    assert.equal(client.view("r1", null).saved, true);
    assert.ok(changes >= 4);
  });

  test("a failure shows the person's words and a retry sends the choice again", async () => {
    const api = saver();
    const client = new FeedbackClient({ api });
    client.press("r1", true, null);
    api.requests[0]!.reject(new FeedbackError("network", 0, ""));
    await settle();
    assert.match(client.view("r1", null).error ?? "", /couldn't reach the server/);
    assert.equal(client.view("r1", null).helpful, true);
    client.retry("r1");
    assert.deepEqual(api.requests[1]!.choice, { helpful: true, reason: "" });
    api.requests[1]!.resolve(HELPFUL);
    await settle();
    assert.deepEqual([client.view("r1", null).error, client.view("r1", null).saved], [null, true]);
  });

  test("replies are independent", async () => {
    const api = saver();
    const client = new FeedbackClient({ api });
    client.press("r1", true, null);
    client.press("r2", false, null);
    assert.deepEqual(api.requests.map((r) => r.messageId), ["r1", "r2"]);
  });
});

describe("feedback in the history", () => {
  test("a reply's feedback is read from MESSAGE; other messages and malformed feedback read as none", () => {
    const reply = parseServerFrame(JSON.stringify({
      type: "reply.end",
      message: { id: "r1", seq: 2, role: "assistant", text: "Hi", feedback: { ...NOT_HELPFUL, extra: 1 } },
    }));
    assert.ok(reply && reply.type === "reply.end");
    assert.deepEqual(reply.message.feedback, NOT_HELPFUL);
    const odd = parseServerFrame(JSON.stringify({
      type: "reply.end",
      message: { id: "r2", seq: 3, role: "assistant", text: "Hi", feedback: { helpful: "yes" } },
    }));
    assert.ok(odd && odd.type === "reply.end");
    assert.equal(odd.message.feedback, null);
    const mine = parseServerFrame(JSON.stringify({
      type: "message.ack",
      client_id: "c1",
      message: { id: "m1", seq: 1, role: "user", text: "Hi", feedback: HELPFUL },
    }));
    assert.ok(mine && mine.type === "message.ack");
    assert.equal(mine.message.feedback, null);
  });

  test("the timeline keeps each reply's feedback as the history brings it", () => {
    const timeline = new Timeline();
    timeline.startReply("r1", "m1");
    assert.equal(timeline.list()[0]!.feedback, null);
    timeline.upsert(message({ id: "r1", seq: 2, role: "assistant", feedback: HELPFUL }));
    assert.deepEqual(timeline.list()[0]!.feedback, HELPFUL);
  });
});
