// Stored error texts (Job.lastError, Instance.provisionError, Order.fetchError)
// for staff to read. The job code stores only describeError()'s "Class: message";
// this is the second fence before a page: it cuts the text short, removes any
// configured secret that still slipped into a message and the user:password
// part of URLs.
import type { Env } from "@/lib/env";

export const MAX_ERROR_TEXT = 300;

/** The secret values of an environment, for redaction (never shown, never logged). */
export function secretValuesOf(env: Env): string[] {
  const values = [env.accessKey, env.kitAccessKey, env.licenseCodeAccessKey, env.sk, env.provisioning.httpSecret, env.auth.secret, env.auth.owner?.password];
  // Short values would redact ordinary words; real keys are long.
  return [...new Set(values.filter((v): v is string => typeof v === "string" && v.length >= 8))];
}

export function toDisplayError(text: string | null | undefined, secrets: readonly string[], max = MAX_ERROR_TEXT): string | null {
  if (!text) return null;
  let out = text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi, "$1***@");
  for (const s of secrets) out = out.split(s).join("***");
  out = out.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
  return out.length > max ? `${out.slice(0, max - 1)}…` : out;
}
