// What a section hands back to run.ts, and how it is printed. Sections only
// measure; run.ts prints, so every section's output looks the same.
import type { Engine } from "./engines";
import type { LoadResult } from "./load";

export type SectionContext = {
  engines: Engine[];
  durationMs: number;
  /** Interleaved rounds per server comparison (saas-callbacks): each load runs this many times, alternating servers. */
  rounds: number;
  /** Measure only the floor servers (while the portal's endpoints are still being written). */
  floorOnly: boolean;
  /** Temp folder for this run: PGlite data, child logs. */
  workDir: string;
  /** Keep workDir after the run (something failed and its logs matter). */
  keepWorkDir(): void;
};

export type Row = { engine: Engine; server: "portal" | "floor"; activity: string; result: LoadResult };

/** met undefined: could not be judged in this run (engine not run, floor only...). */
export type TargetCheck = { name: string; met: boolean | undefined; detail: string };

/** failures: what could not be measured (a server that did not build or start); run.ts exits 1 on any. */
export type SectionResult = { rows: Row[]; lines: string[]; targets: TargetCheck[]; failures: string[] };

export type Section = { name: string; title: string; run(ctx: SectionContext): Promise<SectionResult> };

const fmt = (n: number, digits = 1) => n.toFixed(digits);

/** A plain-text table: text columns left-aligned, `numeric` columns right-aligned, the last column unpadded. */
export function formatTable(header: string[], body: string[][], opts: { numeric?: number[] } = {}): string[] {
  const numeric = new Set(opts.numeric ?? []);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === cells.length - 1 && !numeric.has(i) ? c : numeric.has(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)];
}

export function printRows(rows: Row[]): void {
  const header = ["engine", "server", "activity", "requests", "errors", "rps", "p50 ms", "p99 ms", "max ms", "gen cpu%"];
  const body = rows.map((r) => [
    r.engine,
    r.server,
    r.activity,
    String(r.result.requests),
    String(r.result.errors),
    fmt(r.result.rps, 0),
    fmt(r.result.p50),
    fmt(r.result.p99),
    fmt(r.result.max),
    fmt(r.result.clientCpu, 0),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? "").length)));
  // Text columns left-aligned, numbers right-aligned.
  const line = (cells: string[]) => cells.map((c, i) => (i < 3 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ");
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const row of body) console.log(line(row));
  for (const r of rows) if (r.result.firstError) console.log(`  first error (${r.engine} ${r.server} ${r.activity}): ${r.result.firstError}`);
}

export function printTargets(targets: TargetCheck[]): void {
  for (const t of targets) {
    const verdict = t.met === undefined ? "target not measured" : t.met ? "target met" : "target missed";
    console.log(`${verdict.padEnd(19)} ${t.name}: ${t.detail}`);
  }
}
