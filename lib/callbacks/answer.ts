// Builds callback answers: always HTTP 200 with a JSON body and a Body-Sign
// header (required for V1, harmless for V2, protocol:signatures.md#body-sign-on-answers). Non-ASCII is \u-escaped
// (the spec asks it for `memo`; every JSON reader accepts it everywhere).
import { computeBodySign, formatBodySignHeader } from "@/lib/koogallery/body-sign";

export type CallbackAnswer = {
  status: 200;
  headers: Record<string, string>;
  body: string;
  /** What `body` encodes, for the callback log (masked from this, not re-parsed from the text). */
  fields?: Record<string, unknown>;
};

export function escapeNonAscii(json: string): string {
  return json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

export function buildAnswer(fields: Record<string, unknown>, signKey: string): CallbackAnswer {
  const body = escapeNonAscii(JSON.stringify(fields));
  return {
    status: 200,
    headers: {
      "content-type": "application/json;charset=UTF-8",
      "cache-control": "no-store",
      "Body-Sign": formatBodySignHeader(computeBodySign(signKey, body)),
    },
    body,
    fields,
  };
}

export function toResponse(answer: CallbackAnswer): Response {
  return new Response(answer.body, { status: answer.status, headers: answer.headers });
}
