// The run's HTML report: one self-contained page with the summary, every case, its trace, the profile and coverage.
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import type { CaseResult, RunSummary, TraceStep } from "../core/types.js";
import type { CoverageFileReport } from "../coverage/coverage-reports.js";
import type { CoverageMetric, CoverageMetricName } from "../coverage/coverage-summary.js";
import type { CoverageShortfall } from "../coverage/coverage-thresholds.js";
import type { ProfileFunction } from "../profile/top-functions.js";
import { DECLARATIVE_STEP_SET, declarativeStepLines } from "./declarative-steps.js";
import { redactResult, redactSecrets } from "../secrets/redact.js";
import { domId, escapeHtml, formatMs, showShort } from "./html-text.js";
import { renderJson, type JsonHighlight } from "./render-json.js";
import { REPORT_CSS, REPORT_JS } from "./report-assets.js";
import { stringDiffSegments, type DiffSegment } from "./value-diff.js";
import { caseWhere } from "./case-lines.js";

/** One case in the report, with the trigger it received when known. */
export interface HtmlReportCase {
  result: CaseResult;
  trigger?: unknown;
}

/** One action's profile in the report. */
export interface HtmlReportProfile {
  action: string;
  /** Link to the `.cpuprofile`, relative to the report. */
  href?: string;
  sampledMs: number;
  batches: number;
  /** Time in the transform's own code. */
  transform?: { ms: number; pct: number };
  /** The transform's functions by self time. */
  top: ProfileFunction[];
}

/** Coverage in the report. */
export interface HtmlReportCoverage {
  total: Record<CoverageMetricName, CoverageMetric>;
  files: CoverageFileReport[];
  /** The coverage folder relative to the report (`coverage`), when istanbul's html was written there. */
  href?: string;
  shortfalls: CoverageShortfall[];
}

/** Everything the report shows. */
export interface HtmlReportData {
  /** @default "cxda run report" */
  title?: string;
  /** @default now */
  generatedAt?: Date;
  summary: RunSummary;
  cases: HtmlReportCase[];
  profiles?: HtmlReportProfile[];
  coverage?: HtmlReportCoverage;
  /** Other files of the run to link to (traces folder, OTLP file…), relative to the report. */
  links?: Array<{ label: string; href: string }>;
}

const STATUS_LABEL = { pass: "pass", fail: "fail", error: "error" } as const;

function caseId(result: CaseResult, index: number): string {
  return domId("case", result.action, result.case, String(index));
}

function timeline(steps: TraceStep[]): string {
  const own = steps.filter((s) => s.step !== "load-definition");
  const shared = steps.filter((s) => s.step === "load-definition");
  const first = own.length === 0 ? 0 : Math.min(...own.map((s) => s.startedAt));
  const last = own.length === 0 ? 0 : Math.max(...own.map((s) => s.startedAt + s.durationMs));
  const span = Math.max(last - first, 0.001);
  const rows = own.map((s) => {
    const left = ((s.startedAt - first) / span) * 100;
    const width = Math.max((s.durationMs / span) * 100, 0.6);
    const kind = s.ok === null ? "skipped" : s.ok ? "" : "bad";
    const detail = s.detail && Object.keys(s.detail).length > 0 ? ` title="${escapeHtml(JSON.stringify(s.detail))}"` : "";
    return `<div class="row"><span>${escapeHtml(s.step)}</span><div class="track"${detail}><div class="bar ${kind}" style="left:${left.toFixed(2)}%;width:${Math.min(width, 100 - left).toFixed(2)}%"></div></div><span class="dur">${s.ok === null ? "skipped" : formatMs(s.durationMs)}</span></div>`;
  });
  for (const s of shared) {
    rows.unshift(
      `<div class="row shared"><span>${escapeHtml(s.step)}</span><span>once for the action, before its cases${s.ok === false ? " (failed)" : ""}</span><span class="dur">${formatMs(s.durationMs)}</span></div>`,
    );
  }
  if (rows.length === 0) return `<p class="meta">no step ran</p>`;
  return `<div class="timeline">${rows.join("")}</div>`;
}

