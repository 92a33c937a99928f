import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { CannedReplies, chosenAfterEdit, withReply, type DraftBox } from "../src/moderation/canned";

const HELLO = "Hi, I'm from the support team. I'm here with you now.";

class FakeDraft implements DraftBox {
  focused = 0;
  selection: [number, number] | null = null;

  constructor(public value: string) {}

  focus(): void {
    this.focused += 1;
  }

  setSelectionRange(start: number, end: number): void {
    this.selection = [start, end];
  }
}

function picker(draftText = "") {
  const draft = new FakeDraft(draftText);
  const chosen = { value: "" };
  let typing = 0;
  const replies = new CannedReplies(draft, chosen, () => void (typing += 1));
  return { draft, chosen, replies, typing: () => typing };
}

describe("approved replies", () => {
  test("a reply replaces an empty box, and follows what is written after a blank line", () => {
    assert.equal(withReply("", HELLO), HELLO);
    assert.equal(withReply("  \n ", HELLO), HELLO);
    assert.equal(withReply("Thank you for telling me.", HELLO), `Thank you for telling me.\n\n${HELLO}`);
    assert.equal(withReply("Thank you.\n\n  ", HELLO), `Thank you.\n\n${HELLO}`);
  });

  test("the chosen reply is kept while anything is written and forgotten once the box is emptied", () => {
    assert.equal(chosenAfterEdit("Hi, I'm Sam", "7"), "7");
    assert.equal(chosenAfterEdit(" \n", "7"), "");
    assert.equal(chosenAfterEdit("", ""), "");
  });

  test("inserting puts the text in the box with the caret at its end, sets the reply's id and says it is typing",
    () => {
      const { draft, chosen, replies, typing } = picker("Thank you.");

      assert.equal(replies.insert({ id: "7", text: HELLO }), true);

      assert.equal(draft.value, `Thank you.\n\n${HELLO}`);
      assert.equal(draft.focused, 1);
      assert.deepEqual(draft.selection, [draft.value.length, draft.value.length]);
      assert.equal(chosen.value, "7");
      assert.equal(typing(), 1);
    });

  test("with nothing picked, nothing changes", () => {
    const { draft, chosen, replies, typing } = picker("my own words");

    assert.equal(replies.insert(null), false);
    assert.equal(replies.insert({ id: "", text: "" }), false);

    assert.equal(draft.value, "my own words");
    assert.equal(chosen.value, "");
    assert.equal(draft.focused, 0);
    assert.equal(typing(), 0);
  });

  test("editing keeps the reply counted; emptying the box forgets it, and writing again does not bring it back",
    () => {
      const { draft, chosen, replies } = picker();
      replies.insert({ id: "7", text: HELLO });

      draft.value = HELLO.replace("now", "tonight");
      replies.edited();
      assert.equal(chosen.value, "7");

      draft.value = "";
      replies.edited();
      assert.equal(chosen.value, "");

      draft.value = "Hello, it's Sam.";
      replies.edited();
      assert.equal(chosen.value, "");
    });
});
