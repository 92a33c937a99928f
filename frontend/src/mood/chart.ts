// The mood chart, drawn by uPlot on a canvas: one line per feeling group (how many messages each day were read
// so), and a dashed line for whether each day leaned lighter or heavier. Its colours are the page's (mood.css),
// read when it is drawn, so it follows a change to dark mode when drawn again.
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { messages } from "../i18n";
import { chartData, dayFormat, groupTitle, shortDayFormat, type MoodData } from "./data";

export interface ChartColours {
  text: string;
  grid: string;
  balance: string;
  groups: Record<string, string>;
}

/** The colours mood.css gives the chart, from its custom properties. */
export function chartColours(element: Element, groups: readonly string[]): ChartColours {
  const style = getComputedStyle(element);
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    text: read("--fg", "#1f2328"),
    grid: read("--mood-grid", "#dcd8d2"),
    balance: read("--mood-balance", "#5b6370"),
    groups: Object.fromEntries(groups.map((group) => [group, read(`--mood-${group}`, "#3d6b8f")])),
  };
}

const HEIGHT_PHONE = 240;
const HEIGHT_WIDE = 300;
const WIDE_FROM = 640;
/** The least room a day's label on the x axis needs, in CSS pixels. */
const DAY_LABEL_SPACE = 72;

function heightFor(width: number): number {
  return width >= WIDE_FROM ? HEIGHT_WIDE : HEIGHT_PHONE;
}

/** Every day's tick when they fit, else every other, every third…, counted back from the latest day. */
function daySplits(x: readonly number[], width: number): number[] {
  const step = Math.max(1, Math.ceil((x.length * DAY_LABEL_SPACE) / Math.max(width, 1)));
  return x.filter((_, index) => (x.length - 1 - index) % step === 0);
}

export interface MoodChart {
  resize(width: number): void;
  destroy(): void;
}

/** Draws `data` into `container`, `width` CSS pixels wide. */
export function drawChart(container: HTMLElement, data: MoodData, colours: ChartColours, width: number): MoodChart {
  const text = messages().mood;
  const balanceTicks: Record<number, string> = { [-1]: text.ticks.heavier, 0: text.ticks.even, 1: text.ticks.lighter };
  const days = dayFormat();
  const shortDays = shortDayFormat();
  const series = chartData(data);
  // Only the groups read in these days: a line of nothing says nothing, and the table has every column.
  const shown = data.groups.map((_, index) => index).filter((index) => series.present[index]);
  const font = "12px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
  const axis = {
    stroke: colours.text,
    font,
    labelFont: font,
    grid: { stroke: colours.grid, width: 1 },
    ticks: { stroke: colours.grid, width: 1 },
  };
  const options: uPlot.Options = {
    width,
    height: heightFor(width),
    scales: {
      x: { time: true },
      count: { auto: true, range: (_self, _min, max) => [0, Math.max(2, Math.ceil(max ?? 0))] },
      balance: { auto: false, range: [-1, 1] },
    },
    axes: [
      {
        ...axis,
        splits: (self) => daySplits(series.x, self.bbox.width / (window.devicePixelRatio || 1)),
        values: (_self, splits) => splits.map((seconds) => shortDays.format(new Date(seconds * 1000))),
      },
      {
        ...axis,
        scale: "count",
        label: text.axisMessages,
        incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500],
        values: (_self, splits) => splits.map((value) => (Number.isInteger(value) ? String(value) : "")),
      },
      {
        ...axis,
        scale: "balance",
        side: 1,
        grid: { show: false },
        splits: () => [-1, 0, 1],
        values: (_self, splits) => splits.map((value) => balanceTicks[value] ?? ""),
        size: 64,
      },
    ],
    series: [
      {
        label: text.axisDay,
        value: (_self, seconds) => (seconds == null ? text.none : days.format(new Date(seconds * 1000))),
      },
      ...shown.map((index): uPlot.Series => ({
        label: groupTitle(data.groups[index]),
        scale: "count",
        stroke: colours.groups[data.groups[index]],
        width: 2,
        spanGaps: true,
        points: { show: true, size: 5, fill: colours.groups[data.groups[index]] },
      })),
      {
        label: text.balance,
        scale: "balance",
        stroke: colours.balance,
        width: 2,
        dash: [6, 4],
        spanGaps: true,
        points: { show: true, size: 4, fill: colours.balance },
        value: (_self, value) => (value == null ? text.none : value.toFixed(2)),
      },
    ],
    cursor: { drag: { x: false, y: false, setScale: false } },
    // The names only: the numbers are in the table.
    legend: { show: true, live: false },
  };
  const plot = new uPlot(options, [series.x, ...shown.map((index) => series.groups[index]), series.balance], container);
  return {
    resize: (next) => plot.setSize({ width: next, height: heightFor(next) }),
    destroy: () => plot.destroy(),
  };
}
