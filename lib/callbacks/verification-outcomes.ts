// Every outcome of a callback's verification, in the order the portal lists
// them: pure data, for the log's filter on the server and its badges in the browser.
import type { VerificationOutcome } from "@/lib/callbacks/record-callback";

export const VERIFICATION_OUTCOMES = [
  "OK",
  "RETRY",
  "MISSING_CREDENTIALS",
  "BAD_TIMESTAMP",
  "BAD_SIGNATURE",
  "REPLAYED_NONCE",
  "MALFORMED",
  "TOO_LARGE",
  "COUNTED",
] as const satisfies readonly VerificationOutcome[];
// Fails to compile when record-callback.ts gains an outcome this list lacks.
type MissingOutcome = Exclude<VerificationOutcome, (typeof VERIFICATION_OUTCOMES)[number]>;
export const ALL_OUTCOMES_LISTED: [MissingOutcome] extends [never] ? true : MissingOutcome = true;
