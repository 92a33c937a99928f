// The analytics page's charts, drawn by uPlot on a canvas as the mood page's are: one line per role or emotion
// group. Colours come from analytics.css (custom properties, light and dark), read when a chart is drawn.
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { intlLocale, messages } from "../i18n";
import type { ChartColumns } from "./data";

const HEIGHT = 260;
const DAY_LABEL_SPACE = 72;
const FONT = "12px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";

export interface Colours {
  text: string;
  grid: string;
  line: (key: string) => string;
}

/** The colours analytics.css gives `element`: the admin's text and hairline colours, and one per line. */
export function coloursOf(element: Element): Colours {
  const style = getComputedStyle(element);
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    text: read("--body-fg", "#333333"),
    grid: read("--hairline-color", "#e8e8e8"),
    line: (key) => read(`--analytics-${key}`, "#3d6b8f"),
  };
}

/** Every day's tick when they fit, else every other, every third…, counted back from the latest day. */
function daySplits(x: readonly number[], width: number): number[] {
  const step = Math.max(1, Math.ceil((x.length * DAY_LABEL_SPACE) / Math.max(width, 1)));
  return x.filter((_, index) => (x.length - 1 - index) % step === 0);
}

export interface Chart {
  resize(width: number): void;
  destroy(): void;
}

export function drawChart(container: HTMLElement, columns: ChartColumns, colours: Colours, width: number): Chart {
  const text = messages().analytics;
  const days = new Intl.DateTimeFormat(intlLocale(), { weekday: "short", day: "numeric", month: "short" });
  const shortDays = new Intl.DateTimeFormat(intlLocale(), { day: "numeric", month: "short" });
  const axis = {
    stroke: colours.text,
    font: FONT,
    labelFont: FONT,
    grid: { stroke: colours.grid, width: 1 },
    ticks: { stroke: colours.grid, width: 1 },
  };
  const options: uPlot.Options = {
    width,
    height: HEIGHT,
    scales: {
      x: { time: true },
      y: { auto: true, range: (_self, _min, max) => [0, Math.max(2, Math.ceil(max ?? 0))] },
    },
    axes: [
      {
        ...axis,
        splits: (self) => daySplits(columns.x, self.bbox.width / (window.devicePixelRatio || 1)),
        values: (_self, splits) => splits.map((seconds) => shortDays.format(new Date(seconds * 1000))),
      },
      {
        ...axis,
        label: text.axisMessages,
        incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000],
        values: (_self, splits) => splits.map((value) => (Number.isInteger(value) ? String(value) : "")),
      },
    ],
    series: [
      {
        label: text.axisDay,
        value: (_self, seconds) => (seconds == null ? text.none : days.format(new Date(seconds * 1000))),
      },
      ...columns.series.map((line): uPlot.Series => ({
        label: line.label,
        stroke: colours.line(line.key),
        width: 2,
        points: { show: true, size: 5, fill: colours.line(line.key) },
      })),
    ],
    cursor: { drag: { x: false, y: false, setScale: false } },
    // The names only: the numbers are in the table.
    legend: { show: true, live: false },
  };
  const plot = new uPlot(options, [columns.x, ...columns.series.map((line) => line.values)], container);
  return {
    resize: (next) => plot.setSize({ width: next, height: HEIGHT }),
    destroy: () => plot.destroy(),
  };
}
