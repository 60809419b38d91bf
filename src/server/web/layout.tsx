/** @jsxImportSource hono/jsx */
/** The frame of every page: title, navigation, the stylesheet (inline: the page works offline). */
import type { Child } from "hono/jsx";

const CSS = `
:root { color-scheme: light dark; --muted: #777; --line: #8884; }
body { font: 14px/1.45 system-ui, sans-serif; margin: 0; }
header { display: flex; gap: 1.2em; align-items: center; padding: .6em 1.2em; border-bottom: 1px solid var(--line); }
header .brand { font-weight: 600; }
header form { margin-left: auto; }
main { padding: 1em 1.2em; max-width: 1200px; }
table { border-collapse: collapse; margin: .5em 0 1.2em; }
th, td { text-align: left; padding: .25em .7em; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.muted { color: var(--muted); }
.status { padding: 0 .4em; border-radius: 3px; border: 1px solid var(--line); }
.status-in_progress { background: #2ca02c33; } .status-failed { background: #d6272833; }
.status-completed { background: #1f77b433; } .status-queued { background: #ff7f0e33; }
.status-pass { background: #2ca02c33; } .status-warn { background: #ff7f0e33; }
.status-fail, .status-error { background: #d6272833; }
pre.console { background: #1113; padding: .6em; max-height: 32em; overflow: auto; white-space: pre-wrap; }
.charts { display: flex; flex-wrap: wrap; gap: 1em; }
figure.chart { margin: 0; }
figure.chart svg text { font-size: 11px; fill: currentColor; }
figure.chart .grid { stroke: var(--line); }
.legend span { margin-right: 1em; }
.legend i { display: inline-block; width: 1.2em; height: 3px; vertical-align: middle; margin-right: .3em; }
form.login { display: grid; gap: .6em; max-width: 22em; }
.error { color: #d62728; }
`;

export function Layout(p: { title: string; user?: boolean; children?: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{p.title} · clearml serve</title>
        <style>{CSS}</style>
      </head>
      <body>
        <header>
          <span class="brand">clearml serve</span>
          {p.user && (
            <>
              <a href="/projects">Projects</a>
              <a href="/tasks">Tasks</a>
              <a href="/queues">Queues</a>
              <a href="/workers">Workers</a>
              <a href="/doctor">Doctor</a>
              <form method="post" action="/logout">
                <button type="submit">Log out</button>
              </form>
            </>
          )}
        </header>
        <main>{p.children}</main>
      </body>
    </html>
  );
}

export function Status(p: { status: string }) {
  return <span class={`status status-${p.status}`}>{p.status}</span>;
}

/** A link to a queue's entry on the queues page (the id when the queue is gone). */
export function QueueLink(p: { queue?: { id: string; name: string } }) {
  if (!p.queue) return null;
  return <a href={`/queues#${encodeURIComponent(p.queue.id)}`}>{p.queue.name || p.queue.id}</a>;
}
