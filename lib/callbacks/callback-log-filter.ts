// The callback log's filters, shared by the list (query string), the bulk retry
// (JSON body) and the pages, and the Prisma condition they become. Every filter
// but `generation`, the SaaS `endpoint` and `includeTest` is an indexed equality
// (or the receivedAt range), so with the receivedAt order each query is one
// index range: see the indexes on CallbackLog in prisma/schema.prisma.
import { ENDPOINT_NAMES, kitNameOfEndpoint, protocolOfEndpointName } from "@/lib/callbacks/endpoint-catalog";
import { z } from "zod";
import { formatZodIssues, PortalError } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import { VERIFICATION_OUTCOMES } from "@/lib/callbacks/verification-outcomes";

export { VERIFICATION_OUTCOMES };

export const SUCCESS_CODE = "000000";

const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1, { error: "must not be empty" })
    .max(max, { error: `must be at most ${max} characters` });
/** Query strings say 1/0/true/false; JSON bodies say true/false. */
const flag = z.union([z.boolean(), z.enum(["1", "0", "true", "false"]).transform((v) => v === "1" || v === "true")], { error: "must be true or false" });
const time = z
  .string()
  .trim()
  .max(40, { error: "must be an ISO 8601 time" })
  .refine((s) => /^\d{4}-\d{2}-\d{2}/.test(s) && !Number.isNaN(Date.parse(s)), { error: "must be an ISO 8601 time, e.g. 2026-11-25T10:00:00Z" })
  .transform((s) => new Date(s));

export const callbackLogFilterSchema = z
  .strictObject({
    /** An endpoint of the catalog, or an unknown Kit name refused calls were logged under ("kit/<name>"). */
    endpoint: text(80).refine((name) => protocolOfEndpointName(name) !== undefined && /^[A-Za-z0-9_/-]{1,80}$/.test(name), {
      error: `must be one of ${ENDPOINT_NAMES.join(", ")} (or kit/<sync name>)`,
    }),
    activity: text(64),
    generation: z.enum(["V1", "V2"], { error: "must be V1 or V2" }),
    resultCode: text(6).regex(/^\d{6}$/, { error: "must be six digits" }),
    verification: z.enum(VERIFICATION_OUTCOMES, { error: `must be one of ${VERIFICATION_OUTCOMES.join(", ")}` }),
    from: time,
    to: time,
    orderId: text(64),
    instanceId: text(64),
    tenantId: text(64),
    /** One search box: an order, instance or tenant id, matched exactly. */
    q: text(100),
    includeTest: flag,
    retriesOnly: flag,
    /** resultCode is not 000000. */
    failedOnly: flag,
  })
  .partial()
  .refine((f) => !(f.from && f.to) || f.from < f.to, { error: "must be before to", path: ["from"] });

export type CallbackLogFilter = z.output<typeof callbackLogFilterSchema>;
/** The filter as the pages and the bulk retry body send it (times as ISO strings). */
export type CallbackLogFilterInput = z.input<typeof callbackLogFilterSchema>;

export const FILTER_KEYS = [
  "endpoint",
  "activity",
  "generation",
  "resultCode",
  "verification",
  "from",
  "to",
  "orderId",
  "instanceId",
  "tenantId",
  "q",
  "includeTest",
  "retriesOnly",
  "failedOnly",
] as const satisfies readonly (keyof CallbackLogFilter)[];

export function parseCallbackLogFilter(value: unknown): CallbackLogFilter {
  const parsed = callbackLogFilterSchema.safeParse(value ?? {});
  if (!parsed.success) throw new PortalError("bad_request", formatZodIssues(parsed.error, { unknownKey: "filter" }));
  return parsed.data;
}

/** The filter from a query string; empty values are "not set", other keys (cursor, limit) are the caller's. */
export function callbackLogFilterFromSearchParams(params: URLSearchParams): CallbackLogFilter {
  const raw: Record<string, string> = {};
  for (const key of FILTER_KEYS) {
    const v = params.get(key);
    if (v !== null && v.trim() !== "") raw[key] = v;
  }
  return parseCallbackLogFilter(raw);
}

/**
 * The filter as a Prisma condition. Written so that one index serves it:
 * - an indexed equality (activity, resultCode, verification, instanceId,
 *   tenantId, orderId, retryOfId) plus the receivedAt range, or
 * - the (receivedAt DESC, id) index alone, reading newest first.
 * A Kit endpoint is also its activity (the sync name), which is indexed.
 */
export function callbackLogWhere(filter: CallbackLogFilter): Prisma.CallbackLogWhereInput[] {
  const and: Prisma.CallbackLogWhereInput[] = [];
  if (filter.endpoint) {
    and.push({ endpoint: filter.endpoint });
    const kitName = kitNameOfEndpoint(filter.endpoint);
    if (kitName && !filter.activity) and.push({ activity: kitName });
  }
  if (filter.activity) and.push({ activity: filter.activity });
  if (filter.generation) and.push({ generation: filter.generation });
  if (filter.resultCode) and.push({ resultCode: filter.resultCode });
  // "Not 000000" as two ranges of the (resultCode, receivedAt) index rather than <>, which no index serves.
  if (filter.failedOnly) and.push({ OR: [{ resultCode: { gt: SUCCESS_CODE } }, { resultCode: { lt: SUCCESS_CODE } }] });
  if (filter.verification) and.push({ verification: filter.verification });
  if (filter.from) and.push({ receivedAt: { gte: filter.from } });
  if (filter.to) and.push({ receivedAt: { lt: filter.to } });
  if (filter.orderId) and.push({ orderId: filter.orderId });
  if (filter.instanceId) and.push({ instanceId: filter.instanceId });
  if (filter.tenantId) and.push({ tenantId: filter.tenantId });
  if (filter.q) and.push({ OR: [{ orderId: filter.q }, { instanceId: filter.q }, { tenantId: filter.q }] });
  if (filter.retriesOnly) and.push({ retryOfId: { not: null } });
  if (!filter.includeTest) and.push({ isTest: false });
  return and;
}