/** The longest string shown in full in the expected-vs-actual table; a longer one is cut after its first change. */
const MAX_DIFF_STRING = 2_000;

/** One side of a string diff as a JSON string literal, its changed runs in `<del>` (expected) or `<ins>` (actual). */
function markedString(segments: DiffSegment[], tag: "del" | "ins"): string {
  let length = 0;
  let body = "";
  for (const segment of segments) {
    if (length >= MAX_DIFF_STRING) {
      body += "…";
      break;
    }
    const text = segment.text.slice(0, MAX_DIFF_STRING - length);
    length += text.length;
    const escaped = escapeHtml(JSON.stringify(text).slice(1, -1));
    body += segment.changed ? `<${tag} class="chg">${escaped}</${tag}>` : escaped;
  }
  return `"${body}"`;
}

/** The expected and actual cells of a difference: strings with their changed characters marked, other values short. */
function diffCells(expected: unknown, actual: unknown): [string, string] {
  if (typeof expected === "string" && typeof actual === "string") {
    const sides = stringDiffSegments(expected, actual);
    return [markedString(sides.expected, "del"), markedString(sides.actual, "ins")];
  }
  return [escapeHtml(showShort(expected, 400)), escapeHtml(showShort(actual, 400))];
}

function reasons(result: CaseResult): string {
  const parts: string[] = [];
  if (result.error) {
    const stack = result.error.stack ? `<pre>${escapeHtml(result.error.stack.split("\n").slice(1, 6).join("\n"))}</pre>` : "";
    parts.push(`<div class="box error"><strong>${escapeHtml(result.error.code)}</strong> ${escapeHtml(result.error.message)}${stack}</div>`);
  }
  const compared = result.failures.filter((f) => (f.expectation === "output" || f.expectation === "match") && f.path !== undefined);
  const other = result.failures.filter((f) => !compared.includes(f));
  if (other.length > 0) parts.push(`<div class="box fail"><ul>${other.map((f) => `<li>${escapeHtml(f.message)}</li>`).join("")}</ul></div>`);
  if (compared.length > 0) {
    const rows = compared
      .map((f) => {
        const [expected, actual] = diffCells(f.expected, f.actual);
        return `<tr><td><code class="path">${escapeHtml(f.path ?? "/")}</code></td><td class="expected"><code>${expected}</code></td><td class="actual"><code>${actual}</code></td></tr>`;
      })
      .join("");
    parts.push(
      `<h4>Expected vs actual</h4><table class="diff"><thead><tr><th>path</th><th>expected</th><th>actual</th></tr></thead><tbody>${rows}</tbody></table>`,
    );
  }
  return parts.join("");
}

function issuesList(result: CaseResult): string {
  if (result.issues.length === 0) return "";
  const items = result.issues
    .map(
      (i) =>
        `<li><span class="badge ${i.side === "input" ? "error" : "fail"}">${i.side}</span> <code class="path">${escapeHtml(i.path || "/")}</code> <code>${escapeHtml(i.keyword)}</code> ${escapeHtml(i.message)}</li>`,
    )
    .join("");
  return `<h4>Validation issues</h4><ul class="issues">${items}</ul>`;
}

function payloads(result: CaseResult, trigger: unknown): string {
  const inputMarks: JsonHighlight[] = result.issues
    .filter((i) => i.side === "input")
    .map((i) => ({ path: i.path, note: `${i.keyword}: ${i.message}` }));
  const outputMarks: JsonHighlight[] = [
    ...result.issues.filter((i) => i.side === "output").map((i) => ({ path: i.path, note: `${i.keyword}: ${i.message}` })),
    ...result.failures
      .filter((f) => (f.expectation === "output" || f.expectation === "match") && f.path !== undefined)
      .map((f) => ({ path: f.path!, note: f.message })),
  ];
  const input = trigger === undefined ? `<p class="meta">not recorded</p>` : renderJson(trigger, inputMarks);
  const output = result.output === undefined ? `<p class="meta">no output</p>` : renderJson(result.output, outputMarks);
  return `<div class="payloads"><div><h4>Input (trigger)</h4>${input}</div><div><h4>Output</h4>${output}</div></div>`;
}

