// Test doubles for the client's injected dependencies.
import type { ResponseLike } from "../src/api";
import { ChatClient, type ChatState, type ConnectionState, type Timers, type WebSocketLike } from "../src/client";
import { createMemoryStorage, type StorageLike } from "../src/outbox";
import type { ClientFrame, Message } from "../src/protocol";

interface Task {
  at: number;
  delay: number;
  callback: () => void;
}

/** Timers that only move when the test says so. */
export class FakeTimers implements Timers {
  now = 0;
  private nextId = 1;
  private readonly tasks = new Map<number, Task>();

  setTimeout = (callback: () => void, ms: number): number => {
    const id = this.nextId++;
    this.tasks.set(id, { at: this.now + ms, delay: ms, callback });
    return id;
  };

  clearTimeout = (id: number): void => {
    this.tasks.delete(id);
  };

  /** Delays of the timers still pending, in the order they were set. */
  pendingDelays(): number[] {
    return [...this.tasks.values()].map((task) => task.delay);
  }

  get pending(): number {
    return this.tasks.size;
  }

  /** Moves time forward, running every timer that falls due (in due order). */
  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      const next = this.nextDue(end);
      if (!next) break;
      this.tasks.delete(next[0]);
      this.now = next[1].at;
      next[1].callback();
    }
    this.now = end;
  }

  /** Runs the earliest pending timer, whatever its delay. */
  runNext(): void {
    const next = this.nextDue(Infinity);
    if (!next) throw new Error("no timer pending");
    this.advance(next[1].at - this.now);
  }

  private nextDue(limit: number): [number, Task] | undefined {
    let best: [number, Task] | undefined;
    for (const entry of this.tasks) {
      if (entry[1].at <= limit && (!best || entry[1].at < best[1].at)) best = entry;
    }
    return best;
  }
}

/** A socket the test drives from the server's side. */
export class FakeSocket implements WebSocketLike {
  onopen: WebSocketLike["onopen"] = null;
  onmessage: WebSocketLike["onmessage"] = null;
  onclose: WebSocketLike["onclose"] = null;
  onerror: WebSocketLike["onerror"] = null;
  readonly sent: ClientFrame[] = [];
  closed = false;

  constructor(readonly url: string) {}

  send(data: string): void {
    if (this.closed) throw new Error("send on a closed socket");
    this.sent.push(JSON.parse(data) as ClientFrame);
  }

  close(): void {
    this.closed = true;
  }

  // Server side.

  receive(frame: object): void {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }

  receiveRaw(data: unknown): void {
    this.onmessage?.({ data });
  }

  hello(conversationId = "conv-1", lastSeq = 0): void {
    this.onopen?.({});
    this.receive({ type: "hello", conversation_id: conversationId, last_seq: lastSeq });
  }

  drop(code = 1006): void {
    this.closed = true;
    this.onclose?.({ code });
  }

  sentOfType<T extends ClientFrame["type"]>(type: T): Extract<ClientFrame, { type: T }>[] {
    return this.sent.filter((frame): frame is Extract<ClientFrame, { type: T }> => frame.type === type);
  }
}

export interface Harness {
  client: ChatClient;
  timers: FakeTimers;
  sockets: FakeSocket[];
  storage: StorageLike;
  /** Connection states as they changed, in order. */
  states: ConnectionState[];
  last(): ChatState;
  socket(): FakeSocket;
}

export interface SetupOptions {
  storage?: StorageLike;
  random?: () => number;
  /** Call start() at once (default true). */
  start?: boolean;
  /** When this returns true, creating a socket throws (as `new WebSocket` does for a bad URL). */
  refuse?: () => boolean;
  url?: string | (() => string);
}

export function setup(options: SetupOptions = {}): Harness {
  const timers = new FakeTimers();
  const sockets: FakeSocket[] = [];
  const storage = options.storage ?? createMemoryStorage();
  let ids = 0;
  const client = new ChatClient({
    url: options.url ?? "ws://chat.test/ws/chat/",
    createSocket: (url) => {
      if (options.refuse?.()) throw new SyntaxError("refused");
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    timers,
    random: options.random ?? (() => 0),
    storage,
    uuid: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, "0")}`,
  });
  const states: ConnectionState[] = [];
  client.subscribe((state) => {
    if (states[states.length - 1] !== state.connection) states.push(state.connection);
  });
  if (options.start !== false) client.start();
  return {
    client,
    timers,
    sockets,
    storage,
    states,
    last: () => client.getState(),
    socket: () => {
      const socket = sockets[sockets.length - 1];
      if (!socket) throw new Error("no socket was created");
      return socket;
    },
  };
}

export function message(fields: Partial<Message> & Pick<Message, "id" | "seq">): Message {
  return {
    role: "user",
    text: `text of ${fields.id}`,
    created_at: "2026-11-21T10:00:00.000000+00:00",
    client_id: null,
    reply_to: null,
    emotion: null,
    unreadable: false,
    feedback: null,
    ...fields,
  };
}

export interface Call {
  url: string;
  init: RequestInit;
}

/** A fetch that answers from a list and records what it was asked. */
export function fakeFetch(...answers: Array<{ status: number; body?: unknown } | Error>) {
  const calls: Call[] = [];
  const fetch = async (url: string, init: RequestInit): Promise<ResponseLike> => {
    calls.push({ url, init });
    const answer = answers.shift();
    if (!answer) throw new Error("unexpected request");
    if (answer instanceof Error) throw answer;
    return {
      ok: answer.status >= 200 && answer.status < 300,
      status: answer.status,
      json: async () => {
        if (answer.body === undefined) throw new SyntaxError("not JSON");
        return answer.body;
      },
    };
  };
  return { fetch, calls };
}
