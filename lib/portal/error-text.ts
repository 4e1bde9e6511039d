// Stored error texts (Job.lastError, Instance.provisionError, Order.fetchError)
// for staff to read, and stored URLs and texts for anyone to read. The job code stores only describeError()'s "Class: message";
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

/**
 * The user:password part of URLs (`scheme://user:pass@host`): everything
 * between "//" and the last "@" before the host's end, so a password holding
 * an "@" does not leave its tail behind.
 */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]*(?:@[^\s/?#@]*)*@/gi;

/** A stored text with URL credentials and configured secrets replaced; not cut. */
export function redactText(text: string, secrets: readonly string[]): string {
  let out = text.replace(URL_CREDENTIALS, "$1***@");
  for (const s of secrets) out = out.split(s).join("***");
  return out;
}

/** The same for every string inside a JSON value (a stored request or answer); keys are kept. */
export function redactDeep<T>(value: T, secrets: readonly string[]): T {
  if (typeof value === "string") return redactText(value, secrets) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => redactDeep(v, secrets)) as T;
  if (value && typeof value === "object" && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, redactDeep(v, secrets)])) as T;
  }
  return value;
}

export function toDisplayError(text: string | null | undefined, secrets: readonly string[], max = MAX_ERROR_TEXT): string | null {
  if (!text) return null;
  const out = redactText(text, secrets)
    .replace(/[\u0000-\u001f\u007f]+/g, " ")
    .trim();
  return out.length > max ? `${out.slice(0, max - 1)}…` : out;
}

/**
 * What a tenant admin reads where staff read a back-end error: the text
 * describes the merchant's systems (addresses, hosts, stack details), so they
 * get this sentence instead (the dashboard's rule, lib/portal/dashboard.ts).
 */
export const STAFF_ONLY_ERROR = "Something failed on the merchant's side; merchant staff can see the details.";

/** Staff: the redacted text. Tenant admins: the generic sentence, when there is an error at all. */
export function errorTextFor(text: string | null | undefined, reader: { isStaff: boolean; secrets: readonly string[] }, max = MAX_ERROR_TEXT): string | null {
  if (!text) return null;
  return reader.isStaff ? toDisplayError(text, reader.secrets, max) : STAFF_ONLY_ERROR;
}

/** Where a handler note (CallbackLog.handlerNote) quotes a back-end error: lib/callbacks/run-pipeline.ts, lib/instances/provision-instance.ts. */
const NOTE_ERROR_PARTS: { at: RegExp; instead: string }[] = [
  { at: /^internal error\b/, instead: STAFF_ONLY_ERROR },
  { at: /; provisioning had failed: /, instead: "; provisioning had failed (merchant staff can see why)" },
];

/**
 * A callback's handler note for people. Staff: redacted (URL credentials,
 * secrets). Tenant admins: the same, with any quoted back-end error replaced by
 * a generic sentence; the rest of the note is the handler's own words.
 */
export function handlerNoteFor(note: string | null | undefined, reader: { isStaff: boolean; secrets: readonly string[] }): string | null {
  if (!note) return null;
  if (!reader.isStaff) {
    for (const part of NOTE_ERROR_PARTS) {
      const match = part.at.exec(note);
      if (match) return redactText(note.slice(0, match.index) + part.instead, reader.secrets);
    }
  }
  return redactText(note, reader.secrets);
}
