/**
 * The web page in a real browser: Debian's chromium driven by playwright-core (`executablePath`,
 * headless). Log in through the form, open a task made through the API, read its chart's series
 * count and the console text from the DOM, watch the console follow while log lines are added,
 * download an artifact from its link; screenshots go to `.tmp/web/` for a person to look at.
 * Runs where chromium is installed; CI=true or CLEARML_IT=1 require it.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { type RunningServer, serve } from "../../src/runtime/serve.ts";
import { createWebApp } from "../../src/server/web/app.ts";
import type { ScalarSeries } from "../../src/server/web/chart_geometry.ts";
import { ROOT } from "../_helpers/cli.ts";
import { needs, requirePart } from "../_helpers/real_part.ts";
import {
  apiTask,
  KEY,
  logLines,
  SECRET,
  type WebFixture,
  webFixture,
} from "../server/web_fixture.ts";

// page functions run in the browser (evaluated as functions: the page's CSP forbids eval of strings)
// deno-lint-ignore no-explicit-any
declare const document: any;

const CHROMIUM = process.env.CLEARML_CHROMIUM ?? "/usr/bin/chromium";
const SHOTS = join(ROOT, ".tmp", "web");
const ARTIFACT = "weights of the model\n".repeat(100);

describe("the web page in chromium", needs("chromium", existsSync(CHROMIUM)), () => {
  let f: WebFixture;
  let server: RunningServer;
  let files: Server;
  let filesUrl: string;
  let browser: Browser;
  let page: Page;
  let taskId: string;
  const series: ScalarSeries[] = [
    { metric: "loss", variant: "train", points: [[0, 1], [1, 0.6], [2, 0.4], [3, 0.3]] },
    { metric: "loss", variant: "validation", points: [[0, 1.1], [1, 0.8], [2, 0.7], [3, 0.65]] },
    { metric: "loss", variant: "test", points: [[0, 1.2], [3, 0.7]] },
  ];

  before(async () => {
    requirePart("chromium", existsSync(CHROMIUM), "apt-get install chromium");
    mkdirSync(SHOTS, { recursive: true });
    // a stand-in files server: the artifact's link points here
    files = createServer((req, res) => {
      if (req.url === "/proj/run.1/artifacts/weights/weights.txt") {
        res.writeHead(200, {
          "content-type": "application/octet-stream",
          "content-disposition": 'attachment; filename="weights.txt"',
        });
        res.end(ARTIFACT);
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((r) => files.listen(0, "127.0.0.1", r));
    filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;

    f = await webFixture();
    taskId = await apiTask(f, "browser run", { project: "browser/demo", start: true });
    await f.api("tasks.edit", {
      task: taskId,
      force: true,
      execution: {
        artifacts: [{
          key: "weights",
          type: "custom",
          mode: "output",
          uri: `${filesUrl}/proj/run.1/artifacts/weights/weights.txt`,
          content_size: ARTIFACT.length,
        }],
      },
    });
    await logLines(f, taskId, ["starting <b>not bold</b>", "epoch 1"]);
    const web = createWebApp(f.store, {
      pollMs: 200,
      now: () => f.clock.now,
      scalarSeries: (_s, id) => (id === taskId ? series : []),
    });
    server = await serve({
      fetch: web.fetch,
      host: "127.0.0.1",
      port: 0,
      maxBodyBytes: 1 << 20,
      timeoutMs: 30_000,
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
    page = await (await browser.newContext({ acceptDownloads: true })).newPage();
  });

  after(async () => {
    await browser?.close();
    await server?.close(1000);
    await new Promise((r) => files ? files.close(r) : r(undefined));
    f?.store.close();
  });

  const base = () => `http://127.0.0.1:${server.port}`;

  it(
    "asks for the key pair, then opens the page it was going to",
    { timeout: 60_000 },
    async () => {
      await page.goto(`${base()}/tasks/${taskId}`);
      assert.match(page.url(), /\/login\?next=/);
      await page.fill("#access_key", KEY);
      await page.fill("#secret_key", `${SECRET}-wrong`);
      await page.click("button[type=submit]");
      assert.match((await page.textContent("[role=alert]")) ?? "", /wrong/);
      await page.fill("#access_key", KEY);
      await page.fill("#secret_key", SECRET);
      await page.click("button[type=submit]");
      await page.waitForSelector("#task-name");
      assert.equal(new URL(page.url()).pathname, `/tasks/${taskId}`);
      assert.equal(await page.textContent("#task-name"), "browser run");
      const cookies = await page.context().cookies();
      const session = cookies.find((c) => c.name === "clearml_web_session");
      assert.ok(session?.httpOnly, "the session cookie is HttpOnly");
      assert.equal(session?.sameSite, "Strict");
      assert.equal(await page.evaluate(() => document.cookie), "", "no script can read it");
      await page.screenshot({ path: join(SHOTS, "task.png"), fullPage: true });
    },
  );

  it(
    "shows the chart with one line per series and the console text",
    { timeout: 60_000 },
    async () => {
      const chart = page.locator('figure.chart[data-metric="loss"]');
      assert.equal(await chart.getAttribute("data-series"), "3");
      assert.equal(await chart.locator("path.series").count(), 3);
      const variants = await chart.locator("path.series").evaluateAll((els) =>
        els.map((e) => e.getAttribute("data-variant"))
      );
      assert.deepEqual(variants, ["train", "validation", "test"]);
      const box = await chart.locator("svg").boundingBox();
      assert.ok(box && box.width > 100 && box.height > 100, "the chart is drawn");
      const text = await page.textContent("#console");
      assert.equal(text, "starting <b>not bold</b>\nepoch 1\n");
      assert.equal(await page.locator("#console b").count(), 0, "log text is not markup");
    },
  );

  it("follows the console of a running task as lines arrive", { timeout: 60_000 }, async () => {
    for (let i = 2; i <= 4; i++) {
      await logLines(f, taskId, [`epoch ${i}`]);
      await page.waitForFunction(
        (want: string) => document.getElementById("console").textContent.includes(want),
        `epoch ${i}\n`,
        { timeout: 10_000 },
      );
    }
    assert.equal(
      await page.textContent("#console"),
      "starting <b>not bold</b>\nepoch 1\nepoch 2\nepoch 3\nepoch 4\n",
    );
    await f.api("tasks.completed", { task: taskId, force: true });
    await page.waitForFunction(
      () => document.getElementById("task-status").textContent === "completed",
      null,
      { timeout: 10_000 },
    );
    await page.waitForFunction(() => document.getElementById("console").dataset.follow === "0");
    await page.screenshot({ path: join(SHOTS, "task-completed.png"), fullPage: true });
  });

  it("downloads an artifact from its link", { timeout: 60_000 }, async () => {
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.click('tr[data-artifact="weights"] a.download'),
    ]);
    const saved = join(SHOTS, "downloaded-weights.txt");
    await download.saveAs(saved);
    assert.equal(download.suggestedFilename(), "weights.txt");
    assert.equal(readFileSync(saved, "utf8"), ARTIFACT);
  });

  it("lists the task under its project, and a forged cookie gets the login form", {
    timeout: 60_000,
  }, async () => {
    await page.goto(`${base()}/projects`);
    await page.click("text=browser/demo");
    await page.waitForSelector(`tr[data-task="${taskId}"]`);
    assert.match(await page.textContent(`tr[data-task="${taskId}"]`) ?? "", /completed/);
    await page.screenshot({ path: join(SHOTS, "project.png"), fullPage: true });
    const ctx = await browser.newContext();
    await ctx.addCookies([{
      name: "clearml_web_session",
      value: "forged-forged-forged-forged-forged-forged-00",
      url: base(),
    }]);
    const p2 = await ctx.newPage();
    const r = await p2.goto(`${base()}/tasks/${taskId}`);
    assert.equal(r?.status(), 401);
    assert.ok(await p2.isVisible("#secret_key"));
    assert.ok(!(await p2.content()).includes("browser run"));
    await ctx.close();
  });
});
