/** @jsxImportSource hono/jsx */
/** One metric's scalars as an inline SVG chart: one line per series, axes with labels. */
import { chartGeometry, type ScalarSeries } from "./chart_geometry.ts";

export function ScalarChart(p: { metric: string; series: ScalarSeries[] }) {
  const g = chartGeometry(p.series);
  const { left, top, right, bottom } = g.area;
  return (
    <figure class="chart" data-metric={p.metric} data-series={String(g.lines.length)}>
      <svg
        xmlns="http://www.w3.org/2000/svg"
        width={g.width}
        height={g.height}
        viewBox={`0 0 ${g.width} ${g.height}`}
        role="img"
        aria-label={`${p.metric}: ${g.lines.length} series`}
      >
        {g.yTicks.map((t) => (
          <g>
            <line class="grid" x1={left} x2={right} y1={t.at.toFixed(1)} y2={t.at.toFixed(1)} />
            <text x={left - 6} y={(t.at + 4).toFixed(1)} text-anchor="end">{t.label}</text>
          </g>
        ))}
        {g.xTicks.map((t) => (
          <g>
            <line class="grid" x1={t.at.toFixed(1)} x2={t.at.toFixed(1)} y1={top} y2={bottom} />
            <text x={t.at.toFixed(1)} y={bottom + 16} text-anchor="middle">{t.label}</text>
          </g>
        ))}
        <rect
          x={left}
          y={top}
          width={right - left}
          height={bottom - top}
          fill="none"
          stroke="currentColor"
          stroke-opacity="0.4"
        />
        {g.lines.map((l) => (
          <path
            class="series"
            data-variant={l.variant}
            d={l.d}
            fill="none"
            stroke={l.color}
            stroke-width="1.5"
          >
            <title>{l.variant}</title>
          </path>
        ))}
        {g.lines.filter((l) => l.dot).map((l) => (
          <circle cx={l.dot![0].toFixed(1)} cy={l.dot![1].toFixed(1)} r="3" fill={l.color} />
        ))}
        <text class="x-label" x={(left + right) / 2} y={g.height - 6} text-anchor="middle">
          iteration
        </text>
        <text
          class="y-label"
          x={-(top + bottom) / 2}
          y={14}
          transform="rotate(-90)"
          text-anchor="middle"
        >
          {p.metric}
        </text>
      </svg>
      <figcaption>
        <strong>{p.metric}</strong>{" "}
        <span class="legend">
          {g.lines.map((l) => (
            <span>
              <i style={`background:${l.color}`}></i>
              {l.variant} <span class="muted">({l.points})</span>
            </span>
          ))}
        </span>
      </figcaption>
    </figure>
  );
}

/** Series grouped by metric, metrics in name order. */
export function byMetric(series: readonly ScalarSeries[]): [string, ScalarSeries[]][] {
  const m = new Map<string, ScalarSeries[]>();
  for (const s of series) {
    const list = m.get(s.metric);
    if (list) list.push(s);
    else m.set(s.metric, [s]);
  }
  return [...m.entries()].sort((a, b) => a[0].localeCompare(b[0]));
}
