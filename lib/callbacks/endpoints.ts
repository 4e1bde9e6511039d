// The registry of callback endpoints: each catalog row (endpoint-catalog.ts)
// with its behaviour (verification, activity table, answers). The HTTP
// adapters (serve-callback.ts: the Next.js route files and the production
// server), the retry path and the tests all find endpoints here.
import { ENDPOINT_CATALOG, resolveRoute, type EndpointEntry, type Generation } from "@/lib/callbacks/endpoint-catalog";
import type { CallbackAnswer } from "@/lib/callbacks/answer";
import type { IncomingCall } from "@/lib/callbacks/record-callback";
import { runPipeline, type BaseOutcome, type EndpointDefinition, type RetryOptions } from "@/lib/callbacks/run-pipeline";
import { saasEndpoint } from "@/lib/instances/saas-endpoint";
import { kitEndpoint } from "@/lib/tenants/kit-endpoints";

/** Which definition serves a catalog row, by protocol. */
const DEFINE: Record<EndpointEntry["protocol"], (entry: EndpointEntry) => EndpointDefinition<unknown, BaseOutcome>> = {
  saas: (entry) => saasEndpoint(entry) as unknown as EndpointDefinition<unknown, BaseOutcome>,
  kit: (entry) => kitEndpoint(entry) as unknown as EndpointDefinition<unknown, BaseOutcome>,
};

const DEFINITIONS = new Map(ENDPOINT_CATALOG.map((entry) => [entry.name, DEFINE[entry.protocol](entry)]));

export function endpointDefinitionOf(name: string): EndpointDefinition<unknown, BaseOutcome> | undefined {
  return DEFINITIONS.get(name);
}

/** Runs a call (or a stored call being re-run) through its endpoint's pipeline. */
export function handleCallback(endpointName: string, generation: Generation, call: IncomingCall, retry?: RetryOptions): Promise<CallbackAnswer> {
  const def = DEFINITIONS.get(endpointName);
  if (!def) throw new Error(`no callback endpoint is named ${endpointName}`);
  return runPipeline(def, generation, call, retry);
}

/** Runs a call through the endpoint its method and URL path name (tests and tools that hold a whole request). */
export function handleCall(call: IncomingCall, retry?: RetryOptions): Promise<CallbackAnswer> {
  const resolved = resolveRoute(new URL(call.url, "http://localhost").pathname, call.method);
  if (!resolved || "unknownKit" in resolved) throw new Error(`no callback endpoint serves ${call.method} ${call.url}`);
  return handleCallback(resolved.entry.name, resolved.route.generation, call, retry);
}