/** A declarative action's request, answer, translation map and rendered output, step by step (as Genesys' Test view). */
function declarativeSection(result: CaseResult): string {
  const steps = result.trace.steps.filter((s) => DECLARATIVE_STEP_SET.has(s.step));
  if (steps.length === 0) return "";
  const items = steps
    .map((s) => {
      const lines = declarativeStepLines(s);
      const state = s.ok === null ? "skipped" : s.ok ? "ok" : "failed";
      const body = lines.length === 0 ? "" : `<pre>${lines.map((line) => escapeHtml(line)).join("\n")}</pre>`;
      return `<li class="step ${state}" data-step="${escapeHtml(s.step)}"><span class="lvl">${escapeHtml(s.step)}</span> <span class="dur">${state === "skipped" ? "skipped" : formatMs(s.durationMs)}</span>${body}</li>`;
    })
    .join("");
  return `<h4>Request and response</h4><ol class="steps">${items}</ol>`;
}

function logs(result: CaseResult): string {
  if (result.logs.length === 0) return "";
  const items = result.logs
    .map(
      (l) => `<li class="${l.level}"><span class="dur">+${formatMs(l.atMs)}</span> <span class="lvl">${l.level}</span> ${escapeHtml(l.message)}</li>`,
    )
    .join("");
  return `<h4>Logs</h4><ul class="logs">${items}</ul>`;
}

function caseSection(entry: HtmlReportCase, index: number, open: boolean): string {
  const result = redactResult(entry.result);
  const trigger = entry.trigger === undefined ? undefined : redactSecrets(entry.trigger);
  const id = caseId(result, index);
  const where = caseWhere(result);
  const meta = [where ? `from ${escapeHtml(where)}` : "", `${result.issues.length} issue${result.issues.length === 1 ? "" : "s"}`]
    .filter(Boolean)
    .join(" · ");
  const body = [
    `<p class="meta">${meta}</p>`,
    reasons(result),
    issuesList(result),
    payloads(result, trigger),
    `<h4>Trace</h4>${timeline(result.trace.steps)}`,
    declarativeSection(result),
    logs(result),
  ].join("");
  return `<details class="case" id="${id}" data-status="${result.status}"${open ? " open" : ""}><summary><span class="badge ${result.status}">${STATUS_LABEL[result.status]}</span><span class="case-name">${escapeHtml(result.case)}</span><span class="dur">${formatMs(result.durationMs)}</span></summary><div class="case-body">${body}</div></details>`;
}

function actionsSection(cases: HtmlReportCase[]): string {
  // The first case that did not pass starts open: it is what the reader came for.
  const firstFailure = cases.findIndex((entry) => entry.result.status !== "pass");
  const groups = new Map<string, Array<{ entry: HtmlReportCase; index: number }>>();
  cases.forEach((entry, index) => {
    const list = groups.get(entry.result.action) ?? [];
    list.push({ entry, index });
    groups.set(entry.result.action, list);
  });
  return [...groups]
    .map(([action, list]) => {
      const passed = list.filter((c) => c.entry.result.status === "pass").length;
      const failed = list.length - passed;
      const counts = `${passed} passed${failed > 0 ? ` · <span style="color:var(--fail)">${failed} failed</span>` : ""}`;
      return `<section class="action${failed === 0 ? " all-pass" : ""}" data-action="${escapeHtml(action)}"><h3>${escapeHtml(action)} <span class="counts">${counts}</span></h3>${list.map((c) => caseSection(c.entry, c.index, c.index === firstFailure)).join("")}</section>`;
    })
    .join("");
}

