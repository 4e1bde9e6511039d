// The worker thread behind verify-off-thread.ts: checks large bodies' signatures
// one at a time, off the event loop that serves every other call.
import { parentPort } from "node:worker_threads";
import { checkLargeBody, type LargeBodyCheck } from "./large-body-check";

parentPort?.on("message", (message: { id: number; check: LargeBodyCheck }) => {
  try {
    parentPort?.postMessage({ id: message.id, verdict: checkLargeBody(message.check) });
  } catch (error) {
    parentPort?.postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error) });
  }
});
