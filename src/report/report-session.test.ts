import { describe, expect, it, vi } from "vitest";
import type { CaseResult, RunSummary } from "../core/types.js";
import type { Reporter } from "./reporter.js";
import { startReportSession } from "./report-session.js";
import { consoleReporter } from "./reporters/console-reporter.js";
import { coverageReporter } from "./reporters/coverage-reporter.js";
import { profileReporter } from "./reporters/profile-reporter.js";

function result(action: string, name: string, status: CaseResult["status"]): CaseResult {
  return { action, case: name, status, durationMs: 1, issues: [], failures: [], logs: [], trace: { steps: [] } } as unknown as CaseResult;
}

describe("startReportSession", () => {
  it("hands each result to every reporter in order and the one summary it counted to each at the end", async () => {
    const calls: string[] = [];
    const summaries: RunSummary[] = [];
    const reporter = (name: string): Reporter => ({
      name,
      onRunStart: () => void calls.push(`${name} start`),
      onResult: (r) => void calls.push(`${name} ${r.case}`),
      onActionEnd: (action, summary) => void calls.push(`${name} end ${action} ${summary.total}`),
      onRunEnd: (summary) => void summaries.push(summary),
    });
    const session = await startReportSession([reporter("a"), reporter("b")]);
    for (const r of [result("x", "1", "pass"), result("x", "2", "fail"), result("y", "3", "error")]) await session.add(r);
    const outcome = await session.end();
    expect(calls).toEqual(["a start", "b start", "a 1", "b 1", "a 2", "b 2", "a end x 2", "b end x 2", "a 3", "b 3", "a end y 1", "b end y 1"]);
    expect(outcome.summary).toMatchObject({ total: 3, passed: 1, failed: 2, errors: 1 });
    expect(summaries).toEqual([outcome.summary, outcome.summary]);
  });

  it("keeps only the results that did not pass, and asks for summary detail, when no reporter needs every result", async () => {
    const session = await startReportSession([{ name: "quiet" }]);
    expect(session.runOptions.passDetail).toBe("summary");
    await session.add(result("x", "1", "pass"));
    await session.add(result("x", "2", "fail"));
    expect((await session.end()).results.map((r) => r.case)).toEqual(["2"]);
    const full = await startReportSession([{ name: "all", needs: { results: true } }]);
    expect(full.runOptions.passDetail).toBe("full");
  });

  it("fails the run when a reporter's verdict is not ok, and prints the files reporters wrote after them all", async () => {
    const lines: string[] = [];
    const session = await startReportSession(
      [
        { name: "writer", onRunEnd: (_s, context) => context.wrote({ path: "/tmp/x", label: "X" }, "wrote x") },
        { name: "reader", onRunEnd: (_s, context) => (context.written.length === 1 ? { ok: false } : undefined) },
      ],
      { output: { print: (line = "") => lines.push(line), paint: (style, text) => `<${style}>${text}` } },
    );
    const outcome = await session.end();
    expect(outcome.ok).toBe(false);
    expect(lines).toEqual(["", "<dim>wrote x"]);
  });

  it("names the reporter that threw, and the call, in the error the run rejects with", async () => {
    const broken: Reporter = {
      name: "junit",
      onRunEnd: () => {
        throw new Error("EACCES: permission denied, open 'reports/junit.xml'");
      },
    };
    const session = await startReportSession([broken]);
    await expect(session.end()).rejects.toMatchObject({
      code: "E_USAGE",
      message: "the junit reporter failed in onRunEnd: EACCES: permission denied, open 'reports/junit.xml'",
    });
    const failing = await startReportSession([{ name: "mine", onResult: () => Promise.reject(new Error("full disk")) }]);
    await expect(failing.add(result("x", "1", "pass"))).rejects.toThrow("the mine reporter failed in onResult: full disk");
  });
});

describe("the reporters' options", () => {
  it("consoleReporter prints to stdout when the session was given no output", async () => {
    const written: string[] = [];
    const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    try {
      const session = await startReportSession([consoleReporter()]);
      await session.add(result("x", "1", "pass"));
      await session.end();
    } finally {
      spy.mockRestore();
    }
    expect(written.join("")).toContain("x › 1");
    expect(written.join("")).toContain("1 passed, 0 failed");
  });

  it("profileReporter samples every 250 µs when no interval is given, and refuses a bad one before the run", () => {
    expect(profileReporter({ reportsDir: "reports" }).needs?.instrument).toEqual({ profile: { samplingIntervalUs: 250 } });
    expect(() => profileReporter({ reportsDir: "reports", samplingIntervalUs: 0 })).toThrow(
      expect.objectContaining({ code: "E_USAGE", message: expect.stringContaining("from 10 to 100000, got 0") }),
    );
  });

  it("coverageReporter takes thresholds as percentages and refuses one outside 0 to 100", () => {
    expect(() => coverageReporter({ reportsDir: "reports", thresholds: { branches: 90 } })).not.toThrow();
    expect(() => coverageReporter({ reportsDir: "reports" })).not.toThrow();
    expect(() => coverageReporter({ reportsDir: "reports", thresholds: { branches: 900 } })).toThrow(
      expect.objectContaining({ code: "E_USAGE", message: expect.stringContaining("from 0 to 100, got 900") }),
    );
  });
});
