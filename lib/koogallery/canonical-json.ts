// Reproduces what KooGallery's Java side signs: Jackson's compact output of a TreeMap built
// from the body (SPEC §1.3, §1.4). Byte-exactness matters, so strings are escaped the way
// Jackson does it rather than the way JSON.stringify does (upper-case \u00XX, raw non-ASCII).
import { KooGalleryProtocolError } from "./errors";
import { JavaNumber, parseJsonWithJavaNumbers } from "./java-json";

export type CanonicalForm = "top-sorted" | "deep-sorted";

export type CandidateForm = "top-sorted" | "raw" | "deep-sorted" | "top-sorted-java-numbers";

export interface CandidatePayload {
  form: CandidateForm;
  payload: string;
}

const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  "\\": "\\\\",
  "\b": "\\b",
  "\f": "\\f",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
};

export function escapeJacksonString(value: string): string {
  let out = '"';
  for (const char of value) {
    const short = SHORT_ESCAPES[char];
    if (short !== undefined) out += short;
    else if (char < " ") out += `\\u${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
    else out += char;
  }
  return `${out}"`;
}

// Java TreeMap<String, …> orders keys by UTF-16 code units, which is exactly what the default
// Array#sort comparison does (it is not locale-aware).
function sortedKeys(object: Record<string, unknown>): string[] {
  return Object.keys(object).sort();
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof JavaNumber);
}

/**
 * Compact Jackson-style JSON. `sortDepth` 0 keeps member order everywhere, 1 sorts the top
 * level only, Infinity sorts every level. Array order is always kept.
 */
export function writeJacksonJson(value: unknown, sortDepth = 0): string {
  if (value === null) return "null";
  if (value instanceof JavaNumber) return value.text;
  switch (typeof value) {
    case "string":
      return escapeJacksonString(value);
    case "boolean":
      return value ? "true" : "false";
    case "number":
      if (!Number.isFinite(value)) {
        throw new KooGalleryProtocolError("UNSERIALIZABLE", "non-finite number in JSON payload");
      }
      return String(value);
    case "object":
      break;
    default:
      throw new KooGalleryProtocolError("UNSERIALIZABLE", `cannot serialize a ${typeof value} in JSON payload`);
  }
  if (Array.isArray(value)) {
    return `[${value.map((item) => (item === undefined ? "null" : writeJacksonJson(item, sortDepth - 1))).join(",")}]`;
  }
  const object = value as Record<string, unknown>;
  const keys = sortDepth > 0 ? sortedKeys(object) : Object.keys(object);
  const members = keys
    .filter((key) => object[key] !== undefined)
    .map((key) => `${escapeJacksonString(key)}:${writeJacksonJson(object[key], sortDepth - 1)}`);
  return `{${members.join(",")}}`;
}

/** The RequestPayload of SPEC §1.3/§1.4: top-level nulls dropped, keys sorted. */
export function canonicalPayload(body: Record<string, unknown>, form: CanonicalForm): string {
  const withoutNulls: Record<string, unknown> = {};
  for (const key of sortedKeys(body)) {
    const value = body[key];
    if (value !== null && value !== undefined) {
      Object.defineProperty(withoutNulls, key, { value, enumerable: true, writable: true, configurable: true });
    }
  }
  return writeJacksonJson(withoutNulls, form === "top-sorted" ? 1 : Number.POSITIVE_INFINITY);
}

function javaNumbersPayload(raw: string): string | null {
  try {
    const tree = parseJsonWithJavaNumbers(raw);
    return isPlainObject(tree) ? canonicalPayload(tree, "top-sorted") : null;
  } catch {
    // A body JSON.parse accepted but the strict re-reader did not (or absurd nesting) just
    // loses this one candidate; the others still apply.
    return null;
  }
}

/**
 * Every payload KooGallery may plausibly have signed (SPEC §14.1), most likely first.
 * Identical payloads are reported once, under the first form that produced them.
 */
export function candidatePayloads(raw: string, parsed: Record<string, unknown>): CandidatePayload[] {
  return [...iterateCandidatePayloads(raw, parsed)];
}

/**
 * The same candidates, each built only when asked for: a verifier that stops at
 * the first match never builds the rarer forms (every call pays for them otherwise).
 */
export function* iterateCandidatePayloads(raw: string, parsed: Record<string, unknown>): Generator<CandidatePayload> {
  const forms: Array<[CandidateForm, () => string | null]> = [
    ["top-sorted", () => canonicalPayload(parsed, "top-sorted")],
    ["raw", () => raw],
    ["deep-sorted", () => canonicalPayload(parsed, "deep-sorted")],
    ["top-sorted-java-numbers", () => javaNumbersPayload(raw)],
  ];
  const seen = new Set<string>();
  for (const [form, build] of forms) {
    const payload = build();
    if (payload === null || seen.has(payload)) continue;
    seen.add(payload);
    yield { form, payload };
  }
}
