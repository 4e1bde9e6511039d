// Which key, if any, signed a large callback body, checked without the rest of
// the pipeline: pure work over the bytes, run on a worker thread (large-body-
// worker.ts) so a stranger's 15 MiB junk never holds the event loop. Relative
// imports only: the worker loads this file on its own.
import { createHash } from "node:crypto";
import { verifyBasicSignature, verifyKitSignature } from "../koogallery/signature-v2";
import { authTokenParamsFromBody, computeAuthToken } from "../koogallery/v1-auth-token";
import { safeEqual } from "../koogallery/constant-time";
import { parseJsonObject } from "./call-parts";

export type LargeBodyCheck = {
  kind: "v2-basic" | "v2-kit" | "v1-kit";
  keys: { name: string; key: string }[];
  body: Uint8Array;
  /** V2: the signature material (already screened: present, fresh). */
  signature?: string;
  timestamp?: string;
  nonce?: string;
  /** V1 Kit: the authToken header. */
  token?: string;
  /** The sender is over its refusal budget: the raw form only (V2). */
  isRawOnly: boolean;
};

export type LargeBodyVerdict = { keyName: string | null; sha256: string };

export function checkLargeBody(c: LargeBodyCheck): LargeBodyVerdict {
  const bytes = Buffer.from(c.body.buffer, c.body.byteOffset, c.body.byteLength);
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const text = bytes.toString("utf8");
  let parsed: Record<string, unknown> | undefined | null = null;
  const body = () => (parsed === null ? (parsed = parseJsonObject(text)) : parsed);
  const seen = new Set<string>();
  for (const { name, key } of c.keys) {
    if (!key || seen.has(key)) continue;
    seen.add(key);
    if (c.kind === "v1-kit") {
      const tree = body();
      if (tree && typeof tree.timeStamp === "string" && c.token && safeEqual(computeAuthToken(authTokenParamsFromBody(tree), key), c.token))
        return { keyName: name, sha256 };
      continue;
    }
    const verify = c.kind === "v2-basic" ? verifyBasicSignature : verifyKitSignature;
    const result = verify({
      accessKey: key,
      rawBody: text,
      body,
      signature: c.signature ?? "",
      timestamp: c.timestamp ?? "",
      nonce: c.nonce ?? "",
      isRawOnlyWhenLarge: c.isRawOnly,
    });
    if (result.ok) return { keyName: name, sha256 };
  }
  return { keyName: null, sha256 };
}
