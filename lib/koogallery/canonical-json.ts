// Reproduces what KooGallery's Java side signs: Jackson's compact output of a TreeMap built
// from the body (protocol:signatures.md#v2-basic-signature, protocol:signatures.md#kit-x-sign). Byte-exactness matters, so strings are escaped the way
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

/** Characters Jackson writes escaped; a string without any (nearly all of them) is written as it is. */
const NEEDS_ESCAPE = /["\\\u0000-\u001f]/;

export function escapeJacksonString(value: string): string {
  // The per-character loop below costs ~50 ns a character: a 15 MiB body took 0.7 s without this.
  if (!NEEDS_ESCAPE.test(value)) return `"${value}"`;
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

/** `\uXXXX` in JSON.stringify's output: a control character (Jackson writes its hex upper-case) or a lone surrogate (Jackson writes it raw). */
const STRINGIFY_ESCAPE = /\\u[0-9a-fA-F]{4}/;

/**
 * Compact Jackson-style JSON. `sortDepth` 0 keeps member order everywhere, 1 sorts the top
 * level only, Infinity sorts every level. Array order is always kept.
 * `isParsedJson`: the value came from JSON.parse (no NaN, BigInt or JavaNumber
 * inside), so an unsorted subtree can be written by JSON.stringify, which
 * writes the same bytes as Jackson unless it had to `\u`-escape something.
 */
export function writeJacksonJson(value: unknown, sortDepth = 0, isParsedJson = false): string {
  if (isParsedJson && sortDepth <= 0 && typeof value === "object" && value !== null) {
    const fast = JSON.stringify(value);
    if (!STRINGIFY_ESCAPE.test(fast)) return fast;
  }
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
    return `[${value.map((item) => (item === undefined ? "null" : writeJacksonJson(item, sortDepth - 1, isParsedJson))).join(",")}]`;
  }
  const object = value as Record<string, unknown>;
  const keys = sortDepth > 0 ? sortedKeys(object) : Object.keys(object);
  const members = keys
    .filter((key) => object[key] !== undefined)
    .map((key) => `${escapeJacksonString(key)}:${writeJacksonJson(object[key], sortDepth - 1, isParsedJson)}`);
  return `{${members.join(",")}}`;
}

/**
 * The RequestPayload of protocol:signatures.md#v2-basic-signature, protocol:signatures.md#kit-x-sign: top-level nulls dropped, keys sorted. `isParsedJson`: see
 * writeJacksonJson.
 */
export function canonicalPayload(body: Record<string, unknown>, form: CanonicalForm, isParsedJson = false): string {
  const withoutNulls: Record<string, unknown> = {};
  for (const key of sortedKeys(body)) {
    const value = body[key];
    if (value !== null && value !== undefined) {
      Object.defineProperty(withoutNulls, key, { value, enumerable: true, writable: true, configurable: true });
    }
  }
  return writeJacksonJson(withoutNulls, form === "top-sorted" ? 1 : Number.POSITIVE_INFINITY, isParsedJson);
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
 * Bodies up to this size try every form, most likely first. Above it the raw
 * body is tried first (one HMAC over the bytes, no parsing): the other forms
 * parse and re-serialise the whole body, which a stranger's junk would make us
 * do for nothing.
 */
export const CHEAP_FIRST_ABOVE_CHARS = 64 * 1024;
/**
 * The recursively sorted and Java-number forms (the least likely, protocol:open-questions.md#nested-json)
 * are only tried up to this size: each costs a full re-serialisation (and the
 * Java one a second parse). KooGallery's large bodies are org syncs, whose
 * nested lists are sent as received; the top-level-sorted form covers them.
 */
export const MAX_EXPENSIVE_FORM_CHARS = 1024 * 1024;

/**
 * Every payload KooGallery may plausibly have signed (protocol:open-questions.md#nested-json), most likely first.
 * Identical payloads are reported once, under the first form that produced them.
 */
export function candidatePayloads(raw: string, parsed: Record<string, unknown>): CandidatePayload[] {
  return [...iterateCandidatePayloads(raw, parsed)];
}

/**
 * The same candidates, each built only when asked for: a verifier that stops at
 * the first match never builds the rarer forms (every call pays for them
 * otherwise). `parsed` is asked for only when a form needs it. Large bodies try
 * the cheap raw form first and skip the expensive forms (the constants above).
 */
export function* iterateCandidatePayloads(
  raw: string,
  parsed: Record<string, unknown> | (() => Record<string, unknown> | undefined),
  opts: { isRawOnlyWhenLarge?: boolean } = {},
): Generator<CandidatePayload> {
  // `parsed` must come from JSON.parse of `raw` (the fast serialisation path relies on it).
  const tree = typeof parsed === "function" ? parsed : () => parsed;
  const fromTree = (f: (t: Record<string, unknown>) => string | null) => () => {
    const t = tree();
    return t ? f(t) : null;
  };
  const topSorted: [CandidateForm, () => string | null] = ["top-sorted", fromTree((t) => canonicalPayload(t, "top-sorted", true))];
  const asReceived: [CandidateForm, () => string | null] = ["raw", () => raw];
  const isLarge = raw.length > CHEAP_FIRST_ABOVE_CHARS;
  const forms = isLarge ? (opts.isRawOnlyWhenLarge ? [asReceived] : [asReceived, topSorted]) : [topSorted, asReceived];
  if (raw.length <= MAX_EXPENSIVE_FORM_CHARS && !(isLarge && opts.isRawOnlyWhenLarge)) {
    forms.push(["deep-sorted", fromTree((t) => canonicalPayload(t, "deep-sorted", true))], ["top-sorted-java-numbers", () => javaNumbersPayload(raw)]);
  }
  const seen = new Set<string>();
  for (const [form, build] of forms) {
    const payload = build();
    if (payload === null || seen.has(payload)) continue;
    seen.add(payload);
    yield { form, payload };
  }
}
