/**
 * The web page of a running `clearml serve`, in a real browser: Debian's chromium driven by
 * playwright-core (`executablePath`, headless). The real SDK 1.17.0 (../shared/peers) reports a
 * task (scalars, console, a table, a dict artifact); another task, made through the API, runs while the page
 * follows its console, and has an artifact on the files port. The browser logs in through the
 * form, reads the chart's series count and the console text from the DOM, watches lines arrive,
 * downloads the artifact from its link; screenshots go to `.tmp/web/` for a person to look at.
 * Both `deno test` and `bun test` drive chromium. Runs where chromium is installed; CI=true or
 * CLEARML_IT=1 require it (and the SDK's python3).
 */
import { sdkPython } from "../_helpers/peers.ts";
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { ROOT } from "../_helpers/cli.ts";
import { needs, requirePart } from "../_helpers/real_part.ts";
import {
  clientConf,
  keyedArgs,
  RawApi,
  type ServeProcess,
  startServe,
} from "../server/_serve_process.ts";

// page functions run in the browser, passed as functions (the page's CSP forbids eval of strings)
// deno-lint-ignore no-explicit-any
declare const document: any;

const CHROMIUM = process.env.CLEARML_CHROMIUM ?? "/usr/bin/chromium";
const SHOTS = join(ROOT, ".tmp", "web");
const KEY = "WEBKEY0123456789ABCDEFGHIJKLMN";
const SECRET = "webSecret0123456789abcdefghijklmnopqrstuvwxyzABCDE";
const ARTIFACT = "weights of the model\n".repeat(100);

const SDK_SCRIPT = `
from clearml import Task
t = Task.init(project_name="web/demo", task_name="sdk charted run",
              auto_connect_frameworks=False, auto_resource_monitoring=False)
log = t.get_logger()
for i in range(10):
    log.report_scalar("loss", "train", value=1.0 / (i + 1), iteration=i)
    log.report_scalar("loss", "validation", value=1.2 / (i + 1), iteration=i)
    log.report_scalar("accuracy", "validation", value=i / 10.0, iteration=i)
    print("SDK LINE", i)
log.report_table("summary", "scores", iteration=0, table_plot=[["name", "score"], ["a", 1], ["b", 2]])
t.upload_artifact("settings", artifact_object={"depth": 3, "name": "sdk"}, wait_on_upload=True)
print("SDK-TASK-ID", t.id)
t.close()
`;