function quickList(cases: HtmlReportCase[]): string {
  const failing = cases.map((entry, index) => ({ entry, index })).filter((c) => c.entry.result.status !== "pass");
  if (failing.length === 0) return "";
  const items = failing
    .slice(0, 50)
    .map(
      ({ entry, index }) =>
        `<li><a href="#${caseId(entry.result, index)}">${escapeHtml(entry.result.action)} › ${escapeHtml(entry.result.case)}</a> <span class="badge ${entry.result.status}">${entry.result.status}</span></li>`,
    )
    .join("");
  return `<div class="panel quicklist"><strong>Not passing</strong><ul>${items}</ul></div>`;
}

function pctCell(metric: CoverageMetric): string {
  const band = metric.pct >= 80 ? "hi" : metric.pct >= 50 ? "mid" : "lo";
  return `<td class="num">${metric.pct.toFixed(metric.pct % 1 === 0 ? 0 : 2)}% <span class="meta">${metric.covered}/${metric.total}</span><span class="pctbar ${band}"><i style="width:${metric.pct}%"></i></span></td>`;
}

function coverageSection(coverage: HtmlReportCoverage): string {
  const metrics: CoverageMetricName[] = ["statements", "branches", "functions", "lines"];
  const head = `<tr><th>file</th>${metrics.map((m) => `<th class="num">${m}</th>`).join("")}<th>uncovered lines</th></tr>`;
  const rows = coverage.files
    .map((file) => {
      const name =
        file.html && coverage.href !== undefined
          ? `<a href="${escapeHtml(`${coverage.href}/${file.html}`)}">${escapeHtml(file.name)}</a>`
          : escapeHtml(file.name);
      return `<tr data-file="${escapeHtml(file.name)}"><td>${name}</td>${metrics.map((m) => pctCell(file[m])).join("")}<td><code>${escapeHtml(file.uncoveredLines.join(", ") || "–")}</code></td></tr>`;
    })
    .join("");
  const total = `<tr><td><strong>all files</strong></td>${metrics.map((m) => pctCell(coverage.total[m])).join("")}<td></td></tr>`;
  const shortfalls =
    coverage.shortfalls.length === 0
      ? ""
      : `<div class="box fail"><strong>Below the thresholds</strong><ul>${coverage.shortfalls.map((s) => `<li>${escapeHtml(s.message)}</li>`).join("")}</ul></div>`;
  const link =
    coverage.href !== undefined ? `<p><a href="${escapeHtml(`${coverage.href}/index.html`)}">Line-by-line coverage (istanbul)</a></p>` : "";
  return `<h2 id="coverage">Coverage</h2><div class="panel">${shortfalls}<table class="coverage"><thead>${head}</thead><tbody>${rows}${total}</tbody></table>${link}</div>`;
}

function profileSection(profiles: HtmlReportProfile[]): string {
  const blocks = profiles.map((p) => {
    const rows = p.top
      .map(
        (f) =>
          `<tr><td class="num">${f.selfMs.toFixed(2)}</td><td class="num">${f.selfPct.toFixed(1)}%</td><td class="num">${f.totalMs.toFixed(2)}</td><td class="num">${f.totalPct.toFixed(1)}%</td><td><code>${escapeHtml(f.functionName)}</code></td><td><code>${escapeHtml(f.line > 0 ? `${f.file}:${f.line}` : f.file)}</code></td></tr>`,
      )
      .join("");
    const table =
      p.top.length === 0
        ? `<p class="meta">No sample landed in the transform's own code: it ran too briefly for the sampling interval.</p>`
        : `<table class="profile"><thead><tr><th class="num">self ms</th><th class="num">self</th><th class="num">total ms</th><th class="num">total</th><th>function</th><th>where</th></tr></thead><tbody>${rows}</tbody></table>`;
    const link = p.href !== undefined ? ` · <a href="${escapeHtml(p.href)}">${escapeHtml(p.href)}</a> (Chrome DevTools, speedscope)` : "";
    const share = p.transform
      ? `; the transform's own code took ${formatMs(p.transform.ms)} (${p.transform.pct}%), the rest is cxda's harness (loading, validation, comparison) and V8`
      : "";
    return `<div class="panel" data-profile="${escapeHtml(p.action)}"><h3>${escapeHtml(p.action)}</h3><p class="meta">${formatMs(p.sampledMs)} sampled in ${p.batches} batch${p.batches === 1 ? "" : "es"}${share}${link}</p>${table}</div>`;
  });
  return `<h2 id="profile">Profile: the transform's top functions by self time</h2>${blocks.join("")}`;
}

