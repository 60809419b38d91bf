/** Chart geometry (ticks, thinning, edge cases) and plot figures as tables. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { chartGeometry, niceTicks, tickLabel } from "../../src/server/web/chart_geometry.ts";
import { MAX_TABLE_ROWS, plotView } from "../../src/server/web/plot_tables.ts";

function pathPoints(d: string): [number, number][] {
  return [...d.matchAll(/[ML](-?[\d.]+) (-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
}

describe("chartGeometry()", () => {
  it("ticks are round numbers covering the range", () => {
    assert.deepEqual(niceTicks(0, 100, 5), [0, 20, 40, 60, 80, 100]);
    assert.deepEqual(niceTicks(0.1, 0.9, 4), [0.2, 0.4, 0.6, 0.8]);
    assert.deepEqual(niceTicks(-3, 3, 6), [-3, -2, -1, 0, 1, 2, 3]);
    assert.deepEqual(niceTicks(0, 3, 6, 1), [0, 1, 2, 3], "iterations: whole numbers");
    assert.equal(tickLabel(0.30000000000000004), "0.3");
    assert.equal(tickLabel(2_500_000), "2.5e+6");
  });

  it("a series of 100,000 points draws at most two points per pixel column, keeping its extremes", () => {
    const points: [number, number][] = [];
    for (let i = 0; i < 100_000; i++) points.push([i, Math.sin(i / 500) + (i === 54_321 ? 5 : 0)]);
    const g = chartGeometry([{ metric: "m", variant: "v", points }]);
    const drawn = pathPoints(g.lines[0]!.d);
    const columns = g.area.right - g.area.left + 1;
    assert.ok(drawn.length <= 2 * columns, `${drawn.length} points for ${columns} columns`);
    assert.ok(drawn.length >= columns, "every column has a point");
    // the spike (the highest value) survives the thinning: it is the top of the plotting area
    const top = Math.min(...drawn.map((p) => p[1]));
    assert.ok(Math.abs(top - g.area.top) < 0.2, `top ${top} vs ${g.area.top}`);
    assert.equal(g.lines[0]!.points, 100_000);
    // x never goes backwards
    for (let i = 1; i < drawn.length; i++) assert.ok(drawn[i]![0] >= drawn[i - 1]![0]);
  });

  it("every series gets its own line and colour; unsorted points are drawn in x order", () => {
    const g = chartGeometry([
      { metric: "m", variant: "a", points: [[2, 1], [0, 3], [1, 2]] },
      { metric: "m", variant: "b", points: [[0, 0], [2, 4]] },
    ]);
    assert.equal(g.lines.length, 2);
    assert.notEqual(g.lines[0]!.color, g.lines[1]!.color);
    const xs = pathPoints(g.lines[0]!.d).map((p) => p[0]);
    assert.deepEqual(xs, [...xs].sort((a, b) => a - b));
    assert.equal(xs[0], g.area.left);
    assert.equal(xs.at(-1), g.area.right);
  });

  it("a single point gets a dot; non-finite values are skipped; a flat series still has a range", () => {
    const g = chartGeometry([
      { metric: "m", variant: "one", points: [[5, 2]] },
      { metric: "m", variant: "nan", points: [[0, NaN], [1, Infinity], [2, 2]] },
    ]);
    assert.ok(g.lines[0]!.dot);
    assert.ok(g.yTicks.length >= 2);
    assert.ok(!/NaN|Infinity/.test(g.lines.map((l) => l.d).join("")));
    const empty = chartGeometry([{ metric: "m", variant: "none", points: [] }]);
    assert.equal(empty.lines[0]!.d, "");
  });
});

describe("plotView()", () => {
  it("a table figure becomes its header and rows", () => {
    const v = plotView({
      metric: "t",
      variant: "v",
      iter: 2,
      plot_str: JSON.stringify({
        data: [{
          type: "table",
          header: { values: ["a", "b"] },
          cells: { values: [[1, 2], ["x", "y"]] },
        }],
        layout: { title: { text: "T" } },
      }),
    });
    assert.equal(v.title, "T");
    assert.deepEqual(v.tables[0]!.header, ["a", "b"]);
    assert.deepEqual(v.tables[0]!.rows, [["1", "x"], ["2", "y"]]);
  });

  it("scatter traces become x/y columns, matrices a row per y, and long ones are cut", () => {
    const n = MAX_TABLE_ROWS + 10;
    const v = plotView({
      plot_str: JSON.stringify({
        data: [
          {
            type: "scatter",
            name: "s",
            x: Array.from({ length: n }, (_, i) => i),
            y: Array(n).fill(1),
          },
          { type: "heatmap", x: ["p", "q"], y: ["r", "s"], z: [[1, 2], [3, 4]] },
        ],
      }),
    });
    assert.deepEqual(v.tables[0]!.header, ["x", "y"]);
    assert.equal(v.tables[0]!.rows.length, MAX_TABLE_ROWS);
    assert.equal(v.tables[0]!.totalRows, n);
    assert.deepEqual(v.tables[1]!.header, ["", "p", "q"]);
    assert.deepEqual(v.tables[1]!.rows, [["r", "1", "2"], ["s", "3", "4"]]);
  });

  it("an unreadable figure says so instead of failing the page", () => {
    assert.equal(plotView({ plot_str: "{not json" }).tables[0]!.name, "unreadable figure");
  });
});
