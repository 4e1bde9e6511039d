// The activities KooGallery's interfaces carry, by name, per generation
// (docs/protocol). Pure data: the endpoint catalog (read by client code too)
// and the zod schemas in schemas.ts both key on these, so a name is spelled once.

/** The production interface's activities (V2 JSON POST). The License activities are another interface's. */
export const v2SaasActivities = [
  "newInstance",
  "refreshInstance",
  "updateInstanceStatus",
  "releaseInstance",
  "queryInstance",
  "upgradeInstance",
  "orderNotify",
] as const;

/** The production interface's activities (V1 GET). */
export const v1SaasActivities = ["newInstance", "refreshInstance", "expireInstance", "releaseInstance", "upgrade", "instanceStatus", "queryInstance"] as const;

/** The License interfaces' activities: V2 License-code delivery and async License, V1 getLicense. */
export const v2LicenseActivities = ["getLicenseAsync", "refreshLicenseCode", "updateLicenseCodeStatus", "releaseLicenseCode"] as const;
export const v1LicenseActivities = ["getLicense"] as const;

/** The joint-operation Kit syncs, each at its own path. */
export const kitNames = ["tenantSync", "applicationSync", "authSync", "singleOrgSync", "allOrgSync"] as const;

export type V2SaasActivity = (typeof v2SaasActivities)[number];
export type V1SaasActivity = (typeof v1SaasActivities)[number];
export type KitName = (typeof kitNames)[number];

export function isKitName(value: unknown): value is KitName {
  return typeof value === "string" && (kitNames as readonly string[]).includes(value);
}
