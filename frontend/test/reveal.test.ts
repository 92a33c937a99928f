import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DEFAULT_REVEAL_MS, FINISH_WITHIN_MS, pieceEnd, Reveal, revealPace } from "../src/reveal";
import { FakeTimers } from "./fakes";

const REPLY = "That sounds really heavy, and I'm glad you told me.";

function setup(paceMs = 70) {
  const timers = new FakeTimers();
  let changes = 0;
  const reveal = new Reveal({ timers, now: () => timers.now, paceMs, changed: () => (changes += 1) });
  return { timers, reveal, changes: () => changes };
}

/** Every step of `text`, as the page would show it. */
function pieces(text: string): string[] {
  const steps: string[] = [];
  for (let at = 0; at < text.length; ) {
    const end = pieceEnd(text, at);
    steps.push(text.slice(at, end));
    at = end;
  }
  return steps;
}

describe("pieceEnd", () => {
  test("steps a word at a time, with its spaces and punctuation", () => {
    assert.deepEqual(pieces("  That sounds heavy,  and\nI'm here. "), [
      "  That ",
      "sounds ",
      "heavy,  ",
      "and\n",
      "I'm ",
      "here. ",
    ]);
  });

  test("steps two Chinese characters at a time, and words of other scripts whole", () => {
    assert.deepEqual(pieces("听起来真的很难受。我在这里 OK？"), ["听起", "来真", "的很", "难受", "。我", "在这", "里 ", "OK", "？"]);
  });
});

describe("revealPace", () => {
  test("is the operator's setting, the default for none or nonsense, and none for reduced motion", () => {
    assert.equal(revealPace("120", false), 120);
    assert.equal(revealPace("0", false), 0);
    for (const setting of [undefined, "", " ", "fast", "-5"]) {
      assert.equal(revealPace(setting, false), DEFAULT_REVEAL_MS);
    }
    assert.equal(revealPace("120", true), 0);
  });
});

describe("Reveal", () => {
  test("shows the first word the moment it arrives, then one word per pace", () => {
    const { timers, reveal, changes } = setup();
    assert.equal(reveal.text("r", "", true), "");
    assert.equal(reveal.text("r", REPLY, true), "That ");
    assert.ok(reveal.writing("r"));

    timers.advance(69);
    assert.equal(reveal.text("r", REPLY, true), "That ");
    timers.advance(1);
    assert.equal(changes(), 1);
    assert.equal(reveal.text("r", REPLY, true), "That sounds ");
    timers.advance(70 * 2);
    assert.equal(reveal.text("r", REPLY, true), "That sounds really heavy, ");
  });

  test("a word that arrives after the reveal caught up is shown at once", () => {
    const { timers, reveal } = setup();
    assert.equal(reveal.text("r", "That ", true), "That ");
    timers.advance(500);
    assert.equal(reveal.text("r", "That sounds ", true), "That sounds ");
    assert.equal(reveal.text("r", "That sounds really ", true), "That sounds ", "but never two within one pace");
  });

  test("keeps its pace after the end arrives, then is done", () => {
    const { timers, reveal } = setup();
    reveal.text("r", "", true);
    assert.equal(reveal.text("r", REPLY, false), "That ");
    const steps = pieces(REPLY).length;
    timers.advance(70 * (steps - 2));
    assert.ok(reveal.text("r", REPLY, false).length < REPLY.length);
    assert.ok(reveal.writing("r"));
    timers.advance(70);
    assert.equal(reveal.text("r", REPLY, false), REPLY);
    assert.equal(reveal.writing("r"), false);
    assert.equal(timers.pending, 0);
  });

  test("a long reply is all shown within FINISH_WITHIN_MS of its end", () => {
    const { timers, reveal } = setup();
    const long = "word ".repeat(500);
    reveal.text("r", long, true);
    timers.advance(1_000);
    const before = reveal.text("r", long, false).length;
    timers.advance(FINISH_WITHIN_MS - 1);
    const almost = reveal.text("r", long, false).length;
    assert.ok(before < almost && almost < long.length, "it quickens, but still word by word");
    timers.advance(1);
    assert.equal(reveal.text("r", long, false), long);
    assert.equal(reveal.writing("r"), false);
  });

  test("a reply that starts over is revealed afresh", () => {
    const { timers, reveal } = setup();
    reveal.text("r", "", true);
    reveal.text("r", "I hear you, and ", true);
    timers.advance(70);
    assert.equal(reveal.text("r", "I hear you, and ", true), "I hear ");
    assert.equal(reveal.text("r", "", true), "", "a second reply.start empties it");
    assert.equal(reveal.text("r", "I'm here with you.", true), "I'm ");
    timers.advance(70);
    assert.equal(reveal.text("r", "I'm here with you.", true), "I'm here ");
  });

  test("a stored text that differs from what streamed carries on from what both share", () => {
    const { timers, reveal } = setup();
    reveal.text("r", "", true);
    reveal.text("r", "One two three ", true);
    timers.advance(70);
    assert.equal(reveal.text("r", "One two three ", true), "One two ");
    assert.equal(reveal.text("r", "One too three", false), "One too ");
  });

  test("Chinese is written two characters at a time", () => {
    const { timers, reveal } = setup();
    const text = "听起来真的很难受。";
    reveal.text("r", "", true);
    assert.equal(reveal.text("r", text, false), "听起");
    timers.advance(70);
    assert.equal(reveal.text("r", text, false), "听起来真");
    timers.advance(70 * 3);
    assert.equal(reveal.text("r", text, false), text);
  });

  test("messages not seen streaming (history, a resume) are shown whole", () => {
    const { timers, reveal } = setup();
    assert.equal(reveal.text("m", REPLY, false), REPLY);
    assert.equal(reveal.writing("m"), false);
    assert.equal(timers.pending, 0);
  });

  test("a pace of 0 (or reduced motion) shows text as it arrives", () => {
    const { timers, reveal } = setup(0);
    assert.equal(reveal.text("r", REPLY, true), REPLY);
    assert.equal(reveal.writing("r"), false);
    assert.equal(timers.pending, 0);
  });

  test("a forgotten reply stops its timer", () => {
    const { timers, reveal, changes } = setup();
    reveal.text("r", REPLY, true);
    reveal.forget("r");
    assert.equal(timers.pending, 0);
    timers.advance(1_000);
    assert.equal(changes(), 0);
    assert.equal(reveal.text("r", REPLY, false), REPLY);
  });
});
