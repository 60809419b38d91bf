/**
 * A scalar chart as geometry, computed on the server: axes with round ticks, and one SVG path per
 * series, cut down to at most two points (the lowest and the highest) per pixel column so that a
 * series of 100,000 points draws as fast as one of 1,000 and keeps its shape.
 */

import type { ScalarSeries } from "../scalars_store.ts";

export type { ScalarSeries };

export interface Tick {
  at: number;
  label: string;
}

export interface ChartLine {
  variant: string;
  color: string;
  /** SVG path data. */
  d: string;
  /** Points in the series (before thinning). */
  points: number;
  /** The one point of a single-point series (a path of one point draws nothing). */
  dot?: [number, number];
}

export interface ChartGeometry {
  width: number;
  height: number;
  /** The plotting area: left, top, right, bottom. */
  area: { left: number; top: number; right: number; bottom: number };
  xTicks: Tick[];
  yTicks: Tick[];
  lines: ChartLine[];
}

export const PALETTE = [
  "#1f77b4",
  "#ff7f0e",
  "#2ca02c",
  "#d62728",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#7f7f7f",
  "#bcbd22",
  "#17becf",
];

/** A number as a short tick label: `0.25`, `1500`, `1.2e+6`. */
export function tickLabel(v: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e6 || a < 1e-3) return v.toExponential(1).replace(/\.0e/, "e");
  return String(Number(v.toPrecision(4)));
}

/**
 * About `count` round ticks (1, 2 or 5 times a power of ten apart) covering [lo, hi]; at least
 * `minStep` apart (1 for iterations, which are whole numbers).
 */
export function niceTicks(lo: number, hi: number, count: number, minStep = 0): number[] {
  if (!(hi > lo)) return [lo];
  const raw = Math.max(minStep, (hi - lo) / Math.max(1, count));
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) {
    out.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
  }
  return out;
}

function sortedByX(points: [number, number][]): [number, number][] {
  for (let i = 1; i < points.length; i++) {
    if (points[i]![0] < points[i - 1]![0]) return [...points].sort((a, b) => a[0] - b[0]);
  }
  return points;
}

export function chartGeometry(
  series: readonly ScalarSeries[],
  size: { width: number; height: number } = { width: 640, height: 260 },
): ChartGeometry {
  const area = { left: 64, top: 12, right: size.width - 16, bottom: size.height - 44 };
  let xMin = Infinity, xMax = -Infinity, yMin = Infinity, yMax = -Infinity;
  const clean = series.map((s) => {
    const pts = sortedByX(s.points);
    for (let k = 0; k < pts.length; k++) {
      const x = pts[k]![0];
      const y = pts[k]![1];
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      if (x < xMin) xMin = x;
      if (x > xMax) xMax = x;
      if (y < yMin) yMin = y;
      if (y > yMax) yMax = y;
    }
    return pts;
  });
  if (xMin > xMax) [xMin, xMax, yMin, yMax] = [0, 1, 0, 1];
  if (xMin === xMax) [xMin, xMax] = [xMin - 1, xMax + 1];
  if (yMin === yMax) {
    const pad = Math.abs(yMin) * 0.1 || 1;
    [yMin, yMax] = [yMin - pad, yMax + pad];
  }
  const w = area.right - area.left;
  const h = area.bottom - area.top;
  const sx = w / (xMax - xMin);
  const sy = h / (yMax - yMin);
  const px = (x: number) => area.left + (x - xMin) * sx;
  const py = (y: number) => area.bottom - (y - yMin) * sy;

  const lines = series.map((s, i): ChartLine => {
    const pts = clean[i]!;
    const parts: string[] = [];
    // per pixel column: its lowest and highest point, in the order they came (no allocation per
    // point: 100,000 points cost a loop, not 100,000 arrays)
    let column = NaN;
    let loX = 0, loY = 0, hiX = 0, hiY = 0, loIdx = 0, hiIdx = 0, n = 0, lastX = 0, lastY = 0;
    const flush = () => {
      if (Number.isNaN(column)) return;
      const loFirst = loIdx <= hiIdx;
      parts.push(
        `${parts.length ? "L" : "M"}${(loFirst ? loX : hiX).toFixed(1)} ${
          (loFirst ? loY : hiY).toFixed(1)
        }`,
      );
      if (loIdx !== hiIdx) {
        parts.push(`L${(loFirst ? hiX : loX).toFixed(1)} ${(loFirst ? hiY : loY).toFixed(1)}`);
      }
    };
    for (let k = 0; k < pts.length; k++) {
      const p = pts[k]!;
      const x = p[0];
      const y = p[1];
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      const X = area.left + (x - xMin) * sx;
      const Y = area.bottom - (y - yMin) * sy;
      const col = Math.round(X);
      n++;
      lastX = X;
      lastY = Y;
      if (col !== column) {
        flush();
        column = col;
        loX = hiX = X;
        loY = hiY = Y;
        loIdx = hiIdx = n;
        continue;
      }
      // screen y grows downwards: the highest value has the smallest Y
      if (Y > loY) {
        loX = X;
        loY = Y;
        loIdx = n;
      }
      if (Y < hiY) {
        hiX = X;
        hiY = Y;
        hiIdx = n;
      }
    }
    flush();
    return {
      variant: s.variant,
      color: PALETTE[i % PALETTE.length]!,
      d: parts.join(""),
      points: s.points.length,
      ...(n === 1 ? { dot: [lastX, lastY] as [number, number] } : {}),
    };
  });

  return {
    width: size.width,
    height: size.height,
    area,
    xTicks: niceTicks(xMin, xMax, 6, 1).map((v) => ({ at: px(v), label: tickLabel(v) })),
    yTicks: niceTicks(yMin, yMax, 5).map((v) => ({ at: py(v), label: tickLabel(v) })),
    lines,
  };
}
