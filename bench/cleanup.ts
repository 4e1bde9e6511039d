// One place that undoes what the bench created (child servers, databases,
// temp folders), in reverse order, on normal exit, on failure and on ctrl-c,
// so an interrupted run leaves no bench_* database or server behind.
type Cleanup = { label: string; fn: () => Promise<void> | void };

const cleanups: Cleanup[] = [];
let running: Promise<void> | undefined;

/** Registers fn; the returned function runs it now (once) and unregisters it. */
export function onCleanup(label: string, fn: () => Promise<void> | void): () => Promise<void> {
  const entry: Cleanup = { label, fn };
  cleanups.push(entry);
  return async () => {
    const i = cleanups.indexOf(entry);
    if (i < 0) return;
    cleanups.splice(i, 1);
    await entry.fn();
  };
}

/** Runs every registered cleanup, newest first; failures are reported, not thrown. */
export function runCleanups(): Promise<void> {
  running ??= (async () => {
    while (cleanups.length > 0) {
      const entry = cleanups.pop();
      if (!entry) break;
      try {
        await entry.fn();
      } catch (error) {
        console.error(`[bench] cleanup "${entry.label}" failed: ${String(error)}`);
      }
    }
  })();
  return running;
}

let installed = false;

/** ctrl-c / kill: clean up, then exit with the conventional 128+signal code. */
export function installSignalHandlers(): void {
  if (installed) return;
  installed = true;
  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const) {
    process.once(signal, () => {
      console.error(`\n[bench] ${signal}: cleaning up`);
      void runCleanups().finally(() => process.exit(code));
    });
  }
}
