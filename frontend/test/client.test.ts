import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { HELLO_TIMEOUT_MS, TYPING_IDLE_MS, TYPING_THROTTLE_MS } from "../src/client";
import { en } from "../src/i18n";
import { createMemoryStorage, OUTBOX_KEY } from "../src/outbox";
import { message, setup } from "./fakes";

const NOTICES = en.chat.notices;

const EMOTION = { labels: [{ label: "sadness", score: 0.81 }], group: "sadness", sentiment: "negative" };

describe("connection", () => {
  test("connects to the URL, is connecting until hello, then open", () => {
    const h = setup();
    assert.equal(h.socket().url, "ws://chat.test/ws/chat/");
    assert.equal(h.last().connection, "connecting");
    h.socket().hello();
    assert.equal(h.last().connection, "open");
    assert.deepEqual(h.states, ["connecting", "open"]);
  });

  test("sends nothing before hello", () => {
    const h = setup();
    h.client.send("early");
    h.client.setTyping(true);
    assert.deepEqual(h.socket().sent, []);
  });

  test("reconnects with exponential backoff capped at 30s", () => {
    const h = setup({ random: () => 0 });
    const delays: number[] = [];
    for (let i = 0; i < 9; i++) {
      h.socket().drop();
      assert.equal(h.last().connection, "reconnecting");
      assert.equal(h.timers.pending, 1);
      delays.push(h.timers.pendingDelays()[0]!);
      h.timers.runNext();
    }
    assert.deepEqual(delays, [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
    assert.equal(h.sockets.length, 10);
  });

  test("jitter takes up to half off the delay", () => {
    const half = setup({ random: () => 0.5 });
    half.socket().drop();
    assert.deepEqual(half.timers.pendingDelays(), [375]);
    const most = setup({ random: () => 0.999 });
    most.socket().drop();
    assert.deepEqual(most.timers.pendingDelays(), [250]);
  });

  test("does not reconnect before the delay has passed", () => {
    const h = setup();
    h.socket().drop();
    h.timers.advance(499);
    assert.equal(h.sockets.length, 1);
    h.timers.advance(1);
    assert.equal(h.sockets.length, 2);
  });

  test("a socket that never says hello is closed and retried", () => {
    const h = setup();
    const silent = h.socket();
    h.timers.advance(HELLO_TIMEOUT_MS - 1);
    assert.equal(silent.closed, false);
    h.timers.advance(1);
    assert.equal(silent.closed, true);
    assert.equal(h.last().connection, "reconnecting");
    assert.deepEqual(h.timers.pendingDelays(), [500]);
    h.timers.runNext();
    h.socket().hello();
    h.timers.advance(HELLO_TIMEOUT_MS * 2);
    assert.equal(h.socket().closed, false, "no timeout once hello has come");
  });

  test("a retried socket that never says hello is given up on too", () => {
    const h = setup();
    h.socket().drop();
    h.timers.runNext();
    const retried = h.socket();
    h.timers.advance(HELLO_TIMEOUT_MS);
    assert.equal(retried.closed, true);
    assert.deepEqual(h.timers.pendingDelays(), [1000]);
  });

  test("backoff resets after a successful hello", () => {
    const h = setup();
    h.socket().drop();
    h.timers.runNext();
    h.socket().drop();
    h.timers.runNext();
    h.socket().drop();
    assert.deepEqual(h.timers.pendingDelays(), [2000]);
    h.timers.runNext();
    h.socket().hello();
    h.socket().drop();
    assert.deepEqual(h.timers.pendingDelays(), [500]);
  });

  test("reports reconnecting (not connecting) once it has been connected", () => {
    const h = setup();
    h.socket().hello();
    h.socket().drop();
    h.timers.runNext();
    assert.equal(h.last().connection, "reconnecting");
    h.socket().hello();
    assert.deepEqual(h.states, ["connecting", "open", "reconnecting", "open"]);
  });

  test("goOffline closes the socket and stops retrying; goOnline reconnects at once", () => {
    const h = setup();
    h.socket().hello();
    const first = h.socket();
    h.client.goOffline();
    assert.equal(first.closed, true);
    assert.equal(h.last().connection, "offline");
    assert.equal(h.timers.pending, 0);
    h.timers.advance(60_000);
    assert.equal(h.sockets.length, 1);
    first.drop(); // a late close event from the old socket changes nothing
    assert.equal(h.last().connection, "offline");

    h.client.goOnline();
    assert.equal(h.sockets.length, 2);
    assert.equal(h.last().connection, "reconnecting");
    h.socket().hello();
    assert.equal(h.last().connection, "open");
  });

  test("goOffline during backoff cancels the pending retry; goOnline skips the wait", () => {
    const h = setup();
    h.socket().drop();
    h.client.goOffline();
    assert.equal(h.timers.pending, 0);
    h.client.goOnline();
    assert.equal(h.sockets.length, 2);
  });

  test("online while waiting to retry reconnects at once", () => {
    const h = setup();
    h.socket().drop();
    h.client.goOnline();
    assert.equal(h.sockets.length, 2);
    assert.deepEqual(h.timers.pendingDelays(), [HELLO_TIMEOUT_MS], "the retry timer is gone");
  });

  test("offline before start: start does not connect, goOnline does", () => {
    const h = setup({ start: false });
    h.client.goOffline();
    h.client.start();
    assert.equal(h.sockets.length, 0);
    assert.equal(h.last().connection, "offline");
    h.client.goOnline();
    assert.equal(h.sockets.length, 1);
    assert.equal(h.last().connection, "connecting");
  });

  test("forbidden error: offline with a notice and no more reconnecting", () => {
    const h = setup();
    h.socket().hello();
    h.socket().receive({ type: "error", code: "forbidden", detail: "no session" });
    h.socket().drop(4403);
    assert.equal(h.last().connection, "closed");
    assert.equal(h.last().notice, NOTICES.forbidden);
    assert.equal(h.timers.pending, 0);
    h.client.goOnline();
    h.timers.advance(120_000);
    assert.equal(h.sockets.length, 1);
  });

  test("close code 4403 alone is treated as forbidden", () => {
    const h = setup();
    h.socket().drop(4403);
    assert.equal(h.last().connection, "closed");
    assert.equal(h.timers.pending, 0);
  });

  test("opened in another tab: this one stops, says so, and does not come back to close that one", () => {
    const h = setup();
    h.socket().hello();
    h.socket().receive({ type: "error", code: "elsewhere", detail: "open elsewhere" });
    h.socket().drop(4409);
    assert.equal(h.last().connection, "closed");
    assert.equal(h.last().notice, NOTICES.elsewhere);
    assert.equal(h.timers.pending, 0);
    h.client.goOnline();
    h.timers.advance(120_000);
    assert.equal(h.sockets.length, 1);
  });

  test("too many connects from the address (4429): the page tries again later", () => {
    const h = setup();
    h.socket().receive({ type: "error", code: "rate_limited", detail: "too many connections" });
    h.socket().drop(4429);
    assert.equal(h.last().connection, "reconnecting");
    assert.equal(h.timers.pending, 1);
  });

  test("a socket factory that throws is retried with backoff", () => {
    let failures = 2;
    const h = setup({ refuse: () => failures-- > 0 });
    assert.equal(h.sockets.length, 0);
    assert.equal(h.last().connection, "reconnecting");
    assert.deepEqual(h.timers.pendingDelays(), [500]);
    h.timers.runNext();
    assert.deepEqual(h.timers.pendingDelays(), [1000]);
    h.timers.runNext();
    assert.equal(h.sockets.length, 1);
  });
});

describe("resume and watermark", () => {
  test("first hello resumes from 0 to load history", () => {
    const h = setup();
    h.socket().hello("conv-1", 7);
    assert.deepEqual(h.socket().sent, [{ type: "resume", after_seq: 0 }]);
  });

  test("after a reconnect to the same conversation, resumes from the contiguous watermark", () => {
    const h = setup();
    h.socket().hello();
    const s = h.socket();
    s.receive({ type: "message.ack", client_id: "c1", message: message({ id: "m1", seq: 1, client_id: "c1" }) });
    s.receive({ type: "message.emotion", message_id: "m1", seq: 3, ...EMOTION });
    s.receive({ type: "reply.end", message: message({ id: "m2", seq: 2, role: "assistant", reply_to: "m1" }) });
    s.receive({ type: "message.new", message: message({ id: "m5", seq: 5, role: "moderator" }) });
    s.drop();
    h.timers.runNext();
    h.socket().hello("conv-1", 5);
    assert.deepEqual(h.socket().sentOfType("resume"), [{ type: "resume", after_seq: 3 }]);
  });

  test("the watermark fills in when a missing seq arrives later", () => {
    const h = setup();
    h.socket().hello();
    const s = h.socket();
    s.receive({ type: "message.new", message: message({ id: "m2", seq: 2, role: "moderator" }) });
    s.receive({ type: "message.new", message: message({ id: "m3", seq: 3, role: "moderator" }) });
    s.drop();
    h.timers.runNext();
    h.socket().hello();
    assert.deepEqual(h.socket().sentOfType("resume"), [{ type: "resume", after_seq: 0 }]);
    h.socket().receive({ type: "message.new", message: message({ id: "m1", seq: 1, role: "moderator" }) });
    h.socket().drop();
    h.timers.runNext();
    h.socket().hello();
    assert.deepEqual(h.socket().sentOfType("resume"), [{ type: "resume", after_seq: 3 }]);
  });

  test("ephemeral frames do not move the watermark", () => {
    const h = setup();
    h.socket().hello();
    h.socket().receive({ type: "reply.start", message_id: "r1", reply_to: null });
    h.socket().receive({ type: "reply.delta", message_id: "r1", text: "hi" });
    h.socket().receive({ type: "typing", role: "assistant", state: true });
    h.socket().drop();
    h.timers.runNext();
    h.socket().hello();
    assert.deepEqual(h.socket().sentOfType("resume"), [{ type: "resume", after_seq: 0 }]);
  });

  test("a hello with a new conversation id resets everything and resumes from 0", () => {
    const h = setup();
    h.socket().hello("conv-1");
    h.socket().receive({ type: "message.new", message: message({ id: "m1", seq: 1, role: "moderator" }) });
    h.socket().receive({ type: "error", code: "unavailable", detail: "", client_id: "x" });
    h.socket().drop();
    h.timers.runNext();
    h.socket().hello("conv-2");
    assert.deepEqual(h.socket().sentOfType("resume"), [{ type: "resume", after_seq: 0 }]);
    assert.equal(h.last().conversationId, "conv-2");
    assert.deepEqual(h.last().messages, []);
    assert.equal(h.last().notice, null);
  });

  test("newConversation sends conversation.new; the answering hello starts afresh", () => {
    const h = setup();
    assert.equal(h.client.newConversation(), false, "not possible before hello");
    h.socket().hello("conv-1");
    h.socket().receive({ type: "message.new", message: message({ id: "m1", seq: 1, role: "moderator" }) });
    assert.equal(h.client.newConversation(), true);
    assert.deepEqual(h.socket().sentOfType("conversation.new"), [{ type: "conversation.new" }]);

    // Until the new hello, a message waits in the outbox rather than going to the old conversation.
    h.client.send("for the new one");
    assert.deepEqual(h.socket().sentOfType("message.send"), []);

    h.socket().receive({ type: "hello", conversation_id: "conv-2", last_seq: 0 });
    const messages = h.last().messages;
    assert.equal(messages.length, 1);
    assert.equal(messages[0]!.text, "for the new one");
    assert.deepEqual(h.socket().sentOfType("resume"), [
      { type: "resume", after_seq: 0 },
      { type: "resume", after_seq: 0 },
    ]);
    assert.equal(h.socket().sentOfType("message.send").length, 1);
  });
});

describe("sending and the outbox", () => {
  test("send while open transmits at once and shows the message as sending", () => {
    const h = setup();
    h.socket().hello();
    const clientId = h.client.send("hello there");
    assert.ok(clientId);
    assert.deepEqual(h.socket().sentOfType("message.send"), [
      { type: "message.send", client_id: clientId, text: "hello there" },
    ]);
    const [shown] = h.last().messages;
    assert.equal(shown!.status, "sending");
    assert.equal(shown!.id, null);
    assert.equal(shown!.clientId, clientId);
  });

  test("blank text is not sent", () => {
    const h = setup();
    h.socket().hello();
    assert.equal(h.client.send("  \n\t "), null);
    assert.deepEqual(h.socket().sentOfType("message.send"), []);
    assert.deepEqual(h.last().messages, []);
  });

  test("message.ack removes it from the outbox and marks it sent", () => {
    const h = setup();
    h.socket().hello();
    const clientId = h.client.send("hi")!;
    h.socket().receive({
      type: "message.ack",
      client_id: clientId,
      message: message({ id: "m1", seq: 1, client_id: clientId, text: "hi" }),
    });
    const [shown] = h.last().messages;
    assert.equal(shown!.status, "sent");
    assert.equal(shown!.id, "m1");
    assert.equal(shown!.seq, 1);
    assert.equal(h.storage.getItem(OUTBOX_KEY), null);
  });

  test("unacknowledged messages are re-sent after a reconnect with their original client_id", () => {
    const h = setup();
    h.socket().hello();
    const acked = h.client.send("one")!;
    const pending = h.client.send("two")!;
    h.socket().receive({
      type: "message.ack",
      client_id: acked,
      message: message({ id: "m1", seq: 1, client_id: acked, text: "one" }),
    });
    h.socket().drop();
    h.timers.runNext();
    h.socket().hello();
    assert.deepEqual(h.socket().sent, [
      { type: "resume", after_seq: 1 },
      { type: "message.send", client_id: pending, text: "two" },
    ]);
  });

  test("messages written while offline go out after the next hello, in order", () => {
    const h = setup();
    h.client.goOffline();
    const a = h.client.send("first")!;
    const b = h.client.send("second")!;
    assert.deepEqual(
      h.last().messages.map((m) => [m.text, m.status]),
      [
        ["first", "sending"],
        ["second", "sending"],
      ],
    );
    h.client.goOnline();
    h.socket().hello();
    assert.deepEqual(
      h.socket().sentOfType("message.send").map((frame) => frame.client_id),
      [a, b],
    );
  });

  test("the outbox survives a reload and is re-sent with the same client_id", () => {
    const storage = createMemoryStorage();
    const before = setup({ storage });
    const clientId = before.client.send("don't lose me")!;
    before.client.dispose();

    const after = setup({ storage });
    const [shown] = after.last().messages;
    assert.equal(shown!.text, "don't lose me");
    assert.equal(shown!.status, "sending");
    after.socket().hello();
    assert.deepEqual(after.socket().sentOfType("message.send"), [
      { type: "message.send", client_id: clientId, text: "don't lose me" },
    ]);
    // History replay acknowledges it; the re-send's own ack then de-duplicates.
    const stored = message({ id: "m1", seq: 1, client_id: clientId, text: "don't lose me" });
    after.socket().receive({ type: "message.ack", client_id: clientId, message: stored });
    after.socket().receive({ type: "message.ack", client_id: clientId, message: stored });
    assert.equal(after.last().messages.length, 1);
    assert.equal(after.last().messages[0]!.status, "sent");
    assert.equal(storage.getItem(OUTBOX_KEY), null);
  });

  test("a corrupt stored outbox is ignored", () => {
    const storage = createMemoryStorage();
    storage.setItem(OUTBOX_KEY, "{not json");
    const h = setup({ storage });
    assert.deepEqual(h.last().messages, []);
  });

  test("pending messages moved to a new conversation get fresh client_ids; late acks for old ones are ignored", () => {
    const h = setup();
    h.socket().hello("conv-1");
    const old = h.client.send("in flight")!;
    h.socket().drop();
    h.timers.runNext();
    h.socket().hello("conv-2");
    const [resent] = h.socket().sentOfType("message.send");
    assert.ok(resent);
    assert.notEqual(resent.client_id, old);
    assert.equal(resent.text, "in flight");
    h.socket().receive({
      type: "message.ack",
      client_id: old,
      message: message({ id: "old-m", seq: 9, client_id: old, text: "in flight" }),
    });
    assert.equal(h.last().messages.length, 1);
    assert.equal(h.last().messages[0]!.status, "sending");
  });
});

describe("failed sends and notices", () => {
  for (const code of ["invalid", "too_long", "rate_limited"]) {
    test(`${code} marks the message failed with the detail and drops it from the outbox`, () => {
      const h = setup();
      h.socket().hello();
      const clientId = h.client.send("oops")!;
      h.socket().receive({ type: "error", code, detail: `detail for ${code}`, client_id: clientId });
      const [shown] = h.last().messages;
      assert.equal(shown!.status, "failed");
      assert.equal(shown!.error, `detail for ${code}`);
      assert.equal(h.storage.getItem(OUTBOX_KEY), null);
      h.socket().drop();
      h.timers.runNext();
      h.socket().hello();
      assert.deepEqual(h.socket().sentOfType("message.send"), [], "a failed message is not re-sent");
      assert.equal(h.last().messages[0]!.status, "failed");
    });
  }

  test("a failure without detail gets a default explanation", () => {
    const h = setup();
    h.socket().hello();
    const clientId = h.client.send("again and again")!;
    h.socket().receive({ type: "error", code: "rate_limited", client_id: clientId });
    assert.match(h.last().messages[0]!.error ?? "", /wait a moment/);
  });

  test("editFailed removes the failed message and hands back its text", () => {
    const h = setup();
    h.socket().hello();
    const clientId = h.client.send("too much")!;
    assert.equal(h.client.editFailed(clientId), null, "only failed messages can be taken back");
    h.socket().receive({ type: "error", code: "too_long", detail: "too long", client_id: clientId });
    assert.equal(h.client.editFailed(clientId), "too much");
    assert.deepEqual(h.last().messages, []);
  });

  test("unavailable keeps the message sent and shows a calm notice until a reply starts", () => {
    const h = setup();
    h.socket().hello();
    const clientId = h.client.send("are you there?")!;
    h.socket().receive({
      type: "message.ack",
      client_id: clientId,
      message: message({ id: "m1", seq: 1, client_id: clientId }),
    });
    h.socket().receive({ type: "error", code: "unavailable", detail: "busy", client_id: clientId });
    assert.equal(h.last().notice, NOTICES.unavailable);
    assert.equal(h.last().messages[0]!.status, "sent");
    h.socket().receive({ type: "reply.start", message_id: "r1", reply_to: "m1" });
    assert.equal(h.last().notice, null);
  });

  test("an error without a client_id becomes a notice", () => {
    const h = setup();
    h.socket().hello();
    h.socket().receive({ type: "error", code: "invalid", detail: "bad after_seq", client_id: null });
    assert.equal(h.last().notice, "bad after_seq");
    assert.equal(h.last().connection, "open");
  });
});

describe("timeline", () => {
  test("replayed frames are de-duplicated by message id", () => {
    const h = setup();
    h.socket().hello();
    const replay = (): void => {
      h.socket().receive({ type: "message.ack", client_id: "c1", message: message({ id: "m1", seq: 1, client_id: "c1" }) });
      h.socket().receive({ type: "reply.end", message: message({ id: "m2", seq: 2, role: "assistant", reply_to: "m1" }) });
      h.socket().receive({ type: "message.new", message: message({ id: "m3", seq: 3, role: "moderator" }) });
      h.socket().receive({ type: "message.emotion", message_id: "m1", seq: 4, ...EMOTION });
    };
    replay();
    h.socket().drop();
    h.timers.runNext();
    h.socket().hello();
    replay();
    assert.deepEqual(
      h.last().messages.map((m) => [m.id, m.seq, m.role]),
      [
        ["m1", 1, "user"],
        ["m2", 2, "assistant"],
        ["m3", 3, "moderator"],
      ],
    );
  });

  test("messages are ordered by seq whatever order they arrive in, unsent ones last", () => {
    const h = setup();
    h.socket().hello();
    h.client.send("local");
    h.socket().receive({ type: "message.new", message: message({ id: "m3", seq: 3, role: "moderator" }) });
    h.socket().receive({ type: "message.new", message: message({ id: "m1", seq: 1, role: "moderator" }) });
    h.socket().receive({ type: "reply.delta", message_id: "r9", text: "streaming" });
    h.socket().receive({ type: "message.new", message: message({ id: "m2", seq: 2, role: "moderator" }) });
    assert.deepEqual(
      h.last().messages.map((m) => m.id ?? m.text),
      ["m1", "m2", "m3", "r9", "local"],
    );
  });

  test("a reply streams from reply.start and deltas and is replaced by reply.end", () => {
    const h = setup();
    h.socket().hello();
    const s = h.socket();
    s.receive({ type: "reply.start", message_id: "r1", reply_to: "m1" });
    s.receive({ type: "reply.delta", message_id: "r1", text: "I hear " });
    s.receive({ type: "reply.delta", message_id: "r1", text: "you" });
    let [reply] = h.last().messages;
    assert.equal(reply!.text, "I hear you");
    assert.equal(reply!.streaming, true);
    assert.equal(reply!.role, "assistant");
    assert.equal(reply!.replyTo, "m1");
    s.receive({
      type: "reply.end",
      message: message({ id: "r1", seq: 2, role: "assistant", text: "I hear you.", reply_to: "m1" }),
    });
    [reply] = h.last().messages;
    assert.equal(h.last().messages.length, 1);
    assert.equal(reply!.text, "I hear you.");
    assert.equal(reply!.streaming, false);
    assert.equal(reply!.seq, 2);
  });

  test("a delta for an unknown reply creates it", () => {
    const h = setup();
    h.socket().hello();
    h.socket().receive({ type: "reply.delta", message_id: "r1", text: "mid-" });
    h.socket().receive({ type: "reply.delta", message_id: "r1", text: "stream" });
    const [reply] = h.last().messages;
    assert.equal(reply!.id, "r1");
    assert.equal(reply!.text, "mid-stream");
    assert.equal(reply!.streaming, true);
  });

  test("a retried reply.start resets the partial text", () => {
    const h = setup();
    h.socket().hello();
    const s = h.socket();
    s.receive({ type: "reply.start", message_id: "r1", reply_to: "m1" });
    s.receive({ type: "reply.delta", message_id: "r1", text: "That sounds hard, an" });
    s.receive({ type: "reply.start", message_id: "r1", reply_to: "m1" });
    assert.equal(h.last().messages[0]!.text, "");
    s.receive({ type: "reply.delta", message_id: "r1", text: "That sounds" });
    assert.equal(h.last().messages[0]!.text, "That sounds");
    assert.equal(h.last().messages.length, 1);
  });

  test("frames for a reply that is already stored are ignored", () => {
    const h = setup();
    h.socket().hello();
    const s = h.socket();
    s.receive({ type: "reply.end", message: message({ id: "r1", seq: 1, role: "assistant", text: "Done." }) });
    s.receive({ type: "reply.start", message_id: "r1", reply_to: null });
    s.receive({ type: "reply.delta", message_id: "r1", text: " more" });
    const [reply] = h.last().messages;
    assert.equal(reply!.text, "Done.");
    assert.equal(reply!.streaming, false);
  });

  test("emotion is attached to its message, even when it arrives first", () => {
    const h = setup();
    h.socket().hello();
    h.socket().receive({ type: "message.emotion", message_id: "m1", seq: 2, ...EMOTION });
    h.socket().receive({ type: "message.ack", client_id: "c1", message: message({ id: "m1", seq: 1, client_id: "c1" }) });
    assert.deepEqual(h.last().messages[0]!.emotion, EMOTION);
    h.socket().drop();
    h.timers.runNext();
    h.socket().hello();
    assert.deepEqual(h.socket().sentOfType("resume"), [{ type: "resume", after_seq: 2 }]);
  });

  test("an emotion carried inside MESSAGE is kept", () => {
    const h = setup();
    h.socket().hello();
    h.socket().receive({
      type: "message.ack",
      client_id: "c1",
      message: message({ id: "m1", seq: 1, client_id: "c1", emotion: EMOTION }),
    });
    assert.equal(h.last().messages[0]!.emotion?.group, "sadness");
  });

  test("awaitingReplyTo is the person's newest stored message until a reply starts", () => {
    const h = setup();
    h.socket().hello();
    const clientId = h.client.send("hi")!;
    assert.equal(h.last().awaitingReplyTo, null, "not while still sending");
    h.socket().receive({ type: "message.ack", client_id: clientId, message: message({ id: "m1", seq: 1, client_id: clientId }) });
    assert.equal(h.last().awaitingReplyTo, "m1");
    h.socket().receive({ type: "reply.start", message_id: "r1", reply_to: "m1" });
    assert.equal(h.last().awaitingReplyTo, null);
  });

  test("frames that are not valid are ignored", () => {
    const h = setup();
    h.socket().hello();
    const before = h.last();
    h.socket().receiveRaw("not json");
    h.socket().receiveRaw(new Uint8Array([1, 2]));
    h.socket().receive({ type: "mystery", message_id: "x" });
    h.socket().receive({ type: "message.new", message: { id: "m1" } });
    h.socket().receive(["hello"]);
    assert.deepEqual(h.last(), before);
  });

  test("listeners are notified and can unsubscribe", () => {
    const h = setup();
    let calls = 0;
    const unsubscribe = h.client.subscribe(() => (calls += 1));
    h.socket().hello();
    assert.equal(calls, 1);
    unsubscribe();
    h.socket().receive({ type: "typing", role: "assistant", state: true });
    assert.equal(calls, 1);
  });
});

describe("typing", () => {
  test("sends typing frames only on change, at most one per interval", () => {
    const h = setup();
    h.socket().hello();
    h.client.setTyping(true);
    h.client.setTyping(true);
    assert.deepEqual(h.socket().sentOfType("typing"), [{ type: "typing", state: true }]);
    h.client.setTyping(false);
    h.client.setTyping(true);
    h.client.setTyping(false);
    assert.equal(h.socket().sentOfType("typing").length, 1, "throttled");
    h.timers.advance(TYPING_THROTTLE_MS);
    assert.deepEqual(h.socket().sentOfType("typing"), [
      { type: "typing", state: true },
      { type: "typing", state: false },
    ]);
  });

  test("a change undone within the interval sends nothing", () => {
    const h = setup();
    h.socket().hello();
    h.client.setTyping(true);
    h.client.setTyping(false);
    h.client.setTyping(true);
    h.timers.advance(TYPING_THROTTLE_MS);
    assert.deepEqual(h.socket().sentOfType("typing"), [{ type: "typing", state: true }]);
  });

  test("typing stops by itself after a pause, and on send", () => {
    const h = setup();
    h.socket().hello();
    h.client.setTyping(true);
    h.timers.advance(TYPING_IDLE_MS);
    assert.deepEqual(h.socket().sentOfType("typing").map((f) => f.state), [true, false]);
    h.timers.advance(TYPING_THROTTLE_MS);
    h.client.setTyping(true);
    h.timers.advance(TYPING_THROTTLE_MS);
    h.client.send("done");
    assert.deepEqual(h.socket().sentOfType("typing").map((f) => f.state), [true, false, true, false]);
  });

  test("incoming typing is exposed and cleared when the socket drops", () => {
    const h = setup();
    h.socket().hello();
    h.socket().receive({ type: "typing", role: "moderator", state: true });
    assert.deepEqual(h.last().typing, { assistant: false, moderator: true });
    h.socket().receive({ type: "typing", role: "assistant", state: true });
    h.socket().receive({ type: "typing", role: "moderator", state: false });
    assert.deepEqual(h.last().typing, { assistant: true, moderator: false });
    h.socket().drop();
    assert.deepEqual(h.last().typing, { assistant: false, moderator: false });
  });
});

describe("consent", () => {
  test("consent_required keeps the message in the outbox, unsent, and asks for consent", () => {
    const h = setup();
    h.socket().hello();
    const clientId = h.client.send("my first words")!;
    h.socket().receive({ type: "error", code: "consent_required", detail: "no consent", client_id: clientId });
    assert.equal(h.last().consent, "required");
    assert.equal(h.last().notice, NOTICES.consent);
    const [shown] = h.last().messages;
    assert.equal(shown!.status, "sending");
    assert.equal(shown!.clientId, clientId);
    assert.match(h.storage.getItem(OUTBOX_KEY) ?? "", /my first words/);
  });

  test("messages wait while consent is required, across reconnects, and go out once it is given", () => {
    const h = setup();
    h.socket().hello();
    const first = h.client.send("first")!;
    h.socket().receive({ type: "error", code: "consent_required", detail: "", client_id: first });
    const second = h.client.send("second")!;
    h.socket().drop();
    h.timers.runNext();
    h.socket().hello();
    assert.deepEqual(h.socket().sentOfType("message.send"), [], "nothing is re-sent before consent");

    h.client.setConsent(true);
    assert.deepEqual(h.socket().sentOfType("message.send"), [
      { type: "message.send", client_id: first, text: "first" },
      { type: "message.send", client_id: second, text: "second" },
    ]);
    assert.equal(h.last().consent, "given");
    assert.equal(h.last().notice, null);
    h.socket().receive({ type: "message.ack", client_id: first, message: message({ id: "m1", seq: 1, client_id: first }) });
    assert.equal(h.last().messages.find((m) => m.clientId === first)!.status, "sent");
  });

  test("consent given while disconnected is used by the next hello", () => {
    const h = setup();
    h.socket().hello();
    const clientId = h.client.send("later")!;
    h.socket().receive({ type: "error", code: "consent_required", detail: "", client_id: clientId });
    h.socket().drop();
    h.client.setConsent(true);
    h.timers.runNext();
    h.socket().hello();
    assert.deepEqual(h.socket().sentOfType("message.send").map((f) => f.client_id), [clientId]);
  });

  test("learning that consent was already given sends nothing twice", () => {
    const h = setup();
    h.socket().hello();
    h.client.send("hello");
    assert.equal(h.last().consent, "unknown");
    h.client.setConsent(true);
    h.client.setConsent(true);
    assert.equal(h.socket().sentOfType("message.send").length, 1);
  });

  test("withdrawn consent holds new messages back", () => {
    const h = setup();
    h.socket().hello();
    h.client.setConsent(true);
    h.client.setConsent(false);
    h.client.send("not yet");
    assert.deepEqual(h.socket().sentOfType("message.send"), []);
    assert.equal(h.last().messages[0]!.status, "sending");
  });

  test("setNotice shows a notice from the page and clears it", () => {
    const h = setup();
    h.client.setNotice("from the privacy panel");
    assert.equal(h.last().notice, "from the privacy panel");
    h.client.setNotice(null);
    assert.equal(h.last().notice, null);
  });
});

describe("erasure", () => {
  function withHistory() {
    const h = setup();
    h.socket().hello("conv-1");
    h.client.setConsent(true);
    h.socket().receive({ type: "message.ack", client_id: "c1", message: message({ id: "m1", seq: 1, client_id: "c1" }) });
    h.socket().receive({ type: "reply.end", message: message({ id: "m2", seq: 2, role: "assistant", reply_to: "m1" }) });
    h.client.send("still in the outbox");
    assert.notEqual(h.storage.getItem(OUTBOX_KEY), null);
    return h;
  }

  test("privacy.erased clears the timeline and the outbox and asks for consent again", () => {
    const h = withHistory();
    h.socket().receive({ type: "privacy.erased" });
    assert.deepEqual(h.last().messages, []);
    assert.equal(h.storage.getItem(OUTBOX_KEY), null);
    assert.equal(h.last().notice, NOTICES.erased);
    assert.equal(h.last().consent, "required");
    assert.equal(h.last().erasures, 1);
    assert.equal(h.last().conversationId, null);
  });

  test("close 4410 after privacy.erased reconnects afresh: resume from 0, notice kept", () => {
    const h = withHistory();
    h.socket().receive({ type: "privacy.erased" });
    h.socket().drop(4410);
    assert.equal(h.last().connection, "reconnecting");
    assert.deepEqual(h.timers.pendingDelays(), [500]);
    h.timers.runNext();
    assert.equal(h.sockets.length, 2);
    h.socket().hello("conv-fresh");
    assert.equal(h.last().connection, "open");
    assert.equal(h.last().conversationId, "conv-fresh");
    assert.deepEqual(h.socket().sent, [{ type: "resume", after_seq: 0 }]);
    assert.equal(h.last().notice, NOTICES.erased);
    assert.equal(h.last().erasures, 1, "one erasure, however many ways it was heard of");
    assert.deepEqual(h.last().messages, []);
  });

  test("close 4410 alone also erases and reconnects, and is not an error", () => {
    const h = withHistory();
    h.socket().drop(4410);
    assert.deepEqual(h.last().messages, []);
    assert.equal(h.storage.getItem(OUTBOX_KEY), null);
    assert.equal(h.last().notice, NOTICES.erased);
    assert.equal(h.last().erasures, 1);
    h.timers.runNext();
    h.socket().hello("conv-fresh");
    assert.equal(h.last().connection, "open");
  });

  test("a refusal for want of a session right after an erasure is retried, not final", () => {
    const h = withHistory();
    h.socket().drop(4410);
    h.timers.runNext();
    // The browser did not have the new session cookie yet.
    h.socket().receive({ type: "error", code: "forbidden", detail: "no session" });
    h.socket().drop(4403);
    assert.equal(h.last().connection, "reconnecting");
    h.timers.runNext();
    h.socket().hello("conv-fresh");
    assert.equal(h.last().connection, "open");
    // Once connected again, forbidden is final as before.
    h.socket().drop(4403);
    assert.equal(h.last().connection, "closed");
  });

  test("reset (the erase request succeeded) wipes and reconnects at once", () => {
    const h = withHistory();
    const old = h.socket();
    h.client.reset();
    assert.equal(old.closed, true);
    assert.equal(h.sockets.length, 2);
    assert.deepEqual(h.last().messages, []);
    assert.equal(h.storage.getItem(OUTBOX_KEY), null);
    assert.equal(h.last().consent, "required");
    assert.equal(h.last().erasures, 1);
    old.receive({ type: "privacy.erased" }); // late, from the dropped socket: ignored
    old.drop(4410);
    assert.equal(h.sockets.length, 2);
    h.socket().hello("conv-fresh");
    assert.equal(h.last().conversationId, "conv-fresh");
    assert.equal(h.last().notice, NOTICES.erased);
  });

  test("after an erasure, consent given lets the person write again", () => {
    const h = withHistory();
    h.socket().receive({ type: "privacy.erased" });
    h.socket().drop(4410);
    h.timers.runNext();
    h.socket().hello("conv-fresh");
    h.client.send("starting over");
    assert.deepEqual(h.socket().sentOfType("message.send"), []);
    h.client.setConsent(true);
    assert.deepEqual(h.socket().sentOfType("message.send").map((f) => f.text), ["starting over"]);
  });
});

describe("unreadable messages", () => {
  test("the unreadable flag reaches the timeline, and a later readable copy clears it", () => {
    const h = setup();
    h.socket().hello();
    h.socket().receive({ type: "reply.end", message: message({ id: "m1", seq: 1, role: "assistant", text: "", unreadable: true }) });
    assert.equal(h.last().messages[0]!.unreadable, true);
    h.socket().receive({ type: "reply.end", message: message({ id: "m1", seq: 1, role: "assistant", text: "ok" }) });
    assert.equal(h.last().messages[0]!.unreadable, false);
  });
});
