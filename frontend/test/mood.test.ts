import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ApiError } from "../src/api";
import {
  chartData,
  checkinText,
  feelingCountText,
  isEmpty,
  leaningText,
  localDay,
  MoodApi,
  rangeFrom,
  readMoodData,
  tableRows,
} from "../src/mood/data";
import type { ResponseLike } from "../src/api";

const GROUPS = ["joy", "sadness", "fear", "anger", "surprise", "disgust", "neutral"];
const NONE = { joy: 0, sadness: 0, fear: 0, anger: 0, surprise: 0, disgust: 0, neutral: 0 };
const NO_SENTIMENT = { positive: 0, negative: 0, ambiguous: 0, neutral: 0 };
const CHOICES = [
  { value: 1, label: "Really low" },
  { value: 2, label: "Low" },
  { value: 3, label: "Okay" },
  { value: 4, label: "Good" },
  { value: 5, label: "Great" },
];

function emptyDay(date: string) {
  return { date, messages: 0, groups: { ...NONE }, sentiment: { ...NO_SENTIMENT }, balance: null, checkins: [] };
}

const BODY = {
  days: 7,
  timezone: "Europe/Paris",
  groups: GROUPS,
  series: [
    emptyDay("2026-11-14"),
    {
      date: "2026-11-15",
      messages: 3,
      groups: { ...NONE, joy: 1, sadness: 2 },
      sentiment: { ...NO_SENTIMENT, positive: 1, negative: 2 },
      balance: -0.333,
      checkins: [2, 3],
    },
    emptyDay("2026-11-16"),
    { ...emptyDay("2026-11-17"), checkins: [4] },
    emptyDay("2026-11-18"),
    emptyDay("2026-11-19"),
    {
      date: "2026-11-20",
      messages: 2,
      groups: { ...NONE, joy: 2 },
      sentiment: { ...NO_SENTIMENT, positive: 2 },
      balance: 1,
      checkins: [],
    },
  ],
  feelings: [
    { label: "sadness", count: 2 },
    { label: "joy", count: 1 },
  ],
  summary: ["This week, the feelings that came up most were sadness and joy."],
  checkin_choices: CHOICES,
};

const DAY = new Intl.DateTimeFormat("en-GB", { weekday: "short", day: "numeric", month: "short" });

describe("the mood page's data", () => {
  test("reads the server's answer", () => {
    const data = readMoodData(BODY);
    assert.ok(data);
    assert.equal(data.days, 7);
    assert.deepEqual(data.groups, GROUPS);
    assert.equal(data.series.length, 7);
    assert.deepEqual(data.series[1].checkins, [2, 3]);
    assert.deepEqual(data.feelings, BODY.feelings);
    assert.deepEqual(data.summary, BODY.summary);
    assert.deepEqual(data.checkinChoices, CHOICES);
  });

  test("refuses an answer that is not one", () => {
    for (const bad of [
      null,
      [],
      { ...BODY, series: "x" },
      { ...BODY, series: [{ ...emptyDay("2026-11-14"), date: "yesterday" }] },
      { ...BODY, series: [{ ...emptyDay("2026-11-14"), messages: -1 }] },
      { ...BODY, series: [{ ...emptyDay("2026-11-14"), groups: { joy: "1" } }] },
      { ...BODY, series: [{ ...emptyDay("2026-11-14"), balance: "light" }] },
      { ...BODY, groups: [1] },
    ]) {
      assert.equal(readMoodData(bad), null, JSON.stringify(bad));
    }
  });

  test("is empty with no message and no check-in in the range", () => {
    const data = readMoodData(BODY)!;
    assert.equal(isEmpty(data), false);
    assert.equal(isEmpty({ ...data, series: data.series.map((day) => ({ ...emptyDay(day.date) })) }), true);
    assert.equal(isEmpty({ ...data, series: [{ ...emptyDay("2026-11-14"), checkins: [3] }] }), false);
  });

  test("the table has a row for each day with a message or a check-in, in the chart's order", () => {
    const rows = tableRows(readMoodData(BODY)!, DAY);

    assert.deepEqual(
      rows.map((row) => [row.date, row.day, row.messages, row.groups, row.leaning, row.checkin]),
      [
        ["2026-11-15", "Sun 15 Nov", 3, [1, 2, 0, 0, 0, 0, 0], "Heavier", "Low, then Okay"],
        ["2026-11-17", "Tue 17 Nov", 0, [0, 0, 0, 0, 0, 0, 0], "—", "Good"],
        ["2026-11-20", "Fri 20 Nov", 2, [2, 0, 0, 0, 0, 0, 0], "Lighter", "—"],
      ],
    );
  });

  test("a day leans lighter or heavier only past the summary's threshold", () => {
    assert.deepEqual([1, 0.2, 0.19, 0, -0.19, -0.2, null].map(leaningText), [
      "Lighter",
      "Lighter",
      "Mixed",
      "Mixed",
      "Mixed",
      "Heavier",
      "—",
    ]);
  });

  test("check-ins are said in the answer's words", () => {
    assert.equal(checkinText([], CHOICES), "—");
    assert.equal(checkinText([5], CHOICES), "Great");
    assert.equal(checkinText([1, 9], CHOICES), "Really low, then 9");
  });

  test("the chart has every day at local midnight, each group's counts, and gaps where nothing was said", () => {
    const chart = chartData(readMoodData(BODY)!);

    assert.equal(chart.x.length, 7);
    assert.equal(chart.x[0], new Date(2026, 10, 14).getTime() / 1000);
    assert.equal(localDay("2026-11-20").getDate(), 20);
    assert.deepEqual(chart.groups[0], [null, 1, null, null, null, null, 2]);
    assert.deepEqual(chart.groups[1], [null, 2, null, null, null, null, 0]);
    assert.deepEqual(chart.balance, [null, -0.333, null, null, null, null, 1]);
    assert.deepEqual(chart.present, [true, true, false, false, false, false, false]);
  });

  test("the range comes from the address when it is one offered", () => {
    assert.equal(rangeFrom("?days=7"), 7);
    assert.equal(rangeFrom("?days=90&x=1"), 90);
    assert.equal(rangeFrom("?days=31"), 30);
    assert.equal(rangeFrom(""), 30);
  });

  test("counts of messages read naturally", () => {
    assert.equal(feelingCountText(1), "1 message");
    assert.equal(feelingCountText(4), "4 messages");
  });
});

describe("the mood page's API", () => {
  test("asks for the range in the browser's time zone", async () => {
    const calls: string[] = [];
    const api = new MoodApi({
      fetch: async (url): Promise<ResponseLike> => {
        calls.push(url);
        return { ok: true, status: 200, json: async () => BODY };
      },
      cookies: () => "",
      path: "/mood/data",
      timeZone: "America/Los_Angeles",
    });

    const data = await api.load(90);

    assert.equal(data.series.length, 7);
    assert.deepEqual(calls, ["/mood/data?days=90&tz=America%2FLos_Angeles"]);
  });

  test("a refusal keeps its status, so the page can tell 'no session' from a failure", async () => {
    const api = new MoodApi({
      fetch: async (): Promise<ResponseLike> => ({
        ok: false,
        status: 403,
        json: async () => ({ error: { code: "forbidden", detail: "Open the chat page first" } }),
      }),
      cookies: () => "",
      path: "/mood/data",
      timeZone: "UTC",
    });

    await assert.rejects(api.load(30), (error: unknown) => error instanceof ApiError && error.status === 403);
  });
});
