// Runs once when a server process starts: validate the environment (fail fast),
// apply pending migrations, start the job worker.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startPortal } = await import("@/lib/start-portal");
  await startPortal();
}
