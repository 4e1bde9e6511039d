// Starts large-body-worker.ts on a worker thread: Node 20 does not pass a
// loader (`--import tsx`) on to workers, so the thread registers tsx itself.
import { register } from "tsx/esm/api";

register();
await import("./large-body-worker.ts");
