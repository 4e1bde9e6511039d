// CPU time by process, from /proc (Linux): where a load's work went. Sums
// utime + stime of the processes alive at the reading; a process that exits
// between two readings takes its share with it (the portal's children and
// PostgreSQL's pooled backends live through a load).
import { readdirSync, readFileSync } from "node:fs";

const TICK_MS = 10; // USER_HZ is 100 on Linux

export type CpuReading = { portal: number; postgres: number; bench: number };

/** The fields of /proc/<pid>/stat after the command (which may hold spaces and parentheses). */
function statFields(pid: string): { comm: string; pgrp: number; ticks: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const close = text.lastIndexOf(")");
    const comm = text.slice(text.indexOf("(") + 1, close);
    const f = text.slice(close + 2).split(" ");
    // After the command: state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
    return { comm, pgrp: Number(f[2]), ticks: Number(f[11]) + Number(f[12]) };
  } catch {
    return undefined; // gone since the listing
  }
}

/** Milliseconds of CPU used so far by the process group `portalGroup`, by PostgreSQL's processes, and by this process. */
export function readCpu(portalGroup: number): CpuReading {
  let portal = 0;
  let postgres = 0;
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    const s = statFields(pid);
    if (!s) continue;
    if (s.pgrp === portalGroup) portal += s.ticks;
    else if (s.comm === "postgres") postgres += s.ticks;
  }
  const own = process.cpuUsage();
  return { portal: portal * TICK_MS, postgres: postgres * TICK_MS, bench: (own.user + own.system) / 1000 };
}

export function cpuSince(before: CpuReading, after: CpuReading): CpuReading {
  return { portal: after.portal - before.portal, postgres: after.postgres - before.postgres, bench: after.bench - before.bench };
}
