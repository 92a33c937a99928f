import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ApiError } from "../src/api";
import {
  Checkin,
  CheckinHttpApi,
  faceMouth,
  toolbarMove,
  SKIPPED_KEY,
  type ChatMoment,
  type CheckinApi,
  type CheckinChoice,
  type CheckinDue,
} from "../src/checkin";
import { createMemoryStorage } from "../src/outbox";
import type { ResponseLike } from "../src/api";

const CHOICES: CheckinChoice[] = [
  { value: 1, label: "Really low" },
  { value: 2, label: "Low" },
  { value: 3, label: "Okay" },
  { value: 4, label: "Good" },
  { value: 5, label: "Great" },
];

/** Lets pending promise callbacks run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A server whose answers the test decides, one request at a time. */
class FakeApi implements CheckinApi {
  readonly asked: string[] = [];
  readonly recorded: Array<{ conversationId: string; value: number }> = [];
  due_: CheckinDue | Error = { due: true, choices: CHOICES };
  recordResult: Error | null = null;
  private pending: Array<() => void> = [];
  hold = false;

  due(conversationId: string): Promise<CheckinDue> {
    this.asked.push(conversationId);
    const answer = this.due_;
    return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
  }

  record(conversationId: string, value: number): Promise<void> {
    this.recorded.push({ conversationId, value });
    const result = this.recordResult;
    if (!this.hold) return result ? Promise.reject(result) : Promise.resolve();
    return new Promise((resolve, reject) => this.pending.push(() => (result ? reject(result) : resolve())));
  }

  release(): void {
    for (const done of this.pending.splice(0)) done();
  }
}

function moment(overrides: Partial<ChatMoment> = {}): ChatMoment {
  return { consent: "given", connection: "open", conversationId: "c1", messages: 0, ...overrides };
}

function setup() {
  const api = new FakeApi();
  const storage = createMemoryStorage();
  let changes = 0;
  const checkin = new Checkin({ api, storage, changed: () => changes++ });
  return { api, storage, checkin, changes: () => changes };
}

