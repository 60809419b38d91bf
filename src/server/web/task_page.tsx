/** @jsxImportSource hono/jsx */
// deno-lint-ignore-file jsx-key -- rendered once on the server: no reconciliation, keys mean nothing
/**
 * `/tasks/:id`: the task's facts, parameters, configuration, scalar charts, plots as tables,
 * artifacts with download links and the console's tail, which follows while the task runs (a
 * small inline script appends the lines of `/tasks/:id/console` as text, never as markup).
 */
import { Layout, QueueLink } from "./layout.tsx";
import { byMetric, ScalarChart } from "./chart.tsx";
import type { ScalarSeries } from "./chart_geometry.ts";
import type { ConsolePage } from "./console_log.ts";
import { fmtBytes, fmtDate, fmtDuration } from "./format.ts";
import type { PlotView } from "./plot_tables.ts";
import type { ArtifactEntry, ConfigEntry, ParamSection } from "./task_details.ts";
import type { TaskRow } from "./task_row.ts";

export interface TaskPageData {
  row: TaskRow;
  projectName?: string;
  created?: string;
  completed?: string;
  statusReason: string;
  statusMessage: string;
  comment: string;
  params: ParamSection[];
  config: ConfigEntry[];
  scalars: ScalarSeries[];
  /** `report_single_value` values, by name. */
  singleValues: { name: string; value: string }[];
  plots: PlotView[];
  artifacts: ArtifactEntry[];
  console: ConsolePage;
  /** Whether the console keeps polling for new lines. */
  follow: boolean;
  /** Per-request nonce of the inline script (Content-Security-Policy). */
  nonce: string;
  pollMs: number;
}

const FOLLOW_SCRIPT = `(() => {
  const el = document.getElementById("console");
  if (!el || el.dataset.follow !== "1") return;
  const status = document.getElementById("task-status");
  const every = Number(el.dataset.interval) || 1000;
  const tick = async () => {
    let next = every;
    try {
      const r = await fetch(el.dataset.src + "?after=" + el.dataset.after,
        { headers: { accept: "application/json" }, cache: "no-store" });
      if (r.status === 401) { location.reload(); return; }
      if (r.ok) {
        const j = await r.json();
        const atEnd = el.scrollTop + el.clientHeight >= el.scrollHeight - 8;
        for (const l of j.lines) el.append(l.text.endsWith("\\n") ? l.text : l.text + "\\n");
        el.dataset.after = String(j.after);
        el.dataset.lines = String(Number(el.dataset.lines) + j.lines.length);
        if (atEnd) el.scrollTop = el.scrollHeight;
        if (status && j.status) {
          status.textContent = j.status;
          status.className = "status status-" + j.status;
        }
        if (!j.follow) { el.dataset.follow = "0"; return; }
        if (j.more) next = 50;
      }
    } catch { next = every * 3; }
    setTimeout(tick, next);
  };
  setTimeout(tick, every);
})();`;

function consoleText(c: ConsolePage): string {
  let s = "";
  for (const l of c.lines) s += l.text.endsWith("\n") ? l.text : `${l.text}\n`;
  return s;
}

function Fact(p: { k: string; v: unknown }) {
  return (
    <tr>
      <th>{p.k}</th>
      <td>{p.v as string}</td>
    </tr>
  );
}

