// The analytics page's chart data: read from the page's json_script element (analytics/tables.py chart_data), and
// turned into uPlot's columns. No DOM: tested in Node.

import { isObject } from "../api";
import { messages, nameOf } from "../i18n";

export interface AnalyticsData {
  /** Calendar days in the viewer's time zone, "YYYY-MM-DD", oldest first. */
  days: string[];
  roles: string[];
  /** role → a count for each day. */
  messages: Record<string, number[]>;
  groups: string[];
  /** emotion group → a count for each day. */
  emotions: Record<string, number[]>;
}

function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0;
}

function strings(value: unknown): string[] | null {
  return Array.isArray(value) && value.every((item) => typeof item === "string") ? [...value] : null;
}

function columns(value: unknown, keys: string[], length: number): Record<string, number[]> | null {
  if (!isObject(value)) return null;
  const result: Record<string, number[]> = {};
  for (const key of keys) {
    const counts = value[key];
    if (!Array.isArray(counts) || counts.length !== length || !counts.every(isCount)) return null;
    result[key] = [...counts];
  }
  return result;
}

/** Validates the page's chart data; null if it is not that. */
export function readAnalyticsData(value: unknown): AnalyticsData | null {
  if (!isObject(value)) return null;
  const days = strings(value.days);
  const roles = strings(value.roles);
  const groups = strings(value.groups);
  if (!days || !roles || !groups || !days.every((day) => /^\d{4}-\d{2}-\d{2}$/.test(day))) return null;
  const perRole = columns(value.messages, roles, days.length);
  const perGroup = columns(value.emotions, groups, days.length);
  if (!perRole || !perGroup) return null;
  return { days, roles, messages: perRole, groups, emotions: perGroup };
}

/** Midnight of a "YYYY-MM-DD" day in the browser's zone, in seconds, as uPlot's time axis wants it. */
export function daySeconds(day: string): number {
  const [year, month, date] = day.split("-").map(Number);
  return new Date(year, month - 1, date).getTime() / 1000;
}

export type ChartKind = "messages" | "emotions";

export interface Series {
  key: string;
  label: string;
  values: number[];
}

export interface ChartColumns {
  x: number[];
  series: Series[];
}

/** One chart's columns: the x axis, and a line for each role or group with anything in the range (a line of
 * zeros says nothing, and the table has every column). */
export function chartColumns(data: AnalyticsData, kind: ChartKind): ChartColumns {
  const text = messages().analytics;
  const keys = kind === "messages" ? data.roles : data.groups;
  const values = kind === "messages" ? data.messages : data.emotions;
  const names = kind === "messages" ? text.roles : text.groups;
  return {
    x: data.days.map(daySeconds),
    series: keys
      .filter((key) => values[key].some((count) => count > 0))
      .map((key) => ({ key, label: nameOf(names, key), values: values[key] })),
  };
}