describe(
  "the web page of clearml serve in chromium",
  needs("chromium", existsSync(CHROMIUM)),
  () => {
    let dir: string;
    let server: ServeProcess;
    let api: RawApi;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    let sdkTask: string;
    let liveTask: string;
    let lineTime = Date.now();

    const addLines = async (task: string, lines: string[]) => {
      for (const msg of lines) {
        await api.call("events.add", {
          type: "log",
          task,
          msg,
          level: "info",
          timestamp: ++lineTime,
        });
      }
    };

    before(async () => {
      requirePart("chromium", existsSync(CHROMIUM), "apt-get install chromium");
      mkdirSync(SHOTS, { recursive: true });
      dir = mkdtempSync(join(tmpdir(), "clearml-web-browser-"));
      server = await startServe(keyedArgs(join(dir, "data"), KEY, SECRET));
      api = new RawApi(server.url);
      await api.login(KEY, SECRET);

      // the real SDK reports a task against the three ports
      const home = join(dir, "home");
      mkdirSync(home, { recursive: true });
      writeFileSync(join(home, "clearml.conf"), clientConf(server, KEY, SECRET));
      writeFileSync(join(dir, "sdk_task.py"), SDK_SCRIPT);
      const r = spawnSync(...sdkPython([join(dir, "sdk_task.py")]), {
        cwd: dir,
        env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, TMPDIR: dir },
        encoding: "utf8",
        timeout: 150_000,
      });
      assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
      sdkTask = /SDK-TASK-ID ([0-9a-f]{32})/.exec(r.stdout)![1]!;

      // a running task made through the API, with an artifact uploaded to the files port
      const project = (await api.call("projects.get_all", { name: "^web/demo$" })).projects[0].id;
      liveTask =
        (await api.call("tasks.create", { name: "live run", type: "training", project })).id;
      await api.call("tasks.started", { task: liveTask });
      const stored = `web/demo/live.${liveTask}/artifacts/weights/weights.txt`;
      const form = new FormData();
      form.append(stored, new Blob([ARTIFACT]), "weights.txt");
      const up = await fetch(`${server.filesUrl}/`, {
        method: "POST",
        headers: { authorization: `Bearer ${api.token}` },
        body: form,
      });
      assert.equal(up.status, 200, await up.text());
      await api.call("tasks.edit", {
        task: liveTask,
        force: true,
        execution: {
          artifacts: [{
            key: "weights",
            type: "custom",
            mode: "output",
            uri: `${server.filesUrl}/${stored}`,
            content_size: ARTIFACT.length,
          }],
        },
      });
      await addLines(liveTask, ["starting <b>not bold</b>", "epoch 1"]);

      browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
      context = await browser.newContext({ acceptDownloads: true });
      page = await context.newPage();
    });

    after(async () => {
      await browser?.close();
      if (server && server.child.exitCode === null) {
        server.child.kill("SIGTERM");
        await server.exited;
      }
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it(
      "asks for the key pair, then opens the page it was going to",
      { timeout: 60_000 },
      async () => {
        await page.goto(`${server.webUrl}/tasks/${sdkTask}`);
        assert.match(page.url(), /\/login\?next=/);
        await page.fill("#access_key", KEY);
        await page.fill("#secret_key", `${SECRET}-wrong`);
        await page.click("button[type=submit]");
        assert.match((await page.textContent("[role=alert]")) ?? "", /wrong/);
        await page.fill("#access_key", KEY);
        await page.fill("#secret_key", SECRET);
        await page.click("button[type=submit]");
        await page.waitForSelector("#task-name");
        assert.equal(new URL(page.url()).pathname, `/tasks/${sdkTask}`);
        assert.equal(await page.textContent("#task-name"), "sdk charted run");
        const session = (await context.cookies()).find((c) => c.name === "clearml_web_session");
        assert.ok(session?.httpOnly, "the session cookie is HttpOnly");
        assert.equal(session?.sameSite, "Strict");
        assert.equal(await page.evaluate(() => document.cookie), "", "no script can read a cookie");
        assert.ok(!(await page.content()).includes(SECRET), "no secret in the page");
        await page.screenshot({ path: join(SHOTS, "sdk-task.png"), fullPage: true });
      },
    );

    it(
      "shows the SDK's scalars as charts, its table, its console and a downloadable artifact",
      { timeout: 60_000 },
      async () => {
        const charts = await page.locator("figure.chart").evaluateAll((els) =>
          els.map((e) => [e.getAttribute("data-metric"), e.getAttribute("data-series")])
        );
        assert.deepEqual(charts, [["accuracy", "1"], ["loss", "2"]]);
        const loss = page.locator('figure.chart[data-metric="loss"]');
        assert.equal(await loss.locator("path.series").count(), 2);
        const variants = await loss.locator("path.series").evaluateAll((els) =>
          els.map((e) => e.getAttribute("data-variant"))
        );
        assert.deepEqual(variants, ["train", "validation"]);
        const box = await loss.locator("svg").boundingBox();
        assert.ok(box && box.width > 100 && box.height > 100, "the chart is drawn");
        assert.equal(await page.textContent("#task-status"), "completed");
        const table = await page.locator('section.plot[data-metric="summary"] table').innerText();
        assert.match(table, /name\s+score/);
        assert.match(table, /a\s+1/);
        const text = await page.textContent("#console") ?? "";
        for (let i = 0; i < 10; i++) assert.match(text, new RegExp(`SDK LINE ${i}\\n`));
        // the SDK's dict artifact, uploaded to the files port, downloads from its link
        const [download] = await Promise.all([
          page.waitForEvent("download"),
          page.click('tr[data-artifact="settings"] a.download'),
        ]);
        const saved = join(SHOTS, "downloaded-settings.json");
        await download.saveAs(saved);
        assert.deepEqual(JSON.parse(readFileSync(saved, "utf8")), { depth: 3, name: "sdk" });
      },
    );

    it("follows the console of a running task as lines arrive", { timeout: 60_000 }, async () => {
      await page.goto(`${server.webUrl}/tasks/${liveTask}`);
      assert.equal(await page.textContent("#console"), "starting <b>not bold</b>\nepoch 1\n");
      assert.equal(await page.locator("#console b").count(), 0, "log text is not markup");
      for (let i = 2; i <= 4; i++) {
        await addLines(liveTask, [`epoch ${i}`]);
        await page.waitForFunction(
          (want: string) => document.getElementById("console").textContent.includes(want),
          `epoch ${i}\n`,
          { timeout: 15_000 },
        );
      }
      assert.equal(
        await page.textContent("#console"),
        "starting <b>not bold</b>\nepoch 1\nepoch 2\nepoch 3\nepoch 4\n",
      );
      await page.screenshot({ path: join(SHOTS, "live-task.png"), fullPage: true });
      await api.call("tasks.completed", { task: liveTask, force: true });
      await page.waitForFunction(
        () => document.getElementById("task-status").textContent === "completed",
        null,
        { timeout: 15_000 },
      );
      await page.waitForFunction(() => document.getElementById("console").dataset.follow === "0");
    });

    it("downloads an artifact from its link to the files port", { timeout: 60_000 }, async () => {
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.click('tr[data-artifact="weights"] a.download'),
      ]);
      const saved = join(SHOTS, "downloaded-weights.txt");
      await download.saveAs(saved);
      assert.equal(download.suggestedFilename(), "weights.txt");
      assert.equal(readFileSync(saved, "utf8"), ARTIFACT);
    });

    it("shows queues with their entries, workers with their task, and the doctor report", {
      timeout: 90_000,
    }, async () => {
      const queue = (await api.call("queues.get_all", { name: "^default$" })).queues[0].id;
      const waiting =
        (await api.call("tasks.create", { name: "waiting run", type: "training" })).id;
      await api.call("tasks.enqueue", { task: waiting, queue });
      const busy = (await api.call("tasks.create", { name: "busy run", type: "training" })).id;
      await api.call("tasks.started", { task: busy });
      await api.call("workers.register", { worker: "browser-box:0", queues: [queue] });
      await api.call("workers.status_report", {
        worker: "browser-box:0",
        task: busy,
        timestamp: Date.now(),
      });
      await page.goto(`${server.webUrl}/queues`);
      const entry = page.locator(`section[data-queue="default"] tr[data-task="${waiting}"]`);
      assert.match(await entry.innerText(), /waiting run\s+queued/);
      await page.screenshot({ path: join(SHOTS, "queues.png"), fullPage: true });
      await page.goto(`${server.webUrl}/workers`);
      const worker = page.locator('tr[data-worker="browser-box:0"]');
      assert.match(await worker.innerText(), /default\s+busy run/);
      await worker.locator("a").click();
      await page.waitForSelector("#task-name");
      assert.equal(await page.textContent("#task-name"), "busy run");
      await page.screenshot({ path: join(SHOTS, "workers.png"), fullPage: true });
      await page.goto(`${server.webUrl}/doctor`);
      assert.ok(
        await page.locator("table.doctor tr[data-check]").count() > 5,
        "the doctor's checks",
      );
      await page.screenshot({ path: join(SHOTS, "doctor.png"), fullPage: true });
    });

    it("lists the tasks under their project; a forged cookie gets the login form", {
      timeout: 60_000,
    }, async () => {
      await page.goto(`${server.webUrl}/projects`);
      await page.click("text=web/demo");
      await page.waitForSelector(`tr[data-task="${liveTask}"]`);
      assert.match(await page.textContent(`tr[data-task="${sdkTask}"]`) ?? "", /completed/);
      await page.screenshot({ path: join(SHOTS, "project.png"), fullPage: true });
      const other = await browser.newContext();
      await other.addCookies([{
        name: "clearml_web_session",
        value: "forged-forged-forged-forged-forged-forged-00",
        url: server.webUrl,
      }]);
      const p2 = await other.newPage();
      const r = await p2.goto(`${server.webUrl}/tasks/${sdkTask}`);
      assert.equal(r?.status(), 401);
      assert.ok(await p2.isVisible("#secret_key"));
      assert.ok(!(await p2.content()).includes("sdk charted run"));
      await other.close();
    });
  },
);