describe("the check-in at the start of a conversation", () => {
  test("is asked once the person agreed and the conversation is open and empty, and the server says so", async () => {
    const { api, checkin } = setup();
    checkin.update(moment({ consent: "required" }));
    checkin.update(moment({ connection: "connecting" }));
    await settle();
    assert.deepEqual(api.asked, []);
    assert.equal(checkin.view().phase, "hidden");

    checkin.update(moment());
    checkin.update(moment());
    await settle();

    assert.deepEqual(api.asked, ["c1"]);
    assert.equal(checkin.view().phase, "asking");
    assert.deepEqual(checkin.view().choices, CHOICES);
  });

  test("is not shown when the server says it is not due, or cannot be asked", async () => {
    for (const answer of [{ due: false, choices: CHOICES }, new ApiError("network", 0, "")]) {
      const { api, checkin } = setup();
      api.due_ = answer;
      checkin.update(moment());
      await settle();
      assert.equal(checkin.view().phase, "hidden");
    }
  });

  test("a conversation already under way is never asked about", async () => {
    const { api, checkin } = setup();
    checkin.update(moment({ messages: 2 }));
    checkin.update(moment({ messages: 2 }));
    await settle();
    assert.deepEqual(api.asked, []);
  });

  test("a tap records the answer for that conversation and thanks the person", async () => {
    const { api, checkin } = setup();
    checkin.update(moment());
    await settle();

    checkin.choose(3);
    assert.equal(checkin.view().phase, "saving");
    checkin.choose(4); // a second tap while saving is ignored
    await settle();

    assert.deepEqual(api.recorded, [{ conversationId: "c1", value: 3 }]);
    assert.equal(checkin.view().phase, "thanks");
    checkin.update(moment({ messages: 1 }));
    assert.equal(checkin.view().phase, "hidden");
  });

  test("only the five answers offered can be sent", async () => {
    const { api, checkin } = setup();
    checkin.update(moment());
    await settle();
    checkin.choose(9);
    assert.deepEqual(api.recorded, []);
    assert.equal(checkin.view().phase, "asking");
  });

  test("a failed save keeps the row with a message, and a retry may follow", async () => {
    const { api, checkin } = setup();
    checkin.update(moment());
    await settle();
    api.recordResult = new ApiError("network", 0, "");
    checkin.choose(2);
    await settle();
    assert.equal(checkin.view().phase, "asking");
    assert.match(checkin.view().error ?? "", /wasn't saved/);

    api.recordResult = null;
    checkin.choose(2);
    await settle();
    assert.equal(checkin.view().phase, "thanks");
    assert.equal(checkin.view().error, null);
  });

  test("an answer the server already holds just closes the row", async () => {
    const { api, checkin } = setup();
    checkin.update(moment());
    await settle();
    api.recordResult = new ApiError("already", 409, "");
    checkin.choose(2);
    await settle();
    assert.equal(checkin.view().phase, "hidden");
  });

  test("the first message takes the row away, even while an answer is being saved", async () => {
    const { api, checkin } = setup();
    checkin.update(moment());
    await settle();
    checkin.update(moment({ messages: 1 }));
    assert.equal(checkin.view().phase, "hidden");
    checkin.choose(3);
    assert.deepEqual(api.recorded, []);

    const second = setup();
    second.checkin.update(moment());
    await settle();
    second.api.hold = true;
    second.checkin.choose(4);
    second.checkin.update(moment({ messages: 1 }));
    assert.equal(second.checkin.view().phase, "saving");
    second.api.release();
    await settle();
    assert.equal(second.checkin.view().phase, "hidden");
    assert.deepEqual(second.api.recorded, [{ conversationId: "c1", value: 4 }]);
  });

  test("an answer arriving after the person started writing is not shown", async () => {
    const { checkin } = setup();
    checkin.update(moment());
    checkin.update(moment({ messages: 1 }));
    await settle();
    assert.equal(checkin.view().phase, "hidden");
  });

  test("'Not now' hides it for that conversation, after a reload too, and never nags", async () => {
    const { api, storage, checkin } = setup();
    checkin.update(moment());
    await settle();
    checkin.skip();
    assert.equal(checkin.view().phase, "hidden");
    assert.deepEqual(JSON.parse(storage.getItem(SKIPPED_KEY) ?? "[]"), ["c1"]);
    checkin.update(moment());
    await settle();
    assert.deepEqual(api.asked, ["c1"]);

    const reloaded = new Checkin({ api, storage, changed: () => {} });
    reloaded.update(moment());
    await settle();
    assert.equal(reloaded.view().phase, "hidden");
    assert.deepEqual(api.asked, ["c1"]);
  });

  test("a new conversation may be asked about again", async () => {
    const { api, checkin } = setup();
    checkin.update(moment());
    await settle();
    checkin.skip();

    checkin.update(moment({ conversationId: "c2" }));
    await settle();

    assert.deepEqual(api.asked, ["c1", "c2"]);
    assert.equal(checkin.view().phase, "asking");
  });

  test("consent withdrawn while asking takes it away", async () => {
    const { checkin } = setup();
    checkin.update(moment());
    await settle();
    checkin.update(moment({ consent: "required" }));
    assert.equal(checkin.view().phase, "hidden");
    checkin.update(moment());
    await settle();
    assert.equal(checkin.view().phase, "hidden");
  });
});

describe("the check-in's HTTP API", () => {
  function fakeFetch(status: number, body: unknown) {
    const calls: Array<{ url: string; init: RequestInit }> = [];
    const fetch = async (url: string, init: RequestInit): Promise<ResponseLike> => {
      calls.push({ url, init });
      return { ok: status < 300, status, json: async () => body };
    };
    return { fetch, calls };
  }

  test("asks whether a check-in is due for the conversation", async () => {
    const fake = fakeFetch(200, { due: true, choices: CHOICES });
    const api = new CheckinHttpApi({ fetch: fake.fetch, cookies: () => "" });

    assert.deepEqual(await api.due("a b"), { due: true, choices: CHOICES });
    assert.equal(fake.calls[0].url, "/mood/checkin/due?conversation_id=a%20b");
    assert.equal(fake.calls[0].init.method, "GET");
  });

  test("records an answer with the CSRF token", async () => {
    const fake = fakeFetch(201, { checkin: { value: 3, label: "Okay" } });
    const api = new CheckinHttpApi({ fetch: fake.fetch, cookies: () => "csrftoken=tok%2B1; other=x" }, "/x/mood/");

    await api.record("c1", 3);

    const { url, init } = fake.calls[0];
    assert.equal(url, "/x/mood/checkin");
    assert.equal(init.method, "POST");
    assert.equal((init.headers as Record<string, string>)["X-CSRFToken"], "tok+1");
    assert.deepEqual(JSON.parse(String(init.body)), { conversation_id: "c1", value: 3 });
  });

  test("a refusal carries the server's code, and an odd answer is refused", async () => {
    const conflict = fakeFetch(409, { error: { code: "already", detail: "" } });
    const refused = new CheckinHttpApi({ fetch: conflict.fetch, cookies: () => "" });
    await assert.rejects(refused.record("c1", 3), (e: unknown) => e instanceof ApiError && e.code === "already");

    const odd = new CheckinHttpApi({ fetch: fakeFetch(200, { due: "yes", choices: [] }).fetch, cookies: () => "" });
    await assert.rejects(odd.due("c1"), (error: unknown) => error instanceof ApiError && error.code === "bad_response");
  });
});

describe("the check-in's faces", () => {
  test("go from a frown to a smile as the answers rise, with a level mouth for okay", () => {
    const bends = [1, 2, 3, 4, 5].map((value) => Number(faceMouth(value).split(" ")[3]));
    assert.deepEqual(bends, [10.5, 13.5, 16.5, 19.5, 22.5]);
    assert.equal(faceMouth(3), "M8 16.5 Q12 16.5 16 16.5");
  });
});

describe("the check-in's toolbar, from the keyboard", () => {
  test("arrows step and wrap, Home and End jump, other keys do not move", () => {
    assert.equal(toolbarMove("ArrowRight", 0, 6), 1);
    assert.equal(toolbarMove("ArrowDown", 5, 6), 0);
    assert.equal(toolbarMove("ArrowLeft", 0, 6), 5);
    assert.equal(toolbarMove("ArrowUp", 3, 6), 2);
    assert.equal(toolbarMove("Home", 4, 6), 0);
    assert.equal(toolbarMove("End", 1, 6), 5);
    assert.equal(toolbarMove("Enter", 1, 6), null);
    assert.equal(toolbarMove("ArrowRight", 0, 0), null);
  });
});
