// Builds the portal once (when stale) before any worker starts one.
import path from "node:path";
import { ensureBuild } from "../../scripts/lib/ensure-build";

export default function globalSetup(): void {
  ensureBuild(path.resolve(import.meta.dirname, "..", ".."));
}
