// The mood page's data (GET /mood/data): reading the server's answer, and what the chart, the table and the
// feelings list draw from it. No DOM: tested in Node.

import { ApiError, isObject, requestJson, type ApiDeps } from "../api";
import type { CheckinChoice } from "../checkin";
import { formatted, intlLocale, messages, nameOf } from "../i18n";

export const RANGES = [7, 30, 90] as const;
export type Range = (typeof RANGES)[number];
export const DEFAULT_RANGE: Range = 30;

/** A feeling group's name as the page shows it ("Joy"); a group the catalogue does not know keeps its own word. */
export function groupTitle(group: string): string {
  return nameOf(messages().mood.groups, group);
}

export interface MoodDay {
  /** The person's own calendar day, "YYYY-MM-DD". */
  date: string;
  messages: number;
  groups: Record<string, number>;
  sentiment: Record<string, number>;
  /** From -1 (every message read as heavy) to 1 (every one light); null on a day without messages. */
  balance: number | null;
  /** Check-in values of the day, in order. */
  checkins: number[];
}

export interface Feeling {
  label: string;
  count: number;
}

export interface MoodData {
  days: number;
  groups: string[];
  series: MoodDay[];
  feelings: Feeling[];
  summary: string[];
  checkinChoices: CheckinChoice[];
}

function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0;
}

function counts(value: unknown): Record<string, number> | null {
  if (!isObject(value)) return null;
  const result: Record<string, number> = {};
  for (const [key, count] of Object.entries(value)) {
    if (!isCount(count)) return null;
    result[key] = count;
  }
  return result;
}

function readDay(value: unknown): MoodDay | null {
  if (!isObject(value) || typeof value.date !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(value.date)) return null;
  const groups = counts(value.groups);
  const sentiment = counts(value.sentiment);
  const balance = value.balance === null ? null : typeof value.balance === "number" ? value.balance : undefined;
  const checkins = Array.isArray(value.checkins) && value.checkins.every(isCount) ? [...value.checkins] : null;
  if (!groups || !sentiment || balance === undefined || !checkins || !isCount(value.messages)) return null;
  return { date: value.date, messages: value.messages, groups, sentiment, balance, checkins };
}

/** Validates the body of GET /mood/data; null if it is not one. */
export function readMoodData(value: unknown): MoodData | null {
  if (!isObject(value) || !isCount(value.days) || !Array.isArray(value.series)) return null;
  const groups = Array.isArray(value.groups) && value.groups.every((g) => typeof g === "string") ? value.groups : null;
  const series = value.series.map(readDay);
  if (!groups || series.some((day) => day === null)) return null;
  const feelings = Array.isArray(value.feelings)
    ? value.feelings.filter(
        (item): item is Feeling => isObject(item) && typeof item.label === "string" && isCount(item.count),
      ).map(({ label, count }) => ({ label, count }))
    : [];
  const summary = Array.isArray(value.summary) ? value.summary.filter((s): s is string => typeof s === "string") : [];
  const checkinChoices = Array.isArray(value.checkin_choices)
    ? value.checkin_choices.filter(
        (item): item is CheckinChoice => isObject(item) && isCount(item.value) && typeof item.label === "string",
      ).map(({ value, label }) => ({ value, label }))
    : [];
  return { days: value.days, groups: [...groups], series: series as MoodDay[], feelings, summary, checkinChoices };
}

/** Nothing in the range: no message read and no check-in. */
export function isEmpty(data: MoodData): boolean {
  return data.series.every((day) => day.messages === 0 && day.checkins.length === 0);
}

/** How far from even a day's balance must be to be called lighter or heavier (as the summary does). */
export const LEAN = 0.2;

/** A day's leaning in a word, for the table. */
export function leaningText(balance: number | null): string {
  const text = messages().mood;
  if (balance === null) return text.none;
  if (balance >= LEAN) return text.leaning.lighter;
  if (balance <= -LEAN) return text.leaning.heavier;
  return text.leaning.mixed;
}

