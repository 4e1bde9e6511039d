// npm run bench [-- --section saas-callbacks] [--engine pglite|postgres] [--duration 10] [--rounds 3] [--floor-only]
// Runs the bench sections and prints their tables and target verdicts. Exits
// non-zero only when the harness itself fails; a missed target is a result.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { installSignalHandlers, onCleanup, runCleanups } from "./cleanup";
import { ENGINES, type Engine } from "./engines";
import { verifyV2 } from "./floor-server";
import { describePostgres } from "./pg";
import { printRows, printTargets, type Section } from "./report";
import { callbackLogReads } from "./callback-log-reads";
import { orgSync } from "./org-sync";
import { portalLists } from "./portal-lists";
import { saasCallbacks } from "./saas-callbacks";
import { flood } from "./flood";
import { merchantEvents } from "./merchant-events";
import { assertSignerMatchesSpec, SPEC_V2_VECTOR } from "./sign";

const SECTIONS: Section[] = [saasCallbacks, flood, orgSync, callbackLogReads, portalLists, merchantEvents];

function parseOptions() {
  const { values } = parseArgs({
    options: {
      section: { type: "string", multiple: true },
      engine: { type: "string", multiple: true },
      duration: { type: "string", default: "10" },
      rounds: { type: "string", default: "3" },
      "floor-only": { type: "boolean", default: false },
    },
  });
  const sections = values.section ? values.section.map((name) => SECTIONS.find((s) => s.name === name) ?? unknown("section", name)) : SECTIONS;
  const engines = values.engine ? values.engine.map((e) => ((ENGINES as readonly string[]).includes(e) ? (e as Engine) : unknown("engine", e))) : [...ENGINES];
  const seconds = Number(values.duration);
  if (!(seconds > 0)) throw new Error(`--duration must be a positive number of seconds, got ${values.duration}`);
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a positive whole number, got ${values.rounds}`);
  return { sections, engines, durationMs: seconds * 1000, rounds, floorOnly: values["floor-only"] };
}

function unknown(kind: string, name: string): never {
  const known = kind === "section" ? SECTIONS.map((s) => s.name) : ENGINES;
  throw new Error(`unknown ${kind} "${name}" (known: ${known.join(", ")})`);
}

/** The bench signer and the floor's verifier must both agree with protocol:test-vectors.md#v2-basic-request, or every number is meaningless. */
function checkSigning(): void {
  assertSignerMatchesSpec();
  const v = SPEC_V2_VECTOR;
  const params = new URLSearchParams({ signature: v.signature.toLowerCase(), timestamp: v.timestamp, nonce: v.nonce });
  const raw = JSON.stringify(v.body);
  if (!verifyV2(v.accessKey, params, raw, Number(v.timestamp)).ok)
    throw new Error("floor verifier refuses the protocol:test-vectors.md#v2-basic-request vector");
  if (verifyV2(v.accessKey, params, raw.replace("newInstance", "newInstancf"), Number(v.timestamp)).ok)
    throw new Error("floor verifier accepts a tampered body");
  if (verifyV2(v.accessKey, params, raw, Number(v.timestamp) + 60_001).ok) throw new Error("floor verifier accepts a stale timestamp");
}

/** Share of all cores idle over the next ms (Linux /proc/stat; undefined elsewhere). */
async function idlePercent(ms: number): Promise<number | undefined> {
  const sample = () => {
    try {
      const f = readFileSync("/proc/stat", "utf8").split("\n")[0]?.split(/\s+/).slice(1, 9).map(Number) ?? [];
      return { idle: (f[3] ?? 0) + (f[4] ?? 0), total: f.reduce((a, b) => a + b, 0) };
    } catch {
      return undefined;
    }
  };
  const a = sample();
  await new Promise((r) => setTimeout(r, ms));
  const b = sample();
  return a && b && b.total > a.total ? (100 * (b.idle - a.idle)) / (b.total - a.total) : undefined;
}

async function main(): Promise<void> {
  installSignalHandlers();
  const opts = parseOptions();
  checkSigning();

  const cpus = os.cpus();
  console.log("KooGallery portal bench");
  console.log(
    `machine: ${os.availableParallelism()} cores (${cpus[0]?.model.trim() ?? "unknown cpu"}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ` +
      `${os.platform()} ${os.release()}`,
  );
  console.log(`node ${process.version}; load generator in this process, servers in children, one server under load at a time`);
  if (opts.engines.includes("postgres")) console.log(await describePostgres());
  // Builds or tests running beside the bench share the cores and skew every figure.
  const idle = await idlePercent(1000);
  const busy = idle !== undefined && idle < 90;
  console.log(
    `cpu idle before start ${idle === undefined ? "unknown" : `${idle.toFixed(0)}%`}, load average ` +
      `${(os.loadavg()[0] ?? 0).toFixed(2)}${busy ? " (machine busy: figures will be low and noisy, rerun when idle)" : ""}`,
  );
  console.log(
    `duration ${opts.durationMs / 1000} s per load, ${opts.rounds} interleaved round(s) for portal-versus-floor sections` +
      `${opts.floorOnly ? "; floor servers only" : ""}; signing checked against protocol:test-vectors.md#v2-basic-request`,
  );

  const workDir = mkdtempSync(path.join(os.tmpdir(), "koogallery-bench-"));
  let keep = false;
  onCleanup("remove work dir", () => {
    if (keep) console.log(`(kept ${workDir} for its logs)`);
    else rmSync(workDir, { recursive: true, force: true });
  });

  const failures: string[] = [];
  for (const section of opts.sections) {
    console.log(`\n== ${section.name}: ${section.title}`);
    const started = Date.now();
    const result = await section.run({
      engines: opts.engines,
      durationMs: opts.durationMs,
      rounds: opts.rounds,
      floorOnly: opts.floorOnly,
      workDir,
      keepWorkDir: () => (keep = true),
    });
    console.log("");
    if (result.rows.length > 0) printRows(result.rows);
    for (const line of result.lines) console.log(line);
    printTargets(result.targets);
    failures.push(...result.failures.map((f) => `${section.name}: ${f}`));
    console.log(`(${section.name} took ${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
  if (failures.length > 0) throw new Error(`could not measure everything:\n${failures.join("\n")}`);
}

main()
  .then(
    () => runCleanups(),
    async (error: unknown) => {
      console.error(`\nbench failed: ${error instanceof Error ? error.message : String(error)}`);
      await runCleanups();
      process.exitCode = 1;
    },
  )
  // Open handles (agents, timers) must not keep a finished bench alive.
  .finally(() => process.exit(process.exitCode ?? 0));
