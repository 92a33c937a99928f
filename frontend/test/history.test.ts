import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  HistoryState,
  NewConversationPrompt,
  historyDate,
  historyLabel,
  historyTitle,
} from "../src/history";
import type { ConversationSummary } from "../src/protocol";
import { readServerFrame } from "../src/protocol-read";
import { en } from "../src/i18n";
import { setup } from "./fakes";

function summary(fields: Partial<ConversationSummary> & Pick<ConversationSummary, "id">): ConversationSummary {
  return {
    created_at: "2026-11-20T09:00:00+00:00",
    last_activity_at: "2026-11-20T10:00:00+00:00",
    title: `words of ${fields.id}`,
    message_count: 2,
    mood: null,
    current: false,
    ...fields,
  };
}

function history(connected = { list: true, open: true }) {
  const asked = { list: 0, open: [] as string[] };
  const state = new HistoryState({
    list: () => {
      asked.list += 1;
      return connected.list;
    },
    open: (id) => {
      asked.open.push(id);
      return connected.open;
    },
  });
  return { state, asked };
}

describe("past conversations", () => {
  test("showing asks for the list, which is drawn once it arrives", () => {
    const { state, asked } = history();
    state.show();
    assert.equal(state.status, "loading");
    state.received([summary({ id: "b", current: true }), summary({ id: "a" })]);
    assert.equal(state.status, "ready");
    assert.deepEqual(state.items.map((item) => item.id), ["b", "a"]);
    assert.equal(asked.list, 1);
  });

  test("offline, the panel says so and nothing is asked for later", () => {
    const { state } = history({ list: false, open: false });
    state.show();
    assert.equal(state.status, "offline");
  });

  test("a list arriving after the panel closed does not reopen it", () => {
    const { state } = history();
    state.show();
    state.hide();
    state.received([summary({ id: "a" })]);
    assert.equal(state.shown, false);
  });

  test("choosing a past conversation asks for it, and its hello closes the panel and marks it current", () => {
    const { state, asked } = history();
    state.show();
    state.received([summary({ id: "b", current: true }), summary({ id: "a" })]);
    assert.equal(state.choose("a"), true);
    assert.deepEqual(asked.open, ["a"]);
    assert.equal(state.opening, "a");
    assert.equal(state.entered("a"), true);
    assert.equal(state.shown, false);
    assert.equal(state.opening, null);
    assert.deepEqual(state.items.map((item) => item.current), [false, true]);
  });

  test("choosing the current conversation just closes the panel", () => {
    const { state, asked } = history();
    state.show();
    state.received([summary({ id: "b", current: true })]);
    assert.equal(state.choose("b"), false);
    assert.deepEqual(asked.open, []);
    assert.equal(state.shown, false);
  });

  test("a refused conversation keeps the person where they are, says so and asks for the list again", () => {
    const { state, asked } = history();
    state.show();
    state.received([summary({ id: "b", current: true }), summary({ id: "gone" })]);
    state.choose("gone");
    state.refused();
    assert.equal(state.opening, null);
    assert.equal(state.notice, en.history.notFound);
    assert.equal(state.status, "loading");
    assert.equal(asked.list, 2);
  });

  test("rows read as the person's first words, a date and a mood", () => {
    const now = new Date("2026-11-30T12:00:00Z");
    const item = summary({ id: "a", title: null, mood: "sadness", current: true });
    assert.equal(historyTitle(item), en.history.untitled);
    const date = historyDate(item.last_activity_at, now, "en-GB");
    assert.match(date, /20 Nov 2026/);
    assert.equal(historyLabel(item, date), `${en.history.untitled}, ${date}, mood: sadness, current conversation`);
    assert.equal(historyDate("not a date", now), "");
  });
});

describe("new conversation prompt", () => {
  test("nothing starts until the person confirms, and cancel starts nothing", () => {
    const prompt = new NewConversationPrompt();
    let starts = 0;
    const start = () => (starts += 1) > 0;
    assert.equal(prompt.confirm(start), false);
    prompt.ask();
    prompt.cancel();
    assert.equal(prompt.confirm(start), false);
    assert.equal(starts, 0);
    prompt.ask();
    assert.equal(prompt.confirm(start), true);
    assert.equal(starts, 1);
    assert.equal(prompt.asking, false);
  });

  test("a start that could not go out keeps the prompt", () => {
    const prompt = new NewConversationPrompt();
    prompt.ask();
    assert.equal(prompt.confirm(() => false), false);
    assert.equal(prompt.asking, true);
  });
});

describe("the client and the list", () => {
  test("asks for the list only when connected, and hands it over", () => {
    const h = setup();
    assert.equal(h.client.listConversations(), false);
    h.socket().hello("conv-2");
    const answers: unknown[] = [];
    h.client.onConversations((answer) => answers.push(answer));
    assert.equal(h.client.listConversations(), true);
    assert.deepEqual(h.socket().sentOfType("conversations.list"), [{ type: "conversations.list" }]);
    h.socket().receive({ type: "conversations", conversations: [{ id: "conv-2", current: true, title: "hi" }, 7] });
    assert.equal(answers.length, 1);
    assert.deepEqual((answers[0] as ConversationSummary[]).map((item) => [item.id, item.title, item.current]), [
      ["conv-2", "hi", true],
    ]);
  });

  test("reopening waits for the conversation's hello and resumes its history from the start", () => {
    const h = setup();
    h.socket().hello("conv-2", 3);
    assert.equal(h.client.openConversation("conv-1"), true);
    assert.deepEqual(h.socket().sentOfType("conversation.open"), [{ type: "conversation.open", id: "conv-1" }]);
    h.client.send("waits for the hello");
    assert.equal(h.socket().sentOfType("message.send").length, 0);
    h.socket().receive({ type: "hello", conversation_id: "conv-1", last_seq: 5 });
    assert.equal(h.last().conversationId, "conv-1");
    assert.deepEqual(h.socket().sentOfType("resume").at(-1), { type: "resume", after_seq: 0 });
    assert.equal(h.socket().sentOfType("message.send").length, 1);
  });

  test("a refused reopen leaves the page in its conversation, ready to write", () => {
    const h = setup();
    h.socket().hello("conv-2");
    const answers: unknown[] = [];
    h.client.onConversations((answer) => answers.push(answer));
    h.client.openConversation("someone-elses");
    h.socket().receive({ type: "error", code: "not_found", detail: "no" });
    assert.deepEqual(answers, ["not_found"]);
    assert.equal(h.last().notice, null);
    h.client.send("still here");
    assert.equal(h.socket().sentOfType("message.send").length, 1);
    assert.equal(h.last().conversationId, "conv-2");
  });

  test("the frame is read loosely: a bad row is dropped, a bad list is no frame", () => {
    assert.equal(readServerFrame({ type: "conversations", conversations: "no" }), null);
    const frame = readServerFrame({ type: "conversations", conversations: [{ id: "a", mood: "", title: " " }] });
    assert.deepEqual(frame, {
      type: "conversations",
      conversations: [{ id: "a", created_at: "", last_activity_at: "", title: null, message_count: 0, mood: null,
        current: false }],
    });
  });
});
