// The profile reporter: V8 CPU profiles from the workers, merged per action, written and summarised by top functions.
import { join } from "node:path";
import type { ProfileCollector } from "../../profile/profile-collector.js";
import { resolveProfileOptions } from "../../profile/profile-options.js";
import type { Reporter } from "../reporter.js";
import { shownPath } from "../shown-path.js";

/** Options of {@link profileReporter}. */
export interface ProfileReporterOptions {
  /** The reports tree: profiles go to `<reportsDir>/profiles/<action>.cpuprofile`. */
  reportsDir: string;
  /**
   * Microseconds between samples: a whole number from 10 to 100000 (see `resolveProfileOptions`).
   * @default 250
   */
  samplingIntervalUs?: number;
}

/**
 * Takes a CPU profile per action, writes it and prints its top functions (`--profile`). Transforms run without
 * Node's permission model while profiled (docs/threat-model.md).
 * @throws CxdaError `E_USAGE` for a sampling interval out of range, before anything runs
 * @example
 * profileReporter({ reportsDir: "reports" }); // every 250 µs
 * profileReporter({ reportsDir: "reports", samplingIntervalUs: 100 });
 */
export function profileReporter(options: ProfileReporterOptions): Reporter {
  // Checked here rather than by the inspector, whose refusal ("Inspector error -32602") would also cost the run its coverage.
  const { samplingIntervalUs } = resolveProfileOptions(
    options.samplingIntervalUs === undefined ? {} : { samplingIntervalUs: options.samplingIntervalUs },
  );
  let collector: ProfileCollector | undefined;
  return {
    name: "profile",
    needs: { results: true, instrument: { profile: { samplingIntervalUs } } },
    async onRunStart() {
      collector = (await import("../../profile/profile-collector.js")).createProfileCollector();
    },
    onInstrumentation(data) {
      collector?.add(data);
    },
    async onRunEnd(_summary, { output, findings }) {
      if (collector === undefined) return;
      const { writeProfiles } = await import("../../profile/profile-collector.js");
      const { formatTopFunctions } = await import("../../profile/top-functions.js");
      const all = await collector.toProfiles();
      const files = await writeProfiles(all, join(options.reportsDir, "profiles"));
      findings.profiles = [];
      for (const profile of all) {
        const file = files.find((f) => f.action === profile.action)?.file;
        const batches = `${profile.batches} batch${profile.batches === 1 ? "" : "es"}`;
        output.print();
        output.print(
          output.paint("bold", `Profile of ${profile.action}: ${profile.sampledMs} ms sampled in ${batches}${file ? ` (${shownPath(file)})` : ""}`),
        );
        if (profile.top.self.length === 0)
          output.print(output.paint("dim", "  no sample landed in the transform's own code (it ran too briefly for the sampling interval)"));
        else {
          for (const line of formatTopFunctions(profile.top.self)) output.print(`  ${line}`);
          const own = `the transform's own code took ${profile.transform.ms} ms (${profile.transform.pct}%)`;
          output.print(output.paint("dim", `  ${own}; the rest is cxda's harness (loading, validation, comparison) and V8`));
        }
        findings.profiles.push({
          action: profile.action,
          sampledMs: profile.sampledMs,
          batches: profile.batches,
          transform: profile.transform,
          top: profile.top.self,
          ...(file ? { file } : {}),
        });
      }
    },
  };
}
