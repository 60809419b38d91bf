/** @jsxImportSource hono/jsx */
// deno-lint-ignore-file jsx-key -- rendered once on the server: no reconciliation, keys mean nothing
/** `/doctor`: `clearml doctor` of the machine that serves this page (its checks are masked). */
import { Layout } from "./layout.tsx";
import { isObj } from "../doc_path.ts";
import { fmtValue } from "./format.ts";

const STATUS_ORDER = ["error", "fail", "warn", "pass", "skip"];

interface CheckView {
  id: string;
  status: string;
  summary: string;
  details: string[];
  fix: string;
  commands: string[];
}

function checksOf(report: unknown): CheckView[] {
  const checks = isObj(report) && Array.isArray(report.checks) ? report.checks : [];
  return checks.filter(isObj).map((c) => {
    const fix = isObj(c.fix) ? c.fix : {};
    return {
      id: fmtValue(c.id),
      status: fmtValue(c.status),
      summary: fmtValue(c.summary),
      details: Array.isArray(c.details) ? c.details.map(fmtValue) : [],
      fix: fmtValue(fix.text),
      commands: Array.isArray(fix.commands) ? fix.commands.map(fmtValue) : [],
    };
  });
}

export function DoctorPage(p: { report?: unknown; error?: string }) {
  const checks = checksOf(p.report);
  const counts = new Map<string, number>();
  for (const c of checks) counts.set(c.status, (counts.get(c.status) ?? 0) + 1);
  return (
    <Layout title="Doctor" user>
      <h1>Doctor</h1>
      <p class="muted">This server's machine, checked offline (no network probes).</p>
      {p.error && <p class="error">{p.error}</p>}
      {checks.length > 0 && (
        <p id="doctor-summary">
          {STATUS_ORDER.filter((st) => counts.get(st)).map((st) => (
            <span class={`status status-${st}`}>{counts.get(st)} {st}</span>
          ))}
        </p>
      )}
      {checks.length > 0 && (
        <table class="doctor">
          <thead>
            <tr>
              <th>Status</th>
              <th>Check</th>
              <th>Summary</th>
              <th>Fix</th>
            </tr>
          </thead>
          <tbody>
            {checks.map((c) => (
              <tr data-check={c.id}>
                <td>
                  <span class={`status status-${c.status}`}>{c.status}</span>
                </td>
                <td>
                  <code>{c.id}</code>
                </td>
                <td>
                  {c.summary}
                  {c.status !== "pass" && c.details.map((l) => <div class="muted">{l}</div>)}
                </td>
                <td>
                  {c.status !== "pass" && c.fix}
                  {c.status !== "pass" && c.commands.map((l) => (
                    <div>
                      <code>{l}</code>
                    </div>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}
