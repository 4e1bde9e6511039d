// The parts of an incoming call that several stages read (its URL, its body as
// a JSON object), parsed once per call: verification needs them first, the log
// row needs them again for every call, accepted or refused. Callers must treat
// what they get as read-only: it is shared.
import type { IncomingCall } from "@/lib/callbacks/record-callback";

const urls = new WeakMap<IncomingCall, URL>();
const bodies = new WeakMap<IncomingCall, Record<string, unknown> | null>();

/** The request URL; throws like `new URL` when it does not parse (a Host header no URL can hold). */
export function urlOf(call: IncomingCall): URL {
  let url = urls.get(call);
  if (url === undefined) {
    url = new URL(call.url);
    urls.set(call, url);
  }
  return url;
}

/** The text as a JSON object, or undefined when it is not JSON or not an object. */
export function parseJsonObject(raw: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(raw);
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The raw body as a JSON object, or undefined when it is empty, not JSON, or not an object. */
export function bodyObjectOf(call: IncomingCall): Record<string, unknown> | undefined {
  let body = bodies.get(call);
  if (body === undefined) {
    body = parseJsonObject(call.rawBody) ?? null;
    bodies.set(call, body);
  }
  return body ?? undefined;
}
