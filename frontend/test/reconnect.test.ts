import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DEFAULT_BACKOFF, ReconnectingSocket, type SocketEvents } from "../src/reconnect";
import { FakeSocket, FakeTimers } from "./fakes";

function setup(options: { closed?: (code: number) => boolean; refuse?: () => boolean } = {}) {
  const timers = new FakeTimers();
  const sockets: FakeSocket[] = [];
  const heard: string[] = [];
  let urls = 0;
  const events: SocketEvents = {
    connecting: () => void heard.push("connecting"),
    created: () => void heard.push("created"),
    open: () => void heard.push("open"),
    message: (data) => void heard.push(`message ${String(data)}`),
    gone: () => void heard.push("gone"),
    closed: (code) => {
      heard.push(`closed ${code}`);
      return options.closed ? options.closed(code) : true;
    },
    retrying: (delay) => void heard.push(`retrying ${delay}`),
  };
  const link = new ReconnectingSocket(
    {
      url: () => `ws://test/${++urls}`,
      createSocket: (url) => {
        if (options.refuse?.()) throw new SyntaxError("refused");
        const socket = new FakeSocket(url);
        sockets.push(socket);
        return socket;
      },
      timers,
      random: () => 0,
      backoff: DEFAULT_BACKOFF,
    },
    events,
  );
  return { link, timers, sockets, heard, socket: () => sockets[sockets.length - 1]! };
}

describe("ReconnectingSocket", () => {
  test("a close brings a retry after the backoff, with the URL asked again", () => {
    const h = setup();
    h.link.connect();
    h.socket().onopen?.({});
    h.socket().receiveRaw("hi");
    h.socket().drop(1006);
    assert.deepEqual(h.heard, ["connecting", "created", "open", "message hi", "gone", "closed 1006", "retrying 500"]);
    assert.equal(h.link.current, null);
    h.timers.advance(500);
    assert.deepEqual(h.sockets.map((s) => s.url), ["ws://test/1", "ws://test/2"]);
  });

  test("a close the page calls final is not retried", () => {
    const h = setup({ closed: (code) => code !== 4403 });
    h.link.connect();
    h.socket().drop(4403);
    assert.equal(h.timers.pending, 0);
  });

  test("a dropped socket is closed and no longer heard", () => {
    const h = setup();
    h.link.connect();
    const old = h.socket();
    h.link.drop();
    assert.equal(old.closed, true);
    old.onmessage?.({ data: "late" });
    old.onclose?.({ code: 1006 });
    assert.deepEqual(h.heard, ["connecting", "created", "gone"]);
    assert.equal(h.timers.pending, 0, "dropping is not a reason to retry");
  });

  test("connecting again replaces the socket and cancels a pending retry", () => {
    const h = setup();
    h.link.connect();
    h.socket().drop();
    assert.equal(h.timers.pending, 1);
    assert.equal(h.link.connect(), true);
    assert.equal(h.timers.pending, 0);
    assert.equal(h.sockets.length, 2);
  });

  test("a socket that cannot be made is retried, each time later", () => {
    let failures = 2;
    const h = setup({ refuse: () => failures-- > 0 });
    assert.equal(h.link.connect(), false);
    assert.deepEqual(h.timers.pendingDelays(), [500]);
    h.timers.runNext();
    assert.deepEqual(h.timers.pendingDelays(), [1000]);
    h.timers.runNext();
    assert.equal(h.sockets.length, 1);
    h.link.resetBackoff();
    h.socket().drop();
    assert.deepEqual(h.timers.pendingDelays(), [500]);
  });

  test("send: false with no socket, or one that refuses", () => {
    const h = setup();
    assert.equal(h.link.send("x"), false);
    h.link.connect();
    assert.equal(h.link.send(JSON.stringify({ type: "resume", after_seq: 0 })), true);
    h.socket().closed = true;
    assert.equal(h.link.send("{}"), false);
  });
});
