// The callback endpoints KooGallery calls, as data: the one place that names
// them. Each row says where KooGallery sends (paths and methods, one
// generation per route), which key family signs the calls, how large a body
// may be, and which activities it serves. Pure (no server code), so the
// portal's client components and the settings page read it too; the handlers
// are attached to these rows in lib/callbacks/endpoints.ts.
//
// Adding an endpoint: a row here, an activity table beside its domain verbs,
// a definition in lib/callbacks/endpoints.ts, and a route file under
// app/api/koogallery/ whose path matches (a test checks that every route here
// is served by both the route files and the production server).
import { kitNames, v1SaasActivities, v2SaasActivities } from "@/lib/koogallery/activity-names";

export type Generation = "V1" | "V2";
/** Which merchant key signs the calls (and our answers): the basic interface key, or the Kit key. */
export type KeyFamily = "basic" | "kit";
/** How a call is verified and screened: the production interface's (V1 query token, V2 body signature) or the Kit's. */
export type Protocol = "saas" | "kit";

export type EndpointRoute = { method: "GET" | "POST"; path: string; generation: Generation };

export type EndpointEntry = {
  /** The name the callback log stores ("saas", "kit/tenantSync"). */
  name: string;
  label: string;
  protocol: Protocol;
  keyFamily: KeyFamily;
  maxBodyBytes: number;
  routes: readonly EndpointRoute[];
  /** The activities served, per generation (the Kit's activity is the sync itself). */
  activities: Readonly<Record<Generation, readonly string[]>>;
};

/** A production-interface call fits in well under 1 MiB. */
export const MAX_BODY_BYTES = 1024 * 1024;
/** Kit syncs carry whole organisations: a 20,000-department allOrgSync is ~1.4 MiB. */
export const KIT_MAX_BODY_BYTES = 16 * 1024 * 1024;

export const SAAS_PATH = "/api/koogallery/saas";
const KIT_V1_PREFIX = `${SAAS_PATH}/produceAPI/`;
const KIT_V2_PREFIX = `${SAAS_PATH}/produceAPI/v2/`;
const KIT_ENDPOINT_PREFIX = "kit/";

/** The log's endpoint name for a Kit path, known or not ("kit/tenantSync"). */
export function kitEndpointName(kitName: string): string {
  return `${KIT_ENDPOINT_PREFIX}${kitName.slice(0, 64)}`;
}

function kitEntry(kitName: string): EndpointEntry {
  return {
    name: kitEndpointName(kitName),
    label: `Kit ${kitName}`,
    protocol: "kit",
    keyFamily: "kit",
    maxBodyBytes: KIT_MAX_BODY_BYTES,
    routes: [
      { method: "POST", path: `${KIT_V2_PREFIX}${kitName}`, generation: "V2" },
      { method: "POST", path: `${KIT_V1_PREFIX}${kitName}`, generation: "V1" },
    ],
    activities: { V1: [kitName], V2: [kitName] },
  };
}

export const ENDPOINT_CATALOG: readonly EndpointEntry[] = [
  {
    name: "saas",
    label: "SaaS production interface",
    protocol: "saas",
    keyFamily: "basic",
    maxBodyBytes: MAX_BODY_BYTES,
    routes: [
      { method: "POST", path: SAAS_PATH, generation: "V2" },
      { method: "GET", path: SAAS_PATH, generation: "V1" },
    ],
    activities: { V1: v1SaasActivities, V2: v2SaasActivities },
  },
  ...kitNames.map(kitEntry),
];

const BY_NAME = new Map(ENDPOINT_CATALOG.map((e) => [e.name, e]));

export function endpointEntryNamed(name: string): EndpointEntry | undefined {
  return BY_NAME.get(name);
}

export const ENDPOINT_NAMES: readonly string[] = ENDPOINT_CATALOG.map((e) => e.name);

/** The HTTP method a generation uses at an endpoint (for summaries of calls that were never read). */
export function methodOf(name: string, generation: Generation): "GET" | "POST" {
  return BY_NAME.get(name)?.routes.find((r) => r.generation === generation)?.method ?? "POST";
}

/** The protocol of a logged endpoint name, including Kit names no endpoint serves (refused calls are logged under them). */
export function protocolOfEndpointName(name: string): Protocol | undefined {
  return BY_NAME.get(name)?.protocol ?? (name.startsWith(KIT_ENDPOINT_PREFIX) ? "kit" : undefined);
}

/** The Kit sync a logged Kit endpoint name stands for ("kit/authSync" → "authSync"). */
export function kitNameOfEndpoint(name: string): string | undefined {
  return name.startsWith(KIT_ENDPOINT_PREFIX) ? name.slice(KIT_ENDPOINT_PREFIX.length) : undefined;
}

export type ResolvedRoute = { entry: EndpointEntry; route: EndpointRoute } | { unknownKit: { name: string; generation: Generation } };

const ROUTES = new Map<string, { entry: EndpointEntry; route: EndpointRoute }>(
  ENDPOINT_CATALOG.flatMap((entry) => entry.routes.map((route) => [`${route.method} ${route.path}`, { entry, route }] as const)),
);

/**
 * Which endpoint route a request is for (a trailing slash is ignored). A POST
 * under the Kit's prefix that names no known sync is still the Kit's: it is
 * answered "unknown Kit interface" (000002) and logged under its name.
 */
export function resolveRoute(pathname: string, method: string): ResolvedRoute | undefined {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, "") : pathname;
  const known = ROUTES.get(`${method} ${path}`);
  if (known) return known;
  if (method !== "POST" || !path.startsWith(KIT_V1_PREFIX)) return undefined;
  const isV2 = path.startsWith(KIT_V2_PREFIX);
  const rest = path.slice(isV2 ? KIT_V2_PREFIX.length : KIT_V1_PREFIX.length);
  if (rest === "" || rest.includes("/")) return undefined;
  let name: string;
  try {
    name = decodeURIComponent(rest);
  } catch {
    return undefined;
  }
  const decoded = ROUTES.get(`${method} ${isV2 ? KIT_V2_PREFIX : KIT_V1_PREFIX}${name}`);
  if (decoded) return decoded;
  return { unknownKit: { name, generation: isV2 ? "V2" : "V1" } };
}