/**
 * Renders the report as one HTML document with inline CSS and script and no external resource. Payloads, outputs,
 * issues, failures and logs are redacted before they are shown.
 * @example
 * const html = renderHtmlReport({ summary, cases: results.map((result) => ({ result })) });
 */
export function renderHtmlReport(data: HtmlReportData): string {
  const title = data.title ?? "cxda run report";
  const generated = (data.generatedAt ?? new Date()).toISOString();
  const s = data.summary;
  const card = (kind: string, label: string, value: number | string): string =>
    `<div class="card ${kind}"><div class="label">${label}</div><div class="count" data-count="${kind}">${value}</div></div>`;
  const cards = [
    card("total", "Cases", s.total),
    card("pass", "Passed", s.passed),
    card("fail", "Failed", s.failed),
    card("error", "Errors", s.errors),
    card("time", "Time", formatMs(s.durationMs)),
  ].join("");
  const nav = [
    `<a href="#cases">Cases</a>`,
    data.profiles && data.profiles.length > 0 ? `<a href="#profile">Profile</a>` : "",
    data.coverage ? `<a href="#coverage">Coverage</a>` : "",
    ...(data.links ?? []).map((l) => `<a href="${escapeHtml(l.href)}">${escapeHtml(l.label)}</a>`),
    `<span class="spacer"></span>`,
    `<button type="button" data-filter="all" aria-pressed="true">All</button><button type="button" data-filter="failures" aria-pressed="false">Failures only</button>`,
    `<button type="button" data-expand="all">Expand all</button><button type="button" data-expand="none">Collapse all</button>`,
  ].join("");
  const sections = [
    `<div class="cards">${cards}</div>`,
    `<nav class="tabs">${nav}</nav>`,
    quickList(data.cases),
    `<h2 id="cases">Cases</h2>`,
    data.cases.length === 0 ? `<p class="meta">No case ran.</p>` : actionsSection(data.cases),
    data.profiles && data.profiles.length > 0 ? profileSection(data.profiles) : "",
    data.coverage ? coverageSection(data.coverage) : "",
    `<footer>Generated by cxda at ${escapeHtml(generated)}. Secret-looking fields (token, secret, password, authorization, api key, access key) are redacted.</footer>`,
  ].join("\n");
  const verdict = s.failed === 0 ? `all ${s.total} passed` : `${s.failed} of ${s.total} not passing`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(title)}: ${escapeHtml(verdict)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<header class="top"><h1>${escapeHtml(title)}</h1><div class="sub">${escapeHtml(verdict)} · ${escapeHtml(generated)}</div></header>
<main>
${sections}
</main>
<script>${REPORT_JS}</script>
</body>
</html>
`;
}

/**
 * Writes the report (creating its folder).
 * @returns the report's absolute path
 * @example
 * await writeHtmlReport("reports/report.html", { summary, cases });
 */
export async function writeHtmlReport(file: string, data: HtmlReportData): Promise<string> {
  const target = resolve(file);
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, renderHtmlReport(data));
  return target;
}
