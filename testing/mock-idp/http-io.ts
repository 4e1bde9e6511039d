// Reading and answering HTTP requests: form bodies, JSON, XML, redirects, and the URL
// helpers every endpoint shares.
import type { IncomingMessage, ServerResponse } from "node:http";

const MAX_FORM_BYTES = 64 * 1024;
/** Past this we stop draining an oversize body and let the connection go. */
const MAX_DRAIN_BYTES = 1024 * 1024;

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", ...headers });
  res.end(JSON.stringify(body));
}

export function sendXml(res: ServerResponse, xml: string): void {
  res.writeHead(200, { "Content-Type": "application/xml; charset=utf-8", "Cache-Control": "no-store" });
  res.end(xml);
}

export function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { Location: location, "Cache-Control": "no-store" });
  res.end();
}

export function sendMethodNotAllowed(res: ServerResponse, allow: string): void {
  sendJson(res, 405, { error: "method_not_allowed" }, { Allow: allow });
}

type FormRead = { ok: true; form: URLSearchParams } | { ok: false; status: 400 | 413; reason: string };

/** Form bodies up to MAX_FORM_BYTES; a larger one is drained (up to a point) so the client reads our answer. */
export async function readForm(req: IncomingMessage): Promise<FormRead> {
  const type = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") {
    req.resume();
    return { ok: false, status: 400, reason: "Content-Type must be application/x-www-form-urlencoded" };
  }
  const kept: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_FORM_BYTES) kept.push(chunk);
    else if (size > MAX_DRAIN_BYTES) break;
  }
  if (size > MAX_FORM_BYTES) return { ok: false, status: 413, reason: "Request body too large" };
  return { ok: true, form: new URLSearchParams(Buffer.concat(kept).toString("utf8")) };
}

/**
 * Appends query fields to a URL as text, keeping the rest byte for byte: CAS compares the
 * service string exactly, and URL re-serialization could change it.
 */
export function appendQuery(url: string, fields: Record<string, string>): string {
  const hashAt = url.indexOf("#");
  const [base, fragment] = hashAt < 0 ? [url, ""] : [url.slice(0, hashAt), url.slice(hashAt)];
  const query = Object.entries(fields)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join("&");
  const separator = !base.includes("?") ? "?" : base.endsWith("?") || base.endsWith("&") ? "" : "&";
  return `${base}${separator}${query}${fragment}`;
}

export function withoutFragment(url: string): string {
  const hashAt = url.indexOf("#");
  return hashAt < 0 ? url : url.slice(0, hashAt);
}

export function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === "http:" || protocol === "https:";
  } catch {
    return false;
  }
}

export function safeDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

export function formDecode(value: string): string | undefined {
  return safeDecode(value.replace(/\+/g, " "));
}
