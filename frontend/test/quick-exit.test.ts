import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { ESCAPES_WITHIN_MS, EscapeWatcher, leave, type KeyedStorage } from "../src/quick-exit";

function store(entries: Record<string, string>): KeyedStorage & { keys(): string[] } {
  const values = new Map(Object.entries(entries));
  return {
    get length() {
      return values.size;
    },
    key: (i) => [...values.keys()][i] ?? null,
    removeItem: (key) => void values.delete(key),
    keys: () => [...values.keys()],
  };
}

describe("quick exit", () => {
  test("forgets emochat's keys in every store, keeps the site's others, then replaces the page", () => {
    const session = store({ "emochat.outbox.v1": "[unsent words]", other: "x" });
    const local = store({ "emochat.country": "GB" });
    const visited: string[] = [];
    leave("https://neutral.example/", { stores: [session, local], replace: (url) => visited.push(url), now: () => 0 });
    assert.deepEqual(session.keys(), ["other"]);
    assert.deepEqual(local.keys(), []);
    assert.deepEqual(visited, ["https://neutral.example/"]);
  });

  test("Esc twice within a second leaves; once, or twice slowly, does not", () => {
    let now = 0;
    const escapes = new EscapeWatcher(() => now);
    assert.equal(escapes.press(), false);
    now += ESCAPES_WITHIN_MS + 1;
    assert.equal(escapes.press(), false);
    now += 300;
    assert.equal(escapes.press(), true);
    now += 100;
    assert.equal(escapes.press(), false); // a third press starts counting again
  });
});