export function TaskPage(d: TaskPageData) {
  const r = d.row;
  const metrics = byMetric(d.scalars);
  return (
    <Layout title={r.name} user>
      <p>
        <a href="/projects">Projects</a> / {r.project && (
          <>
            <a href={`/projects/${encodeURIComponent(r.project)}`}>{d.projectName ?? r.project}</a>
            {" "}
            /
          </>
        )}
      </p>
      <h1 id="task-name">{r.name}</h1>
      <table class="facts">
        <tbody>
          <tr>
            <th>Status</th>
            <td>
              <span id="task-status" class={`status status-${r.status}`}>{r.status}</span>
              {d.statusMessage && d.statusMessage !== r.status && (
                <span class="muted">{d.statusMessage}</span>
              )}
              {d.statusReason && d.statusReason !== r.status && (
                <span class="muted">({d.statusReason})</span>
              )}
            </td>
          </tr>
          <Fact k="Id" v={r.id} />
          <Fact k="Type" v={r.type} />
          <tr>
            <th>Queue</th>
            <td>
              <QueueLink queue={r.queue} />
            </td>
          </tr>
          <Fact k="Worker" v={r.worker ?? ""} />
          <Fact k="Created (UTC)" v={fmtDate(d.created)} />
          <Fact k="Started (UTC)" v={fmtDate(r.started)} />
          <Fact k="Completed (UTC)" v={fmtDate(d.completed)} />
          <Fact k="Duration" v={fmtDuration(r.durationMs)} />
          <Fact k="Last iteration" v={String(r.lastIteration)} />
          {d.comment && <Fact k="Comment" v={d.comment} />}
        </tbody>
      </table>

      <h2 id="scalars">Scalars</h2>
      {metrics.length || d.singleValues.length
        ? (
          <div class="charts">
            {metrics.map(([metric, series]) => <ScalarChart metric={metric} series={series} />)}
          </div>
        )
        : <p class="muted">No scalars reported.</p>}

      {d.singleValues.length > 0 && (
        <table class="single-values">
          <caption>Single values</caption>
          <tbody>
            {d.singleValues.map((v) => (
              <tr data-name={v.name}>
                <th>{v.name}</th>
                <td class="num">{v.value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2 id="parameters">Parameters</h2>
      {d.params.length
        ? d.params.map((s) => (
          <section class="params" data-section={s.section}>
            <h3>{s.section}</h3>
            <table>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Value</th>
                  <th>Type</th>
                  <th>Description</th>
                </tr>
              </thead>
              <tbody>
                {s.rows.map((x) => (
                  <tr>
                    <td>{x.name}</td>
                    <td>{x.value}</td>
                    <td class="muted">{x.type}</td>
                    <td class="muted">{x.description}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        ))
        : <p class="muted">No parameters.</p>}
      {d.config.length > 0 && (
        <>
          <h2 id="configuration">Configuration</h2>
          {d.config.map((c) => (
            <section class="config">
              <h3>
                {c.name} <span class="muted">{c.type}</span>
              </h3>
              <pre>{c.value}</pre>
            </section>
          ))}
        </>
      )}

      <h2 id="plots">Plots and tables</h2>
      {d.plots.length
        ? d.plots.map((pl) => (
          <section class="plot" data-metric={pl.metric} data-variant={pl.variant}>
            <h3>
              {pl.title || `${pl.metric} / ${pl.variant}`}{" "}
              <span class="muted">
                {pl.metric} / {pl.variant}, iteration {pl.iter}
              </span>
            </h3>
            {pl.tables.map((t) => (
              <table class="plot-table">
                <caption>{t.name}</caption>
                <thead>
                  <tr>{t.header.map((h) => <th>{h}</th>)}</tr>
                </thead>
                <tbody>
                  {t.rows.map((row) => <tr>{row.map((c) => <td>{c}</td>)}</tr>)}
                </tbody>
                {t.totalRows > t.rows.length && (
                  <tfoot>
                    <tr>
                      <td colspan={Math.max(1, t.header.length)} class="muted">
                        first {t.rows.length} of {t.totalRows} rows
                      </td>
                    </tr>
                  </tfoot>
                )}
              </table>
            ))}
          </section>
        ))
        : <p class="muted">No plots reported.</p>}

      <h2 id="artifacts">Artifacts</h2>
      {d.artifacts.length
        ? (
          <table class="artifacts">
            <thead>
              <tr>
                <th>Name</th>
                <th>Mode</th>
                <th>Type</th>
                <th>Size</th>
                <th>Preview</th>
                <th>File</th>
              </tr>
            </thead>
            <tbody>
              {d.artifacts.map((a) => (
                <tr data-artifact={a.key}>
                  <td>{a.key}</td>
                  <td>{a.mode}</td>
                  <td>{a.type}</td>
                  <td class="num">{fmtBytes(a.size)}</td>
                  <td>
                    <code>
                      {a.preview.length > 200 ? `${a.preview.slice(0, 200)}…` : a.preview}
                    </code>
                  </td>
                  <td>
                    {a.href
                      ? (
                        <a class="download" href={a.href} download="" rel="noreferrer">
                          download
                        </a>
                      )
                      : <code>{a.uri}</code>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )
        : <p class="muted">No artifacts.</p>}

      <h2 id="console-title">Console</h2>
      {d.console.truncated && (
        <p class="muted">The last {d.console.lines.length} lines; older lines are not shown.</p>
      )}
      <pre
        id="console"
        class="console"
        data-src={`/tasks/${encodeURIComponent(r.id)}/console`}
        data-after={String(d.console.after)}
        data-lines={String(d.console.lines.length)}
        data-follow={d.follow ? "1" : "0"}
        data-interval={String(d.pollMs)}
      >{consoleText(d.console)}</pre>
      <script nonce={d.nonce} dangerouslySetInnerHTML={{ __html: FOLLOW_SCRIPT }} />
    </Layout>
  );
}
