// saasExtendParams (protocol:saas-interface.md#v1-newinstance, protocol:saas-interface.md#v1-upgrade): a JSON array of {name, value} sent as
// urlEncode(base64(json)). Framework query parsing normally leaves only the Base64.
import { z } from "zod";
import { KooGalleryProtocolError } from "./errors";

export interface ExtendParam {
  name: string;
  value: string;
}

const extendParamsSchema = z.array(
  z.object({
    name: z.string(),
    // Values are documented as strings; a number or boolean is kept as its text.
    value: z.union([z.string(), z.number(), z.boolean()]).transform(String),
  }),
);

function fail(problem: string): never {
  throw new KooGalleryProtocolError("BAD_EXTEND_PARAMS", `saasExtendParams ${problem}`);
}

function toStandardBase64(value: string): string {
  let text = value.trim();
  // Still URL-encoded (e.g. read from a raw query string): "%3D%3D" etc.
  if (text.includes("%")) {
    try {
      text = decodeURIComponent(text);
    } catch {
      fail("is not valid URL encoding");
    }
  }
  // A form decoder turns '+' into ' '; base64url uses '-' and '_'.
  return text.replace(/ /g, "+").replace(/-/g, "+").replace(/_/g, "/");
}

export function decodeSaasExtendParams(value: string): ExtendParam[] {
  if (typeof value !== "string") fail("is not a string");
  const base64 = toStandardBase64(value);
  if (base64 === "") return [];
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) fail("is not Base64");
  let json: unknown;
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(Buffer.from(base64, "base64"));
    json = JSON.parse(text);
  } catch {
    fail("does not decode to JSON");
  }
  const parsed = extendParamsSchema.safeParse(json);
  if (!parsed.success) fail("is not an array of {name, value}");
  return parsed.data;
}

/** Base64 of the compact JSON array; URL-encoding is left to whoever builds the query. */
export function encodeSaasExtendParams(list: readonly ExtendParam[]): string {
  const json = JSON.stringify(list.map(({ name, value }) => ({ name, value })));
  return Buffer.from(json, "utf8").toString("base64");
}
