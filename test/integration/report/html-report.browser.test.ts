// The HTML report in a real headless browser (Debian's chromium through playwright-core): counts, a failing case, a screenshot.
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runTestCommand, type TestFlags } from "../../../src/cli/commands/test.js";
import type { Terminal } from "../../../src/cli/terminal.js";
import { createTempProject, EXAMPLE_DIR, type TempProject } from "../../helpers/temp-project.js";

const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const quiet: Terminal = { color: false, out: () => undefined, err: () => undefined };

/** Three cases that do not pass, beside the example's thirteen that do. */
const FAILING_CASES = [
  {
    name: "expects the wrong priority",
    set: { "contact.attributes.tier": "standard" },
    expect: { match: { priority: "high", customerId: "CUST-4412" } },
  },
  {
    name: "a score sent as a string is not expected",
    set: { "data.customFields.resolutionScore": "87", "contact.attributes.apiKey": "k-live-secret-1" },
    expect: { valid: true },
  },
  { name: "a trigger with no contact at all", unset: ["contact"], expect: { valid: true } },
];

describe("the HTML report in headless chromium", () => {
  let project: TempProject;
  let report: string;
  let userDataDir: string;
  let context: BrowserContext;
  let page: Page;
  const requests: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium); .ci/run does this in CI`);
    project = await createTempProject();
    const dir = await project.addAction("billing", {
      definition: JSON.parse(await readFile(join(EXAMPLE_DIR, "definition.json"), "utf8")) as Record<string, unknown>,
      transform: await readFile(join(EXAMPLE_DIR, "transform.ts"), "utf8"),
      trigger: JSON.parse(await readFile(join(EXAMPLE_DIR, "trigger.json"), "utf8")) as Record<string, unknown>,
      cases: {
        "rules.json": await readFile(join(EXAMPLE_DIR, "cases", "rules.json"), "utf8"),
        "traps.json": await readFile(join(EXAMPLE_DIR, "cases", "traps.json"), "utf8"),
        "wrong.json": FAILING_CASES,
      },
    });
    const reports = join(project.root, "reports");
    const flags = {
      var: [],
      env: "sandbox",
      timeout: 5000,
      memory: 256,
      workers: 2,
      seed: "cxda",
      html: true,
      coverage: true,
      profile: true,
      trace: true,
      reportsDir: reports,
    } as TestFlags;
    expect(await runTestCommand([dir], flags, quiet)).toBe(1);
    report = join(reports, "report.html");
    userDataDir = await mkdtemp(join(tmpdir(), "cxda-chromium-"));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on("request", (request) => requests.push(request.url()));
    await page.goto(pathToFileURL(report).href);
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
    await project?.remove();
  });

  it("shows the run's counts", async () => {
    await expect.poll(() => page.title()).toBe("cxda run report: 3 of 17 not passing");
    expect(await page.locator('[data-count="total"]').textContent()).toBe("17");
    expect(await page.locator('[data-count="pass"]').textContent()).toBe("14");
    expect(await page.locator('[data-count="fail"]').textContent()).toBe("3");
    expect(await page.locator('[data-count="error"]').textContent()).toBe("0");
    expect(await page.locator("details.case").count()).toBe(17);
  });

  it("expands a failing case to show expected vs actual, the issue highlighted in the payload, and the timeline", async () => {
    const failing = page.locator("details.case", { hasText: "expects the wrong priority" });
    await expect.poll(() => failing.evaluate((d) => d.hasAttribute("open"))).toBe(false);
    await failing.locator("summary").click();
    await expect.poll(() => failing.evaluate((d) => d.hasAttribute("open"))).toBe(true);
    const diff = failing.locator("table.diff tbody tr");
    expect(await diff.count()).toBe(1);
    expect(await diff.first().innerText()).toMatch(/\/priority\s+"high"\s+"standard"/);
    expect(await failing.locator(".payloads mark.hl").first().isVisible()).toBe(true);
    expect(await failing.locator(".timeline .row").count()).toBe(5);

    const invalid = page.locator("details.case", { hasText: "a score sent as a string is not expected" });
    await invalid.locator("summary").click();
    const marked = invalid.locator(".payloads mark.hl");
    expect(await marked.first().innerText()).toContain('"87"');
    expect(await invalid.innerText()).not.toContain("k-live-secret-1");
    expect(await invalid.innerText()).toContain("[redacted]");

    const missing = page.locator("details.case", { hasText: "a trigger with no contact at all" });
    await missing.locator("summary").click();
    expect(await missing.locator(".j-ghost").innerText()).toBe('"contact": (missing)');
    // The ghost line comes last in a long trigger: the payload box scrolls to it.
    await expect
      .poll(() =>
        missing
          .locator(".payloads pre.json")
          .first()
          .evaluate((pre) => pre.scrollTop),
      )
      .toBeGreaterThan(0);
  });

  it("filters to failures only", async () => {
    await page.locator('button[data-filter="failures"]').click();
    expect(await page.locator("details.case:visible").count()).toBe(3);
    await page.locator('button[data-filter="all"]').click();
    expect(await page.locator("details.case:visible").count()).toBe(17);
  });

  it("shows coverage per file linking to istanbul's page, and the profile's top functions", async () => {
    const link = page.locator("table.coverage tbody tr[data-file] a");
    expect(await link.count()).toBe(1);
    const href = await link.getAttribute("href");
    expect(href).toBe("coverage/transform.ts.html");
    expect((await stat(join(project.root, "reports", href!))).isFile()).toBe(true);
    expect(await page.locator("[data-profile] h3").innerText()).toBe("da-test-12345");
  });

  it("loads nothing from the network", () => {
    expect(requests.length).toBeGreaterThan(0);
    for (const url of requests) expect(url.startsWith("file://")).toBe(true);
  });

  it("saves a screenshot of the expanded failing case", async () => {
    const shot = join(project.root, "report.png");
    await page.locator("details.case", { hasText: "expects the wrong priority" }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: shot, fullPage: true });
    const png = await readFile(shot);
    expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
    if (process.env.CXDA_KEEP_SCREENSHOT) await writeFile(process.env.CXDA_KEEP_SCREENSHOT, png);
  });
});
