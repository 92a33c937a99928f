// The "My mood" page (templates/conversations/mood.html): a range switch, the week in words, the chart with its
// table, and the feelings that came up most. Everything is the person's own and drawn from GET /mood/data.
import { ApiError } from "../api";
import { el } from "../dom";
import { labelName } from "../format";
import { messages, numberText } from "../i18n";
import { chartColours, drawChart, type MoodChart } from "./chart";
import {
  RANGES,
  feelingCountText,
  groupTitle,
  isEmpty,
  tableRows,
  type MoodApi,
  type MoodData,
  type Range,
} from "./data";

export interface MoodPageDeps {
  api: MoodApi;
  initialRange: Range;
  /** Where "Go to the chat" leads. */
  chatUrl: string;
  /** The range chosen, for the page's address (so a reload keeps it). */
  rangeChosen?: (days: Range) => void;
  /** Calls `listener` when the person switches between light and dark. */
  onSchemeChange?: (listener: () => void) => void;
}

export function mountMoodPage(main: HTMLElement, deps: MoodPageDeps): void {
  const text = messages().mood;
  // The range switch.
  const rangeGroup = el("div", { class: "mood-range", role: "group", "aria-labelledby": "mood-range-label" });
  rangeGroup.append(el("span", { id: "mood-range-label", class: "mood-range-label" }, text.range));
  const rangeButtons = new Map<Range, HTMLButtonElement>();
  for (const days of RANGES) {
    const button = el(
      "button",
      { type: "button", class: "secondary", "aria-pressed": "false", "data-testid": `range-${days}` },
      text.days(days),
    );
    button.addEventListener("click", () => load(days));
    rangeButtons.set(days, button);
    rangeGroup.append(button);
  }
  const status = el("p", { class: "mood-status", role: "status", "data-testid": "mood-status" });
  const retry = el("button", { type: "button", class: "secondary" }, text.retry);
  retry.hidden = true;
  const statusRow = el("div", { class: "mood-status-row" });
  statusRow.append(status, retry);

  // Nothing yet.
  const empty = el("section", {
    class: "card mood-card mood-empty",
    "data-testid": "mood-empty",
    "aria-labelledby": "mood-empty-title",
  });
  const emptyText = el("p", {});
  empty.append(
    el("h2", { id: "mood-empty-title" }, text.emptyTitle),
    emptyText,
    el("a", { href: deps.chatUrl, class: "button" }, text.toChat),
  );
  empty.hidden = true;

  // The week in words.
  const summary = el("section", {
    class: "card mood-card mood-summary",
    "data-testid": "mood-summary",
    "aria-labelledby": "mood-summary-title",
  });
  const summaryText = el("div", { class: "mood-summary-text" });
  summary.append(el("h2", { id: "mood-summary-title" }, text.summaryTitle), summaryText);

  // The chart, and the same numbers as a table.
  const chartCard = el("section", { class: "card mood-card mood-chart-card", "aria-labelledby": "mood-chart-title" });
  const chartBox = el("div", {
    class: "mood-chart",
    role: "img",
    "aria-label": text.chartLabel,
    "data-testid": "mood-chart",
  });
  const tableToggle = el("button", {
    type: "button",
    class: "secondary",
    "aria-expanded": "false",
    "aria-controls": "mood-table-region",
    "data-testid": "mood-table-toggle",
  }, text.showTable);
  const tableRegion = el("div", {
    id: "mood-table-region",
    class: "mood-table-region",
    role: "region",
    "aria-label": text.tableLabel,
    tabindex: "0",
  });
  tableRegion.hidden = true;
  chartCard.append(el("h2", { id: "mood-chart-title" }, text.chartTitle), chartBox, tableToggle, tableRegion);

  // The feelings that came up most.
  const feelings = el("section", {
    class: "card mood-card mood-feelings",
    "data-testid": "mood-feelings",
    "aria-labelledby": "mood-feelings-title",
  });
  const feelingsList = el("ol", { class: "mood-feelings-list" });
  feelings.append(el("h2", { id: "mood-feelings-title" }, text.feelingsTitle), feelingsList);

  const note = el("p", { class: "mood-note" }, text.note);
  const results = el("div", { class: "mood-results" });
  results.append(summary, feelings, chartCard);
  results.hidden = true;
  main.replaceChildren(rangeGroup, statusRow, empty, results, note);

  let chart: MoodChart | null = null;
  let shown: MoodData | null = null;
  let range = deps.initialRange;
  let generation = 0;

  function chartWidth(): number {
    return Math.max(200, Math.floor(chartBox.clientWidth));
  }

  function drawTheChart(data: MoodData): void {
    chart?.destroy();
    chart = null;
    chartBox.replaceChildren();
    chart = drawChart(chartBox, data, chartColours(main, data.groups), chartWidth());
  }

  function renderTable(data: MoodData): void {
    const table = el("table", { class: "mood-table", "data-testid": "mood-table" });
    // Read to screen readers with the table; shown above it, where the table's sideways scrolling on a phone
    // cannot cut it off.
    const caption = el("caption", { class: "sr-only" }, text.tableCaption);
    const headRow = el("tr", {});
    const { columns } = text;
    for (const name of [columns.day, columns.messages, ...data.groups.map(groupTitle), columns.leaning, columns.checkin]) {
      headRow.append(el("th", { scope: "col" }, name));
    }
    const head = el("thead", {});
    head.append(headRow);
    const body = el("tbody", {});
    for (const row of tableRows(data)) {
      const tr = el("tr", { "data-date": row.date });
      tr.append(el("th", { scope: "row" }, row.day), el("td", { "data-column": "messages" }, numberText(row.messages)));
      row.groups.forEach((count, index) => {
        tr.append(el("td", { "data-column": data.groups[index] }, numberText(count)));
      });
      tr.append(
        el("td", { "data-column": "leaning" }, row.leaning),
        el("td", { "data-column": "checkin" }, row.checkin),
      );
      body.append(tr);
    }
    table.append(caption, head, body);
    const shownCaption = el("p", { class: "mood-table-caption", "aria-hidden": "true" }, text.tableCaption);
    tableRegion.replaceChildren(shownCaption, table);
  }

  function renderFeelings(data: MoodData): void {
    if (data.feelings.length === 0) {
      feelingsList.replaceChildren(el("li", { class: "mood-feelings-none" }, text.noFeelings));
      return;
    }
    const most = Math.max(...data.feelings.map((feeling) => feeling.count));
    feelingsList.replaceChildren(
      ...data.feelings.map((feeling) => {
        const item = el("li", { "data-label": feeling.label });
        const bar = el("span", { class: "mood-feeling-bar", "aria-hidden": "true" });
        // A share of the row's width; set through the style object, which the page's CSP allows.
        bar.style.width = `${Math.max(4, Math.round((feeling.count / most) * 100))}%`;
        item.append(
          el("span", { class: "mood-feeling-name" }, labelName(feeling.label)),
          el("span", { class: "mood-feeling-count" }, feelingCountText(feeling.count)),
          bar,
        );
        return item;
      }),
    );
  }

  function render(data: MoodData): void {
    shown = data;
    const nothing = isEmpty(data);
    empty.hidden = !nothing;
    results.hidden = nothing;
    emptyText.textContent = nothing && data.days < RANGES[RANGES.length - 1] ? text.emptyRange : text.empty;
    if (nothing) {
      chart?.destroy();
      chart = null;
      return;
    }
    summaryText.replaceChildren(...data.summary.map((sentence) => el("p", {}, sentence)));
    renderFeelings(data);
    renderTable(data);
    drawTheChart(data);
  }

  function setStatus(text: string, failed = false): void {
    status.textContent = text;
    retry.hidden = !failed;
  }

  function load(days: Range): void {
    range = days;
    for (const [value, button] of rangeButtons) button.setAttribute("aria-pressed", String(value === days));
    deps.rangeChosen?.(days);
    const mine = ++generation;
    main.setAttribute("aria-busy", "true");
    setStatus(text.loading);
    deps.api.load(days).then(
      (data) => {
        if (mine !== generation) return;
        main.setAttribute("aria-busy", "false");
        setStatus("");
        render(data);
      },
      (error: unknown) => {
        if (mine !== generation) return;
        main.setAttribute("aria-busy", "false");
        if (error instanceof ApiError && error.status === 403) {
          // No session: nothing of theirs to show, and nothing to retry.
          setStatus("");
          rangeGroup.hidden = true;
          results.hidden = true;
          empty.hidden = false;
          emptyText.textContent = text.noSession;
          return;
        }
        setStatus(text.failed, true);
      },
    );
  }

  tableToggle.addEventListener("click", () => {
    const open = tableRegion.hidden;
    tableRegion.hidden = !open;
    tableToggle.setAttribute("aria-expanded", String(open));
    tableToggle.textContent = open ? text.hideTable : text.showTable;
  });
  retry.addEventListener("click", () => load(range));
  deps.onSchemeChange?.(() => {
    if (shown && chart) drawTheChart(shown);
  });
  if (typeof ResizeObserver !== "undefined") {
    let width = 0;
    new ResizeObserver(() => {
      const next = chartWidth();
      if (chart && next !== width) chart.resize(next);
      width = next;
    }).observe(chartBox);
  }
  load(deps.initialRange);
}
