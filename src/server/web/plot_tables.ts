/**
 * Plot events (Plotly figures as the SDK reports them: `report_table`, `report_scatter2d`,
 * histograms, matrices) as plain tables — no client-side plotting library on the page.
 */
import type { Obj } from "../call_body.ts";
import { isObj } from "../doc_path.ts";
import { fmtValue } from "./format.ts";

/** Rows shown per table; the rest is counted, not sent. */
export const MAX_TABLE_ROWS = 500;

export interface PlotTable {
  name: string;
  header: string[];
  rows: string[][];
  /** How many rows the figure has (more than `rows.length` when cut). */
  totalRows: number;
}

export interface PlotView {
  metric: string;
  variant: string;
  iter: number;
  title: string;
  tables: PlotTable[];
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function cut(name: string, header: string[], all: string[][]): PlotTable {
  return { name, header, rows: all.slice(0, MAX_TABLE_ROWS), totalRows: all.length };
}

/** Plotly header cells may be `["a"]` or `[["a"]]`. */
function headerCell(v: unknown): string {
  return Array.isArray(v) ? v.map(fmtValue).join(" ") : fmtValue(v);
}

function traceTable(t: Obj, i: number): PlotTable {
  const name = fmtValue(t.name) || `${fmtValue(t.type) || "trace"} ${i + 1}`;
  if (t.type === "table") {
    const header = list(isObj(t.header) ? t.header.values : undefined).map(headerCell);
    const cols = list(isObj(t.cells) ? t.cells.values : undefined).map(list);
    const n = Math.max(0, ...cols.map((c) => c.length));
    const rows: string[][] = [];
    for (let r = 0; r < n; r++) rows.push(cols.map((c) => fmtValue(c[r])));
    return cut(name, header, rows);
  }
  if (Array.isArray(t.z) && t.z.some(Array.isArray)) {
    // a matrix (heatmap, confusion matrix): one row per y, one column per x
    const z = t.z.map(list);
    const xs = list(t.x);
    const ys = list(t.y);
    const width = Math.max(0, ...z.map((r) => r.length));
    const header = ["", ...Array.from({ length: width }, (_, j) => fmtValue(xs[j] ?? j))];
    return cut(name, header, z.map((r, j) => [fmtValue(ys[j] ?? j), ...r.map(fmtValue)]));
  }
  const axes = (["x", "y", "z"] as const).filter((k) => Array.isArray(t[k]));
  if (axes.length) {
    const cols = axes.map((k) => list(t[k]));
    const n = Math.max(...cols.map((c) => c.length));
    const rows: string[][] = [];
    for (let r = 0; r < n; r++) rows.push(cols.map((c) => fmtValue(c[r])));
    return cut(name, [...axes], rows);
  }
  if (Array.isArray(t.values)) {
    const labels = list(t.labels);
    return cut(
      name,
      ["label", "value"],
      t.values.map((v, j) => [fmtValue(labels[j] ?? j), fmtValue(v)]),
    );
  }
  return cut(name, ["trace"], [[JSON.stringify(t).slice(0, 2000)]]);
}

function titleOf(layout: unknown): string {
  if (!isObj(layout)) return "";
  const t = layout.title;
  return isObj(t) ? fmtValue(t.text) : fmtValue(t);
}

/** One plot event as tables; an unreadable figure becomes one table saying so. */
export function plotView(event: Obj): PlotView {
  const base = {
    metric: fmtValue(event.metric),
    variant: fmtValue(event.variant),
    iter: typeof event.iter === "number" ? event.iter : 0,
  };
  let fig: unknown = event.plot_str;
  if (typeof fig === "string") {
    try {
      fig = JSON.parse(fig);
    } catch {
      return {
        ...base,
        title: "",
        tables: [{ name: "unreadable figure", header: [], rows: [], totalRows: 0 }],
      };
    }
  }
  if (!isObj(fig)) return { ...base, title: "", tables: [] };
  return {
    ...base,
    title: titleOf(fig.layout),
    tables: list(fig.data).filter(isObj).map(traceTable),
  };
}
