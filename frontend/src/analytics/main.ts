// The team's analytics page in Django admin (templates/admin/conversations/analytics/analytics.html), bundled on its
// own as dist/analytics.js with its styles as dist/analytics.css. The page and its tables are the server's; this
// draws the charts from the page's json_script element, and fills the range form's time zone from the browser.
import "./analytics.css";
import { messages, setLocaleFromDocument } from "../i18n";
import { coloursOf, drawChart, type Chart } from "./chart";
import { chartColumns, readAnalyticsData, type AnalyticsData, type ChartKind } from "./data";

function timeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone ?? "";
  } catch {
    return "";
  }
}

function widthOf(box: HTMLElement): number {
  return Math.max(200, Math.floor(box.clientWidth));
}

function mountChart(box: HTMLElement, data: AnalyticsData): void {
  const kind = box.dataset.chart as ChartKind;
  if (kind !== "messages" && kind !== "emotions") return;
  const columns = chartColumns(data, kind);
  let chart: Chart | null = null;
  const draw = () => {
    chart?.destroy();
    box.replaceChildren();
    chart = drawChart(box, columns, coloursOf(box), widthOf(box));
  };
  draw();
  box.dataset.drawn = "true";
  let width = widthOf(box);
  new ResizeObserver(() => {
    const next = widthOf(box);
    if (chart && next !== width) chart.resize(next);
    width = next;
  }).observe(box);
  window.matchMedia?.("(prefers-color-scheme: dark)")?.addEventListener?.("change", draw);
}

function start(): void {
  setLocaleFromDocument(document);
  const zone = document.querySelector<HTMLInputElement>("input[name=tz]");
  if (zone && !zone.value) zone.value = timeZone();
  const source = document.getElementById("analytics-data");
  if (!source) return;
  let data: AnalyticsData | null = null;
  try {
    data = readAnalyticsData(JSON.parse(source.textContent ?? ""));
  } catch {
    data = null;
  }
  for (const box of document.querySelectorAll<HTMLElement>("[data-chart]")) {
    if (data) mountChart(box, data);
    else box.textContent = messages().analytics.unreadable;
  }
}

start();
