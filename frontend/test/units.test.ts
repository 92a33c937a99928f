import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { backoffDelay } from "../src/reconnect";
import {
  counterText,
  emotionLabel,
  emotionText,
  emotionTitle,
  shownEmotion,
  typingText,
} from "../src/format";
import { createMemoryStorage, Outbox, OUTBOX_KEY } from "../src/outbox";
import { SeqTracker } from "../src/seqs";
import { socketUrl } from "../src/socket-url";
import { uuid4 } from "../src/uuid";

const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("SeqTracker", () => {
  test("advances only over contiguous numbers", () => {
    const seqs = new SeqTracker();
    for (const seq of [2, 4, 1]) seqs.see(seq);
    assert.equal(seqs.watermark, 2);
    seqs.see(3);
    assert.equal(seqs.watermark, 4);
    seqs.see(4);
    seqs.see(0);
    seqs.see(1.5);
    assert.equal(seqs.watermark, 4);
    seqs.reset();
    assert.equal(seqs.watermark, 0);
  });
});

describe("backoffDelay", () => {
  test("doubles from 0.5s up to 30s, less the jitter", () => {
    assert.deepEqual(
      [0, 1, 2, 5, 6, 20].map((attempt) => backoffDelay(attempt, () => 0)),
      [500, 1000, 2000, 16000, 30000, 30000],
    );
    assert.equal(backoffDelay(3, () => 0.5), 3000);
  });
});

describe("Outbox", () => {
  test("writes through to storage and reads it back", () => {
    const storage = createMemoryStorage();
    const outbox = new Outbox(storage);
    outbox.add({ client_id: "a", text: "one" });
    outbox.add({ client_id: "b", text: "two" });
    outbox.rename("a", "a2");
    assert.deepEqual(new Outbox(storage).entries(), [
      { client_id: "a2", text: "one" },
      { client_id: "b", text: "two" },
    ]);
    assert.equal(outbox.remove("nope"), false);
    assert.equal(outbox.remove("a2"), true);
    assert.equal(outbox.remove("b"), true);
    assert.equal(storage.getItem(OUTBOX_KEY), null);
  });

  test("skips malformed stored entries and survives a storage that throws", () => {
    const storage = createMemoryStorage();
    storage.setItem(OUTBOX_KEY, JSON.stringify([{ client_id: "a", text: "ok" }, { client_id: 1 }, null]));
    assert.deepEqual(new Outbox(storage).entries(), [{ client_id: "a", text: "ok" }]);

    const broken = {
      getItem: (): string | null => {
        throw new Error("denied");
      },
      setItem: (): void => {
        throw new Error("quota");
      },
      removeItem: (): void => {
        throw new Error("denied");
      },
    };
    const outbox = new Outbox(broken);
    outbox.add({ client_id: "x", text: "still here" });
    assert.equal(outbox.has("x"), true);
  });
});

describe("uuid4", () => {
  test("uses randomUUID when there is one", () => {
    assert.equal(uuid4({ randomUUID: () => "fixed", getRandomValues: (a) => a }), "fixed");
  });

  test("builds a version 4 UUID from random bytes otherwise (insecure contexts)", () => {
    const id = uuid4({ getRandomValues: (array) => globalThis.crypto.getRandomValues(array) });
    assert.match(id, UUID4);
    const zeros = uuid4({ getRandomValues: (array) => array });
    assert.equal(zeros, "00000000-0000-4000-8000-000000000000");
  });
});

describe("socketUrl", () => {
  test("matches the page's scheme and host", () => {
    assert.equal(socketUrl({ protocol: "http:", host: "localhost:8000" }, "/ws/chat/"), "ws://localhost:8000/ws/chat/");
    assert.equal(socketUrl({ protocol: "https:", host: "chat.example" }, "/ws/chat/"), "wss://chat.example/ws/chat/");
    assert.equal(socketUrl({ protocol: "https:", host: "chat.example" }, "ws/chat/"), "wss://chat.example/ws/chat/");
  });
});

describe("view wording", () => {
  test("the counter appears near the limit", () => {
    assert.equal(counterText(100), null);
    assert.equal(counterText(3600), "3600 / 4000");
    assert.equal(counterText(4000), "4000 / 4000");
  });

  test("emotion chip label and title", () => {
    const emotion = {
      labels: [
        { label: "sadness", score: 0.812 },
        { label: "grief", score: 0.4 },
        { label: "fear", score: 0.2 },
        { label: "remorse", score: 0.1 },
      ],
      group: "sadness",
      sentiment: "negative",
    };
    assert.equal(emotionLabel(emotion), "Emotion read: sadness");
    assert.equal(emotionTitle(emotion), "sadness 0.81, grief 0.40, fear 0.20");
    assert.equal(emotionTitle({ ...emotion, labels: [] }), "Emotion read: sadness");
    assert.equal(emotionText(emotion), "sadness");
  });

  test("a reading that is not an emotion: no chip, or not read", () => {
    const unread = { labels: [], group: "not_read", sentiment: "not_read" };
    assert.equal(shownEmotion({ labels: [], group: "none", sentiment: "none" }), null);
    assert.equal(shownEmotion(null), null);
    assert.equal(shownEmotion(unread), unread);
    assert.equal(emotionText(unread), "not read");
    assert.equal(emotionLabel(unread), "Emotion not read: this language cannot be read yet");
    assert.equal(emotionTitle(unread), "Emotion not read: this language cannot be read yet");
  });

  test("typing indicator text", () => {
    const none = { assistant: false, moderator: false };
    assert.equal(typingText(none, false, false), null);
    assert.equal(typingText(none, true, false), "Thinking…");
    assert.equal(typingText(none, true, true), "Still thinking…");
    assert.equal(typingText({ assistant: true, moderator: false }, false, false), "Writing a reply…");
    assert.equal(typingText({ assistant: false, moderator: true }, true, true), "Support team is typing…");
  });
});
