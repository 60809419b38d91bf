/**
 * The web page's content, rendered from a store filled through the API: projects → tasks, the task
 * page (facts, parameters, configuration, charts, plots as tables, artifacts, console), the
 * console's JSON that a following page polls, queues, workers, doctor; and everything a task's
 * author controls is escaped.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { queueByName } from "../../src/server/queues_store.ts";
import type { ScalarSeries } from "../../src/server/web/chart_geometry.ts";
import { apiTask, login, logLines, page, webFixture } from "./web_fixture.ts";

const XSS = [
  `<script>alert("x")</script>`,
  `"><img src=x onerror=alert(1)>`,
  `'><svg onload=alert(1)>`,
];

describe("web pages", () => {
  it("projects list their tasks; a project page lists its tasks with status, queue, worker and times", async () => {
    const f = await webFixture();
    const a = await apiTask(f, "first run", { project: "team/exp" });
    const b = await apiTask(f, "second run", { project: "team/exp" });
    await apiTask(f, "elsewhere", { project: "other" });
    const q = queueByName(f.store, "default")!;
    await f.api("tasks.enqueue", { task: a, queue: q.id });
    await f.api("tasks.started", { task: b, force: true });
    await f.api("workers.status_report", { worker: "box:0", task: b, timestamp: f.clock.now });
    f.clock.now += 65_000;
    const cookie = await login(f.web);
    const projects = await page(f.web, "/projects", cookie);
    const pid = /data-project="([0-9a-f]{32})"><td><a [^>]*>team\/exp</.exec(projects.text)?.[1];
    assert.ok(pid, projects.text);
    assert.match(
      projects.text,
      /team\/exp<\/a><\/td><td class="num">2<\/td><td class="num">2<\/td><td class="num">1</,
    );
    // the parent the nested name created counts its subproject's tasks, and links to it
    assert.match(projects.text, /team<\/a><\/td><td class="num">0<\/td><td class="num">2</);
    const parent = /data-project="([0-9a-f]{32})"><td><a [^>]*>team</.exec(projects.text)![1];
    const parentPage = await page(f.web, `/projects/${parent}`, cookie);
    assert.match(
      parentPage.text,
      new RegExp(`Subprojects: <a href="/projects/${pid}">team/exp</a>`),
    );
    const list = await page(f.web, `/projects/${pid}`, cookie);
    assert.equal(list.status, 200);
    assert.doesNotMatch(list.text, /elsewhere/);
    const rowA = new RegExp(`data-task="${a}">.*?</tr>`).exec(list.text)?.[0] ?? "";
    assert.match(rowA, /first run/);
    assert.match(rowA, /status-queued/);
    assert.match(rowA, />default</);
    const rowB = new RegExp(`data-task="${b}">.*?</tr>`).exec(list.text)?.[0] ?? "";
    assert.match(rowB, /status-in_progress/);
    assert.match(rowB, />box:0</);
    assert.match(rowB, />1m 05s</, "duration of a running task: until now");
    // the newest task first
    assert.ok(list.text.indexOf(b) < list.text.indexOf(a));
    const all = await page(f.web, "/tasks", cookie);
    assert.match(all.text, /elsewhere/);
    // the results page URL the SDK prints leads to the task page
    const sdkUrl = await page(f.web, `/projects/${pid}/experiments/${b}/output/log`, cookie);
    assert.equal(sdkUrl.status, 302);
    assert.equal(sdkUrl.headers.get("location"), `/tasks/${b}`);
    assert.equal((await page(f.web, "/projects/0123", cookie)).status, 404);
    assert.equal((await page(f.web, "/tasks/0123", cookie)).status, 404);
  });

  it("task lists show the newest 500 and say how many there are", async () => {
    const f = await webFixture();
    const ids: string[] = [];
    for (let i = 0; i < 503; i++) {
      ids.push(await apiTask(f, `task number ${i}`, { project: "many" }));
    }
    const cookie = await login(f.web);
    const pid = (await f.api("projects.get_all", { name: "^many$" })).projects[0].id;
    for (const path of ["/tasks", `/projects/${pid}`]) {
      const text = (await page(f.web, path, cookie)).text;
      assert.equal([...text.matchAll(/<tr data-task=/g)].length, 500, path);
      assert.match(text, /The newest 500 of 503 tasks/);
      assert.match(text, /task number 502</);
      assert.doesNotMatch(text, /task number 2</);
    }
  });

  it("the task page shows parameters, configuration, artifacts (links only to http files) and the console", async () => {
    const f = await webFixture({ filesUrl: () => "http://127.0.0.1:8081" });
    const id = await apiTask(f, "detailed", { project: "proj1", start: true });
    await f.api("tasks.edit", {
      task: id,
      force: true,
      hyperparams: {
        General: { lr: { section: "General", name: "lr", value: "0.25", type: "float" } },
      },
      configuration: { "model.yaml": { name: "model.yaml", type: "yaml", value: "layers: 3" } },
      execution: {
        artifacts: [
          {
            key: "weights",
            type: "custom",
            mode: "output",
            uri: "http://127.0.0.1:8081/p1/detailed.x/artifacts/weights/w.bin",
            content_size: 2048,
            type_data: { preview: "a preview" },
          },
          {
            key: "elsewhere",
            type: "custom",
            mode: "output",
            uri: "https://bucket.example/x.bin?sig=1",
          },
          { key: "local", type: "custom", mode: "output", uri: "file:///tmp/x" },
        ],
      },
    });
    await logLines(f, id, ["epoch 1 done", "epoch 2 done"]);
    const cookie = await login(f.web);
    const r = await page(f.web, `/tasks/${id}`, cookie);
    assert.equal(r.status, 200);
    assert.match(r.text, /<h1 id="task-name">detailed<\/h1>/);
    assert.match(r.text, /<td>lr<\/td><td>0\.25<\/td>/);
    assert.match(r.text, /model\.yaml[^]*?<pre>layers: 3<\/pre>/);
    assert.match(
      r.text,
      /<a class="download" href="http:\/\/127\.0\.0\.1:8081\/p1\/detailed\.x\/artifacts\/weights\/w\.bin\?download"/,
    );
    // files elsewhere keep their URL as it is (a signed URL must not change)
    assert.match(r.text, /href="https:\/\/bucket\.example\/x\.bin\?sig=1"/);
    assert.match(r.text, /2\.0 KiB/);
    assert.doesNotMatch(r.text, /href="file:/);
    assert.match(r.text, /<code>file:\/\/\/tmp\/x<\/code>/);
    assert.match(
      r.text,
      /id="console"[^>]*data-follow="1"[^>]*>epoch 1 done\nepoch 2 done\n<\/pre>/,
    );
    assert.match(r.text, /<script nonce="[^"]+">/);
    const nonce = /<script nonce="([^"]+)">/.exec(r.text)![1]!;
    assert.ok(r.headers.get("content-security-policy")!.includes(`'nonce-${nonce}'`));
  });

  it("the console JSON gives the lines after a cursor, and stops following when the task ends", async () => {
    const f = await webFixture();
    const id = await apiTask(f, "follow me", { start: true });
    await logLines(f, id, ["one", "two"]);
    const cookie = await login(f.web);
    const html = (await page(f.web, `/tasks/${id}`, cookie)).text;
    const after = Number(/data-after="(\d+)"/.exec(html)![1]);
    const none = JSON.parse(
      (await page(f.web, `/tasks/${id}/console?after=${after}`, cookie)).text,
    );
    assert.deepEqual(none.lines, []);
    assert.equal(none.follow, true);
    assert.equal(none.status, "in_progress");
    // lines with the same timestamp as the last one seen are not lost
    await f.events([
      { type: "log", task: id, msg: "three", timestamp: f.clock.now + 1 },
      { type: "log", task: id, msg: "four", timestamp: f.clock.now + 1 },
    ]);
    const more = JSON.parse(
      (await page(f.web, `/tasks/${id}/console?after=${after}`, cookie)).text,
    );
    assert.deepEqual(more.lines.map((l: { text: string }) => l.text), ["three", "four"]);
    assert.ok(more.after > after);
    const again = JSON.parse(
      (await page(f.web, `/tasks/${id}/console?after=${more.after}`, cookie)).text,
    );
    assert.deepEqual(again.lines, []);
    await f.api("tasks.completed", { task: id, force: true });
    const done = JSON.parse(
      (await page(f.web, `/tasks/${id}/console?after=${more.after}`, cookie)).text,
    );
    assert.equal(done.follow, false);
    assert.equal(done.status, "completed");
    assert.match((await page(f.web, `/tasks/${id}`, cookie)).text, /data-follow="0"/);
    assert.equal((await page(f.web, `/tasks/${id}/console?after=-1`, cookie)).status, 400);
    assert.equal((await page(f.web, `/tasks/nope/console?after=0`, cookie)).status, 404);
  });

  it("the console drops terminal colour codes", async () => {
    const f = await webFixture();
    const id = await apiTask(f, "colourful", { start: true });
    await logLines(f, id, [
      "\x1b[31mred\x1b[0m and \x1b[1;32mbold green\x1b[0m",
      "\x1b]0;title\x07plain",
    ]);
    const cookie = await login(f.web);
    const text = (await page(f.web, `/tasks/${id}`, cookie)).text;
    assert.match(text, />red and bold green\nplain\n<\/pre>/);
    const json = JSON.parse((await page(f.web, `/tasks/${id}/console?after=0`, cookie)).text);
    assert.deepEqual(json.lines.map((l: { text: string }) => l.text), [
      "red and bold green",
      "plain",
    ]);
  });

  it("a long console sends its tail and says older lines are left out", async () => {
    const f = await webFixture();
    const id = await apiTask(f, "chatty", { start: true });
    await logLines(f, id, Array.from({ length: 1200 }, (_, i) => `line ${i}`));
    const cookie = await login(f.web);
    const text = (await page(f.web, `/tasks/${id}`, cookie)).text;
    assert.match(text, /older lines are not shown/);
    assert.doesNotMatch(text, /line 199\n/);
    assert.match(text, /line 200\n[^]*line 1199\n<\/pre>/);
  });

  it("charts: one per metric, one line per series, with axis labels", async () => {
    const series: ScalarSeries[] = [
      { metric: "loss", variant: "train", points: [[0, 1], [1, 0.5], [2, 0.25]] },
      { metric: "loss", variant: "val", points: [[0, 1.2], [1, 0.7], [2, 0.4]] },
      { metric: "acc", variant: "val", points: [[0, 0.1], [2, 0.9]] },
    ];
    const f = await webFixture({ scalarSeries: (_s, task) => (task === id ? series : []) });
    const id = await apiTask(f, "charted");
    const cookie = await login(f.web);
    const text = (await page(f.web, `/tasks/${id}`, cookie)).text;
    const figures = [
      ...text.matchAll(/<figure class="chart" data-metric="([^"]+)" data-series="(\d+)"/g),
    ]
      .map((m) => [m[1], Number(m[2])]);
    assert.deepEqual(figures, [["acc", 1], ["loss", 2]]);
    assert.equal([...text.matchAll(/<path class="series"/g)].length, 3);
    assert.match(text, /data-variant="train"/);
    assert.match(text, /class="x-label"[^>]*>iteration</);
    assert.match(text, /class="y-label"[^>]*>loss</);
  });

  it("scalars and plots reported through events.add_batch reach the task page", async () => {
    const f = await webFixture();
    const id = await apiTask(f, "reported", { start: true });
    const scalars = [];
    for (let iter = 0; iter < 20; iter++) {
      for (const variant of ["train", "val"]) {
        scalars.push({
          type: "training_stats_scalar",
          task: id,
          metric: "loss",
          variant,
          iter,
          value: 1 / (iter + 1),
        });
      }
      scalars.push({
        type: "training_stats_scalar",
        task: id,
        metric: "lr",
        variant: "lr",
        iter,
        value: 0.1,
      });
    }
    scalars.push({
      type: "training_stats_scalar",
      task: id,
      metric: "Summary",
      variant: "best accuracy",
      iter: -(2 ** 31),
      value: 0.875,
    });
    await f.events(scalars);
    await f.events([{
      type: "plot",
      task: id,
      metric: "summary",
      variant: "table",
      iter: 0,
      plot_str: JSON.stringify({
        data: [{
          type: "table",
          header: { values: ["k", "v"] },
          cells: { values: [["acc"], [0.9]] },
        }],
      }),
    }]);
    const text = (await page(f.web, `/tasks/${id}`, await login(f.web))).text;
    const figures = [
      ...text.matchAll(/<figure class="chart" data-metric="([^"]+)" data-series="(\d+)"/g),
    ]
      .map((m) => [m[1], Number(m[2])]);
    assert.deepEqual(figures, [["loss", 2], ["lr", 1]]);
    assert.match(text, /train <span class="muted">\(20\)<\/span>/);
    // report_single_value: a table, not a chart
    assert.match(
      text,
      /<tr data-name="best accuracy"><th>best accuracy<\/th><td class="num">0\.875<\/td>/,
    );
    assert.match(text, /<tr><td>acc<\/td><td>0\.9<\/td><\/tr>/);
  });

  it("plot events render as tables", async () => {
    const f = await webFixture({
      plotEvents: () => [{
        metric: "tables",
        variant: "scores",
        iter: 3,
        plot_str: JSON.stringify({
          data: [{
            type: "table",
            header: { values: [["name"], ["score"]] },
            cells: { values: [["a", "b"], [1, 2]] },
          }],
          layout: { title: "Scores" },
        }),
      }],
    });
    const id = await apiTask(f, "plotted");
    const cookie = await login(f.web);
    const text = (await page(f.web, `/tasks/${id}`, cookie)).text;
    assert.match(text, /Scores/);
    assert.match(text, /<th>name<\/th><th>score<\/th>/);
    assert.match(text, /<tr><td>a<\/td><td>1<\/td><\/tr><tr><td>b<\/td><td>2<\/td><\/tr>/);
  });

  it("queues list their entries in order; workers show the task they run", async () => {
    const f = await webFixture();
    const q = queueByName(f.store, "default")!;
    const t1 = await apiTask(f, "queued one");
    const t2 = await apiTask(f, "queued two");
    const run = await apiTask(f, "running one", { start: true });
    await f.api("tasks.enqueue", { task: t1, queue: q.id });
    await f.api("tasks.enqueue", { task: t2, queue: q.id });
    await f.api("workers.register", { worker: "gpu-box:0", queues: [q.id] });
    await f.api("workers.status_report", {
      worker: "gpu-box:0",
      task: run,
      timestamp: f.clock.now,
    });
    await f.api("workers.register", { worker: "idle-box:0", queues: [q.id] });
    const cookie = await login(f.web);
    const queues = (await page(f.web, "/queues", cookie)).text;
    const section =
      new RegExp(`id="${q.id}" data-queue="default">[^]*?</section>`).exec(queues)![0];
    assert.match(section, /2 queued/);
    assert.ok(section.indexOf("queued one") < section.indexOf("queued two"));
    const workers = (await page(f.web, "/workers", cookie)).text;
    assert.match(
      workers,
      new RegExp(`data-worker="gpu-box:0">[^]*?href="/tasks/${run}">running one<`),
    );
    assert.match(workers, /data-worker="idle-box:0">[^]*?idle/);
    assert.match(workers, /<td>default<\/td>/);
  });

  it("the doctor page shows the serving machine's checks, with fixes of those that did not pass", async () => {
    const f = await webFixture({
      doctor: () =>
        Promise.resolve({
          schema: "clearml.doctor/v1",
          checks: [
            { id: "git.installed", status: "pass", summary: "git 2.39" },
            {
              id: "docker.daemon",
              status: "fail",
              summary: "no docker daemon",
              fix: { text: "start it", commands: ["systemctl start docker"] },
            },
          ],
        }),
    });
    const cookie = await login(f.web);
    const text = (await page(f.web, "/doctor", cookie)).text;
    assert.match(text, /data-check="git\.installed"[^]*?status-pass/);
    assert.match(text, /id="doctor-summary">.*1 fail.*1 pass/);
    assert.match(
      text,
      /data-check="docker\.daemon"[^]*?no docker daemon[^]*?start it[^]*?systemctl start docker/,
    );
    const broken = await webFixture({ doctor: () => Promise.reject(new Error("boom")) });
    const r = await page(broken.web, "/doctor", await login(broken.web));
    assert.equal(r.status, 500);
    assert.match(r.text, /could not be made/);
  });
});

describe("web pages escape what a task's author controls", () => {
  for (const payload of XSS) {
    it(`payload ${payload}`, async () => {
      const f = await webFixture({
        scalarSeries: () => [{ metric: payload, variant: payload, points: [[0, 1], [1, 2]] }],
        plotEvents: () => [{
          metric: payload,
          variant: payload,
          iter: 0,
          plot_str: JSON.stringify({
            data: [{
              type: "table",
              header: { values: [payload] },
              cells: { values: [[payload]] },
            }],
            layout: { title: payload },
          }),
        }],
        doctor: () =>
          Promise.resolve({ checks: [{ id: payload, status: "fail", summary: payload }] }),
      });
      const id = await apiTask(f, `task ${payload}`, { project: `proj ${payload}`, start: true });
      await f.api("tasks.edit", {
        task: id,
        force: true,
        comment: payload,
        hyperparams: { [payload]: { [payload]: { value: payload, type: payload } } },
        configuration: { [payload]: { value: payload } },
        execution: {
          artifacts: [
            { key: payload, type: payload, mode: "output", uri: `javascript:alert(1)//${payload}` },
            { key: "b", type: "x", mode: "output", uri: `http://h/${payload}` },
          ],
        },
      });
      await logLines(f, id, [payload, `</pre><script>alert(2)</script>`]);
      await f.api("workers.status_report", { worker: payload, task: id, timestamp: f.clock.now });
      await f.api("tasks.enqueue", {
        task: await apiTask(f, `queued ${payload}`),
        queue: queueByName(f.store, "default")!.id,
      });
      const cookie = await login(f.web);
      const pid = (await f.api("projects.get_all", {})).projects[0].id;
      const paths = [
        "/projects",
        `/projects/${pid}`,
        "/tasks",
        `/tasks/${id}`,
        "/queues",
        "/workers",
        "/doctor",
        `/login?next=${encodeURIComponent(payload)}`,
      ];
      for (const path of paths) {
        const r = await page(f.web, path, path.startsWith("/login") ? undefined : cookie);
        assert.ok(!r.text.includes(payload), `${path}: the payload appears unescaped`);
        assert.doesNotMatch(r.text, /<script>alert|<img src=x|<svg onload/, path);
        assert.doesNotMatch(r.text, /href="javascript:/i, path);
      }
      const task = (await page(f.web, `/tasks/${id}`, cookie)).text;
      assert.ok(task.includes("&lt;/pre&gt;&lt;script&gt;alert(2)&lt;/script&gt;"), "log escaped");
      // the only scripts are ours, with the nonce
      assert.equal([...task.matchAll(/<script/g)].length, 1);
    });
  }
});
