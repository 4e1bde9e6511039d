// Masks what the callback log shows people. Passwords and secrets are replaced;
// contact data (mobile, e-mail: ciphertext in V1, plain in order data) is cut to
// a hint. Signatures and tokens are HMAC outputs, not keys: they are stored so
// the signature check can be explained, and shown in full to operators and
// owners only (fingerprintSignatures below; ADR 0006). A captured token is
// still a call that could be replayed while its timestamp is fresh.
const SECRET_KEY = /pass(word)?|secret|private|cookie|^authorization$|clientsecret|credential/i;
const CONTACT_KEY = /^(mobile(phone)?|email|phone)$/i;

export const MASK = "••••••";

function maskContact(value: string): string {
  if (value.length <= 4) return MASK;
  return `${value.slice(0, 2)}${MASK}${value.slice(-2)}`;
}

/**
 * V1 Kit bodies carry lists as JSON text (`userList`, `orgInfo`): the people
 * inside are masked too, and the value stays a string.
 */
function maskJsonString(value: string): string {
  const first = value.trimStart()[0];
  if (first !== "[" && first !== "{") return value;
  try {
    return JSON.stringify(maskDeep(JSON.parse(value)));
  } catch {
    return value;
  }
}

export function maskValue(key: string, value: unknown): unknown {
  if (value === null || value === undefined || value === "") return value;
  if (SECRET_KEY.test(key)) return MASK;
  if (CONTACT_KEY.test(key) && typeof value === "string") return maskContact(value);
  if (typeof value === "string") return maskJsonString(value);
  return maskDeep(value);
}

export function maskDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => maskDeep(v));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, maskValue(k, v)]));
  }
  return value;
}

const MAX_TEXT = 16 * 1024;

/** Masks a JSON text; text that is not JSON is kept (capped) as it is. */
export function maskJsonText(text: string): unknown {
  try {
    return maskDeep(JSON.parse(text));
  } catch {
    return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}… (${text.length} bytes)` : text;
  }
}

export function maskHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, SECRET_KEY.test(k) ? MASK : v]));
}

/** `"name": "value"` pairs in JSON text, even text cut off mid-document. */
const JSON_STRING_MEMBER = /"((?:[^"\\]|\\.)*)"(\s*:\s*)"((?:[^"\\]|\\.)*)"/g;

/**
 * Masks the start of a body that is kept only as an excerpt (a refused call's:
 * never parsed whole). The same rules as maskValue, applied to the string
 * members the text shows; a cut-off last member may stay unmasked only if its
 * closing quote is missing, so the excerpt ends before any unterminated value.
 */
export function maskJsonExcerpt(text: string): string {
  let out = text.replace(JSON_STRING_MEMBER, (whole, key: string, colon: string, value: string) => {
    if (SECRET_KEY.test(key)) return `"${key}"${colon}"${MASK}"`;
    if (CONTACT_KEY.test(key)) return `"${key}"${colon}"${maskContact(value)}"`;
    return whole;
  });
  // An unterminated string value at the end (the cut) could be a secret's first characters.
  const tail = /"((?:[^"\\]|\\.)*)"\s*:\s*"(?:[^"\\]|\\.)*$/.exec(out);
  if (tail) out = out.slice(0, tail.index) + `"${tail[1]}":"…`;
  return out;
}

/**
 * Where a logged request carries its signature: V2 `signature` (query), V1
 * `authToken` (query; the Kit's header `authtoken`), Kit V2 `x-sign` (header).
 */
const SIGNATURE_KEY = /^(signature|authtoken|x-sign)$/i;

/** A signature shown short: enough to tell two apart, not enough to replay the call. */
export function fingerprintSignature(value: string): string {
  return `${value.slice(0, 6)}… (${value.length} chars)`;
}

/**
 * The stored request ({path, query, headers, body}) for someone who may not see
 * signatures in full (staff viewers, tenant admins): each signature becomes its
 * fingerprint. Operators and owners read the request as stored (they compare
 * signatures when one does not match).
 */
export function fingerprintSignatures(request: unknown): unknown {
  if (!request || typeof request !== "object" || Array.isArray(request)) return request;
  const out: Record<string, unknown> = { ...(request as Record<string, unknown>) };
  for (const part of ["query", "headers", "body"]) {
    const value = out[part];
    if (!value || typeof value !== "object" || Array.isArray(value)) continue;
    out[part] = Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [
        k,
        SIGNATURE_KEY.test(k) && typeof v === "string" && v !== "" ? fingerprintSignature(v) : v,
      ]),
    );
  }
  return out;
}