/** A day's check-ins in words, e.g. "Low, then Okay"; "—" for none. */
export function checkinText(values: readonly number[], choices: readonly CheckinChoice[]): string {
  const text = messages().mood;
  if (values.length === 0) return text.none;
  const label = (value: number) => choices.find((choice) => choice.value === value)?.label ?? String(value);
  return text.checkins(values.map(label));
}

/** A calendar day at local midnight: the chart's x and the table's dates are the person's own days. */
export function localDay(date: string): Date {
  const [year, month, day] = date.split("-").map(Number);
  return new Date(year, month - 1, day);
}

/** e.g. "Mon 3 Nov", in the page's language (the browser's own for English). */
export function dayFormat(): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat(intlLocale(), { weekday: "short", day: "numeric", month: "short" });
}

/** e.g. "3 Nov": the chart's axis, where room is short. */
export function shortDayFormat(): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat(intlLocale(), { day: "numeric", month: "short" });
}

export function dayText(date: string, format: Intl.DateTimeFormat = dayFormat()): string {
  return formatted(format.format(localDay(date)));
}

export interface TableRow {
  date: string;
  day: string;
  messages: number;
  /** Counts in the order of `MoodData.groups`. */
  groups: number[];
  leaning: string;
  checkin: string;
}

/** The table's rows: the days with a message or a check-in, oldest first, as the chart reads left to right. */
export function tableRows(data: MoodData, format: Intl.DateTimeFormat = dayFormat()): TableRow[] {
  return data.series
    .filter((day) => day.messages > 0 || day.checkins.length > 0)
    .map((day) => ({
      date: day.date,
      day: dayText(day.date, format),
      messages: day.messages,
      groups: data.groups.map((group) => day.groups[group] ?? 0),
      leaning: leaningText(day.balance),
      checkin: checkinText(day.checkins, data.checkinChoices),
    }));
}

export interface ChartData {
  /** Each day's local midnight, in seconds (uPlot's time scale). */
  x: number[];
  /** Per group (in the order of `MoodData.groups`), its count each day; null on days without messages, so the
   * lines join the days something was said rather than lie along zero between them. */
  groups: (number | null)[][];
  /** Each day's balance; null (a gap) on days without messages. */
  balance: (number | null)[];
  /** Whether any day of the range has a message in the group: a flat line of zeros is left out of the chart. */
  present: boolean[];
}

export function chartData(data: MoodData): ChartData {
  const x = data.series.map((day) => localDay(day.date).getTime() / 1000);
  const groups = data.groups.map((group) =>
    data.series.map((day) => (day.messages > 0 ? (day.groups[group] ?? 0) : null)),
  );
  return {
    x,
    groups,
    balance: data.series.map((day) => day.balance),
    present: groups.map((values) => values.some((count) => count !== null && count > 0)),
  };
}

/** A feeling and how often, e.g. "5 messages". */
export function feelingCountText(count: number): string {
  return messages().mood.feelingCount(count);
}

/** The range asked for in the page's address (`?days=`), if it is one the page offers. */
export function rangeFrom(search: string): Range {
  const days = Number(new URLSearchParams(search).get("days"));
  return (RANGES as readonly number[]).includes(days) ? (days as Range) : DEFAULT_RANGE;
}

export interface MoodApiDeps extends ApiDeps {
  /** GET /mood/data, e.g. "/mood/data". */
  path: string;
  /** The browser's time zone (`Intl.DateTimeFormat().resolvedOptions().timeZone`), so days are the person's. */
  timeZone: string;
}

export class MoodApi {
  constructor(private readonly deps: MoodApiDeps) {}

  async load(days: Range): Promise<MoodData> {
    const query = new URLSearchParams({ days: String(days), tz: this.deps.timeZone });
    const data = readMoodData(await requestJson(this.deps, "GET", `${this.deps.path}?${query}`));
    if (!data) throw new ApiError("bad_response", 200, "unexpected mood data");
    return data;
  }
}
