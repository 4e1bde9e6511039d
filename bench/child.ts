// Child servers (portal, floor): spawned in their own process group with
// output to a log file (a pipe we had to drain would cost the load generator
// CPU), polled until healthy, and stopped with SIGTERM then SIGKILL.
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import { onCleanup } from "./cleanup";

export type ChildServer = {
  label: string;
  /** Also its process group (spawned detached). */
  pid: number;
  port: number;
  origin: string;
  logFile: string;
  /** Last lines of the child's output, for error messages. */
  logTail(lines?: number): string;
  stop(): Promise<void>;
};

export type ChildOptions = {
  label: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  port: number;
  logFile: string;
  healthPath?: string;
  startTimeoutMs?: number;
};

/** A port that was free a moment ago (good enough on a bench machine). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const addr = s.address();
      s.close(() => (typeof addr === "object" && addr ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

export function readTail(file: string, lines = 30): string {
  try {
    return readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

function statusOf(url: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const r = http.get(url, { agent: false, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    r.on("timeout", () => r.destroy());
    r.on("error", () => resolve(undefined));
  });
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once("exit", () => r()));
}

export async function startChild(opts: ChildOptions): Promise<ChildServer> {
  const fd = openSync(opts.logFile, "a");
  const child = spawn(opts.command, opts.args, { cwd: opts.cwd, env: opts.env, stdio: ["ignore", fd, fd], detached: true });
  closeSync(fd);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${opts.label}: could not spawn ${opts.command}`);

  // Signals go to the whole group: `next start` may run its server in a grandchild.
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-pid, s);
    } catch {
      // already gone
    }
  };
  const stop = onCleanup(`stop ${opts.label}`, async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    signal("SIGTERM");
    const timer = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 5000).unref());
    if ((await Promise.race([exited(child), timer])) === "timeout") {
      signal("SIGKILL");
      await exited(child);
    }
  });

  const origin = `http://127.0.0.1:${opts.port}`;
  const server: ChildServer = {
    label: opts.label,
    pid,
    port: opts.port,
    origin,
    logFile: opts.logFile,
    logTail: (lines) => readTail(opts.logFile, lines),
    stop,
  };

  const healthUrl = origin + (opts.healthPath ?? "/api/health");
  const deadline = Date.now() + (opts.startTimeoutMs ?? 120_000);
  let lastStatus: number | undefined;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(`${opts.label} exited during start (code ${child.exitCode ?? child.signalCode}); log ${opts.logFile}:\n${server.logTail()}`);
    }
    lastStatus = await statusOf(healthUrl);
    if (lastStatus === 200) return server;
    // The portal's /api/health is still being written: until it exists, any answer means "up".
    if (lastStatus === 404) {
      console.log(`  (${opts.label}: ${healthUrl} answered 404, taking the server as up)`);
      return server;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error(`${opts.label} not healthy after ${opts.startTimeoutMs ?? 120_000} ms (last status ${lastStatus ?? "none"}); log:\n${server.logTail()}`);
}

/**
 * Runs a bench worker (`node --import tsx <args>`) whose result is one stdout
 * line `<resultPrefix><json>`: seeding and measuring in a process of its own,
 * so its memory and JIT state never mix with the load generator's. Killed after
 * timeoutMs; any other exit fails with the output's last lines.
 */
export function runWorkerProcess<T>(opts: {
  label: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  resultPrefix: string;
  timeoutMs: number;
}): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", ...opts.args], { cwd: opts.cwd, env: opts.env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs);
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      const line = output.split("\n").find((l) => l.startsWith(opts.resultPrefix));
      if (code === 0 && line) resolve(JSON.parse(line.slice(opts.resultPrefix.length)) as T);
      else reject(new Error(`${opts.label} exited with ${signal ?? code}: ${output.split("\n").slice(-15).join("\n")}`));
    });
  });
}
