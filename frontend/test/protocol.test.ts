import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseServerFrame } from "../src/protocol-read";

const MESSAGE = {
  id: "m1",
  seq: 3,
  role: "user",
  text: "hi",
  created_at: "2026-11-21T10:00:00.123456+00:00",
  client_id: "c1",
  reply_to: null,
  emotion: null,
  unreadable: false,
  feedback: null,
};

const parse = (frame: unknown) => parseServerFrame(JSON.stringify(frame));

describe("parseServerFrame", () => {
  test("reads every server frame of the protocol", () => {
    assert.deepEqual(parse({ type: "hello", conversation_id: "c", last_seq: 7 }), {
      type: "hello",
      conversation_id: "c",
      last_seq: 7,
    });
    assert.deepEqual(parse({ type: "message.ack", client_id: "c1", message: MESSAGE }), {
      type: "message.ack",
      client_id: "c1",
      message: MESSAGE,
    });
    assert.deepEqual(
      parse({
        type: "message.emotion",
        message_id: "m1",
        seq: 4,
        labels: [{ label: "sadness", score: 0.81 }],
        group: "sadness",
        sentiment: "negative",
      }),
      {
        type: "message.emotion",
        message_id: "m1",
        seq: 4,
        labels: [{ label: "sadness", score: 0.81 }],
        group: "sadness",
        sentiment: "negative",
      },
    );
    assert.deepEqual(parse({ type: "reply.start", message_id: "r1", reply_to: "m1" }), {
      type: "reply.start",
      message_id: "r1",
      reply_to: "m1",
    });
    assert.deepEqual(parse({ type: "reply.delta", message_id: "r1", text: "x" }), {
      type: "reply.delta",
      message_id: "r1",
      text: "x",
    });
    assert.equal(parse({ type: "reply.end", message: { ...MESSAGE, role: "assistant" } })?.type, "reply.end");
    assert.equal(parse({ type: "message.new", message: { ...MESSAGE, role: "moderator" } })?.type, "message.new");
    assert.deepEqual(parse({ type: "typing", role: "moderator", state: true }), {
      type: "typing",
      role: "moderator",
      state: true,
    });
    assert.deepEqual(parse({ type: "error", code: "too_long", detail: "d", client_id: "c1" }), {
      type: "error",
      code: "too_long",
      detail: "d",
      client_id: "c1",
    });
  });

  test("drops unknown fields", () => {
    assert.deepEqual(parse({ type: "hello", conversation_id: "c", last_seq: 0, extra: 1 }), {
      type: "hello",
      conversation_id: "c",
      last_seq: 0,
    });
    const ack = parse({ type: "message.ack", client_id: "c1", message: { ...MESSAGE, future: true } });
    assert.deepEqual(ack, { type: "message.ack", client_id: "c1", message: MESSAGE });
  });

  test("fills optional fields with defaults", () => {
    assert.deepEqual(parse({ type: "error", code: "invalid" }), {
      type: "error",
      code: "invalid",
      detail: "",
      client_id: null,
    });
    const { created_at: _c, client_id: _i, reply_to: _r, emotion: _e, unreadable: _u, feedback: _f, ...bare } = MESSAGE;
    assert.deepEqual(parse({ type: "message.new", message: bare }), {
      type: "message.new",
      message: {
        ...bare,
        created_at: "",
        client_id: null,
        reply_to: null,
        emotion: null,
        unreadable: false,
        feedback: null,
      },
    });
  });

  test("reads privacy.erased, ignoring anything else it carries", () => {
    assert.deepEqual(parse({ type: "privacy.erased" }), { type: "privacy.erased" });
    assert.deepEqual(parse({ type: "privacy.erased", reason: "other tab" }), { type: "privacy.erased" });
  });

  test("consent_required errors keep their client_id", () => {
    assert.deepEqual(parse({ type: "error", code: "consent_required", detail: "d", client_id: "c1" }), {
      type: "error",
      code: "consent_required",
      detail: "d",
      client_id: "c1",
    });
  });

  test("a message flagged unreadable is kept, flag and all; only a literal true counts", () => {
    const flagged = parse({ type: "reply.end", message: { ...MESSAGE, role: "assistant", text: "", unreadable: true } });
    assert.ok(flagged && flagged.type === "reply.end");
    assert.equal(flagged.message.unreadable, true);
    assert.equal(flagged.message.text, "");
    const odd = parse({ type: "message.new", message: { ...MESSAGE, role: "moderator", unreadable: "yes" } });
    assert.ok(odd && odd.type === "message.new");
    assert.equal(odd.message.unreadable, false);
  });

  test("an ack without its own client_id takes the message's", () => {
    const frame = parse({ type: "message.ack", message: MESSAGE });
    assert.ok(frame && frame.type === "message.ack");
    assert.equal(frame.client_id, "c1");
  });

  test("parses an emotion inside MESSAGE, skipping malformed labels", () => {
    const frame = parse({
      type: "message.ack",
      client_id: "c1",
      message: {
        ...MESSAGE,
        emotion: { labels: [{ label: "joy", score: 0.9 }, { label: 3 }, "x"], group: "joy", sentiment: "positive" },
      },
    });
    assert.ok(frame && frame.type === "message.ack");
    assert.deepEqual(frame.message.emotion, {
      labels: [{ label: "joy", score: 0.9 }],
      group: "joy",
      sentiment: "positive",
    });
  });

  test("ignores unknown types and frames of the wrong shape", () => {
    for (const frame of [
      { type: "presence", who: "x" },
      { no: "type" },
      [1, 2],
      null,
      "hello",
      { type: "hello" },
      { type: "message.ack", client_id: "c1", message: { ...MESSAGE, role: "robot" } },
      { type: "message.ack", client_id: "c1", message: { ...MESSAGE, seq: "3" } },
      { type: "message.emotion", message_id: "m1", seq: 1.5, group: "joy" },
      { type: "reply.delta", message_id: "r1" },
      { type: "typing", role: "user", state: true },
      { type: "typing", role: "assistant", state: "yes" },
      { type: "error", detail: "no code" },
    ]) {
      assert.equal(parse(frame), null, JSON.stringify(frame));
    }
  });

  test("ignores text that is not JSON and data that is not text", () => {
    assert.equal(parseServerFrame("{oops"), null);
    assert.equal(parseServerFrame(new ArrayBuffer(4)), null);
  });
});
