import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { chartColumns, daySeconds, readAnalyticsData } from "../src/analytics/data";
import { setLocale } from "../src/i18n";

const GROUPS = ["joy", "sadness", "fear", "anger", "surprise", "disgust", "neutral"];

function page() {
  return {
    days: ["2026-03-01", "2026-03-02"],
    roles: ["user", "assistant", "moderator"],
    messages: { user: [2, 1], assistant: [2, 0], moderator: [0, 0] },
    groups: GROUPS,
    emotions: Object.fromEntries(GROUPS.map((group) => [group, group === "sadness" ? [1, 1] : [0, 0]])),
  };
}

describe("the analytics page's chart data", () => {
  test("reads what the server renders into the page", () => {
    const data = readAnalyticsData(page());
    assert.ok(data);
    assert.deepEqual(data.days, ["2026-03-01", "2026-03-02"]);
    assert.deepEqual(data.messages.user, [2, 1]);
  });

  test("refuses anything else", () => {
    assert.equal(readAnalyticsData(null), null);
    assert.equal(readAnalyticsData({ ...page(), days: ["March 1"] }), null);
    assert.equal(readAnalyticsData({ ...page(), messages: { user: [2], assistant: [2, 0], moderator: [0, 0] } }), null);
    const negative = { user: [-1, 1], assistant: [2, 0], moderator: [0, 0] };
    assert.equal(readAnalyticsData({ ...page(), messages: negative }), null);
  });

  test("draws a line only for what the range has, named in the page's language", () => {
    setLocale("en");
    const data = readAnalyticsData(page())!;
    const messages = chartColumns(data, "messages");
    assert.deepEqual(messages.x, [daySeconds("2026-03-01"), daySeconds("2026-03-02")]);
    assert.deepEqual(messages.series.map((line) => [line.key, line.label, line.values]), [
      ["user", "People", [2, 1]],
      ["assistant", "Assistant", [2, 0]],
    ]);
    setLocale("zh");
    assert.deepEqual(chartColumns(data, "emotions").series.map((line) => line.label), ["难过"]);
    setLocale("en");
  });

  test("days are the browser's midnights", () => {
    assert.equal(daySeconds("2026-03-02") - daySeconds("2026-03-01"), 24 * 3600);
  });
});
