// Zod schemas for every callback KooGallery sends (protocol:saas-interface.md, protocol:kit-interface.md, protocol:license-interface.md). They validate a
// parsed copy; the signature is always checked on the untouched body first, so transforms
// here (normalised flags, flattened V1 extensions) never affect what was signed.
import { z } from "zod";
import type { KitName, V1SaasActivity, V2SaasActivity } from "@/lib/koogallery/activity-names";

export { isKitName, kitNames, type KitName } from "@/lib/koogallery/activity-names";

// ---------------------------------------------------------------- shared field builders

const requiredText = (max: number) => z.string().min(1).max(max);
const optionalText = (max: number) => z.string().max(max).optional();
const digits = (max: number) => z.string().regex(/^\d+$/).max(max);
// protocol:open-questions.md#expiretime-length: the table says yyyyMMddHHmmss, the example carries milliseconds too.
const expireTimeText = z.string().regex(/^\d{14}(\d{3})?$/, "must be yyyyMMddHHmmss[SSS]");
const v1TimeStamp = z.string().regex(/^\d{17}$/, "must be yyyyMMddHHmmssSSS");
const amountText = z
  .string()
  .regex(/^-?\d+(\.\d+)?$/)
  .max(20);

/** Comma-separated instance IDs (queryInstance): 1..100 non-blank IDs of ≤ 64 characters. */
const instanceIdList = z
  .string()
  .max(100 * 66)
  .superRefine((value, ctx) => {
    const ids = value.split(",").map((id) => id.trim());
    if (ids.length > 100) ctx.addIssue({ code: "custom", message: "has more than 100 instance IDs" });
    else if (ids.some((id) => id === "")) ctx.addIssue({ code: "custom", message: "contains a blank instance ID" });
    else if (ids.some((id) => id.length > 64)) ctx.addIssue({ code: "custom", message: "has an ID longer than 64" });
  });

export function splitInstanceIds(value: string): string[] {
  return value.split(",").map((id) => id.trim());
}

/** V2 sends "0"/"1"; other families send 0/1. Anything else is not a test call. */
export function isTestFlag(value: unknown): boolean {
  return value === "1" || value === 1;
}

export function isTestRequest(body: { testFlag?: unknown }): boolean {
  return isTestFlag(body.testFlag);
}

/** One schema for a set of activities, told apart by `activity`. */
function activityUnionOf<R extends Record<string, z.ZodObject<{ activity: z.ZodLiteral<string> }>>>(schemas: R) {
  return z.discriminatedUnion("activity", Object.values(schemas) as [R[keyof R], ...R[keyof R][]]);
}

// ---------------------------------------------------------------- V2 basic (protocol:saas-interface.md#saas-v2, protocol:license-interface.md#online-license,
// protocol:license-interface.md#license-codes)

const v2TestFlag = z.union([z.literal("0"), z.literal("1"), z.literal(0), z.literal(1)]).optional();
const freezeStatus = z.enum(["FREEZE", "UNFREEZE"]);

// protocol:saas-interface.md#v2-newinstance-variant: one copy of the guide sends buyer and order details instead of the three IDs.
const v2BuyerInfo = z.looseObject({
  customerId: optionalText(100),
  customerName: optionalText(64),
  userId: optionalText(64),
  userName: optionalText(64),
});
const v2OrderInfo = z.looseObject({
  businessId: optionalText(64),
  orderId: optionalText(64),
  orderLineId: optionalText(64),
});

const v2NewInstance = z
  .object({
    activity: z.literal("newInstance"),
    orderId: requiredText(64).optional(),
    orderLineId: requiredText(64).optional(),
    businessId: requiredText(64).optional(),
    buyerInfo: v2BuyerInfo.optional(),
    orderInfo: z.array(v2OrderInfo).min(1).optional(),
    testFlag: v2TestFlag,
  })
  .superRefine((body, ctx) => {
    if (body.orderInfo !== undefined) return;
    for (const field of ["orderId", "orderLineId", "businessId"] as const) {
      if (body[field] === undefined) ctx.addIssue({ code: "custom", path: [field], message: "is required" });
    }
  });

const v2RefreshInstance = z.object({
  activity: z.literal("refreshInstance"),
  scene: z.enum(["TRIAL_TO_FORMAL", "RENEWAL", "UNSUBSCRIBE_RENEWAL_PERIOD", "RENEWAL_CHANGE"]),
  orderId: requiredText(64),
  orderLineId: requiredText(64),
  instanceId: requiredText(64),
  productId: optionalText(64),
  expireTime: expireTimeText,
  testFlag: v2TestFlag,
});

const v2UpdateInstanceStatus = z.object({
  activity: z.literal("updateInstanceStatus"),
  instanceId: requiredText(64),
  status: freezeStatus,
  testFlag: v2TestFlag,
});

const v2ReleaseInstance = z.object({
  activity: z.literal("releaseInstance"),
  instanceId: requiredText(64),
  orderId: optionalText(64),
  orderLineId: optionalText(64),
  testFlag: v2TestFlag,
});

const v2QueryInstance = z.object({
  activity: z.literal("queryInstance"),
  instanceId: instanceIdList,
  testFlag: v2TestFlag,
});

const v2UpgradeInstance = z.object({
  activity: z.literal("upgradeInstance"),
  instanceId: requiredText(64),
  orderId: requiredText(64),
  orderLineId: requiredText(64),
  testFlag: v2TestFlag,
});

const v2OrderNotify = z.object({
  activity: z.literal("orderNotify"),
  orderId: requiredText(64),
  orderLineId: optionalText(64),
  testFlag: v2TestFlag,
});

const v2GetLicenseAsync = z.object({
  activity: z.literal("getLicenseAsync"),
  instanceId: requiredText(64),
  effectiveTime: requiredText(32),
  expireTime: optionalText(32),
  eventId: requiredText(64),
  deviceFingerprint: optionalText(1024),
  testFlag: v2TestFlag,
});

// The License-code activities carry the instance activities' fields, keyed by the License code instead of the instance.
const byLicense = { activity: true, instanceId: true } as const;

const v2RefreshLicenseCode = v2RefreshInstance.omit(byLicense).extend({
  activity: z.literal("refreshLicenseCode"),
  license: requiredText(64),
  scene: z.enum(["RENEWAL", "UNSUBSCRIBE_RENEWAL_PERIOD"]),
});

const v2UpdateLicenseCodeStatus = v2UpdateInstanceStatus.omit(byLicense).extend({ activity: z.literal("updateLicenseCodeStatus"), license: requiredText(64) });

const v2ReleaseLicenseCode = v2ReleaseInstance.omit(byLicense).extend({ activity: z.literal("releaseLicenseCode"), license: requiredText(64) });

/** The production interface's V2 activities, by name (the SaaS endpoint's activity table reads these). */
export const v2SaasSchemas = {
  newInstance: v2NewInstance,
  refreshInstance: v2RefreshInstance,
  updateInstanceStatus: v2UpdateInstanceStatus,
  releaseInstance: v2ReleaseInstance,
  queryInstance: v2QueryInstance,
  upgradeInstance: v2UpgradeInstance,
  orderNotify: v2OrderNotify,
} satisfies Record<V2SaasActivity, z.ZodType>;

/** The License interfaces' V2 activities (signed with the basic or the License-code key); no endpoint serves them yet. */
export const v2LicenseSchemas = {
  getLicenseAsync: v2GetLicenseAsync,
  refreshLicenseCode: v2RefreshLicenseCode,
  updateLicenseCodeStatus: v2UpdateLicenseCodeStatus,
  releaseLicenseCode: v2ReleaseLicenseCode,
};

/** Every V2 activity signed like the basic interface, production and License: the protocol's catalogue (tests, tools). */
export const v2BasicRequestSchema = activityUnionOf({ ...v2SaasSchemas, ...v2LicenseSchemas });

// ---------------------------------------------------------------- V1 GET (protocol:saas-interface.md#saas-v1, protocol:license-interface.md#license-v1)

const v1Common = {
  authToken: requiredText(50),
  timeStamp: v1TimeStamp,
  testFlag: z.enum(["0", "1"]).optional(),
};

// Order fields shared by newInstance and getLicense. Rows marked M in the reconstructed
// table but absent from the documented example URL (skuCode, customerName) are optional.
const v1OrderFields = {
  customerId: requiredText(100),
  customerName: optionalText(64),
  userId: optionalText(64),
  userName: optionalText(64),
  businessId: requiredText(64),
  orderId: requiredText(64),
  skuCode: optionalText(64),
  expireTime: expireTimeText.optional(),
  chargingMode: digits(3).optional(),
  periodType: optionalText(10),
  periodNumber: digits(2).optional(),
  orderAmount: amountText.optional(),
  provisionType: optionalText(32),
  saasExtendParams: optionalText(2048),
};

const v1LinearFields = {
  amount: digits(7).optional(),
  diskSize: digits(7).optional(),
  bandWidth: digits(7).optional(),
};

const v1NewInstance = z.object({
  ...v1Common,
  ...v1OrderFields,
  ...v1LinearFields,
  activity: z.literal("newInstance"),
  productId: requiredText(64),
  // Ciphertext (iv + Base64) of an unknown documented maximum.
  mobilePhone: optionalText(1024),
  email: optionalText(1024),
  trialFlag: optionalText(2),
});

const v1RefreshInstance = z.object({
  ...v1Common,
  activity: z.literal("refreshInstance"),
  orderId: requiredText(64),
  instanceId: requiredText(64),
  productId: optionalText(64),
  expireTime: expireTimeText,
  trialToFormal: optionalText(2),
  periodType: optionalText(10),
  periodNumber: digits(2).optional(),
  orderAmount: amountText.optional(),
});

// orderId is documented as mandatory for expire/release, but the documented expireInstance
// example omits it and the handlers key on instanceId, so it is optional here.
const v1ExpireInstance = z.object({
  ...v1Common,
  activity: z.literal("expireInstance"),
  instanceId: requiredText(64),
  orderId: optionalText(64),
});

const v1ReleaseInstance = z.object({
  ...v1Common,
  activity: z.literal("releaseInstance"),
  instanceId: requiredText(64),
  orderId: optionalText(64),
  orderAmount: amountText.optional(),
});

const v1Upgrade = z.object({
  ...v1Common,
  ...v1LinearFields,
  activity: z.literal("upgrade"),
  instanceId: requiredText(64),
  orderId: requiredText(64),
  skuCode: requiredText(64),
  productId: requiredText(64),
  saasExtendParams: optionalText(2048),
});

const v1InstanceStatus = z.object({
  ...v1Common,
  activity: z.literal("instanceStatus"),
  instanceId: requiredText(64),
  instanceStatus: z.enum(["FREEZE", "NORMAL"]),
});

const v1QueryInstance = z.object({
  ...v1Common,
  activity: z.literal("queryInstance"),
  instanceId: instanceIdList,
});

const v1GetLicense = z.object({
  ...v1Common,
  ...v1OrderFields,
  activity: z.literal("getLicense"),
  productId: optionalText(64),
});

/** The production interface's V1 activities, by name. */
export const v1SaasSchemas = {
  newInstance: v1NewInstance,
  refreshInstance: v1RefreshInstance,
  expireInstance: v1ExpireInstance,
  releaseInstance: v1ReleaseInstance,
  upgrade: v1Upgrade,
  instanceStatus: v1InstanceStatus,
  queryInstance: v1QueryInstance,
} satisfies Record<V1SaasActivity, z.ZodType>;

export const v1LicenseSchemas = { getLicense: v1GetLicense };

/** Every V1 GET activity, production and License: the protocol's catalogue (tests, tools). */
export const v1RequestSchema = activityUnionOf({ ...v1SaasSchemas, ...v1LicenseSchemas });

// ---------------------------------------------------------------- Kit (protocol:kit-interface.md)

/** Integer fields arrive as JSON numbers (V2) or numeric strings (some V1 senders). */
function kitInt<const T extends readonly number[]>(allowed: T) {
  return z
    .union([
      z.number(),
      z
        .string()
        .regex(/^\s*\d{1,2}\s*$/)
        .transform(Number),
    ])
    .pipe(z.number().refine((value) => allowed.includes(value), `must be one of ${allowed.join(", ")}`))
    .transform((value) => value as T[number]);
}

// Empty (or absent) when the sync comes from the seller applying for an app credential.
const kitOptionalId = z
  .string()
  .max(64)
  .nullish()
  .transform((value) => value ?? "");
const kitTimeStamp = z.string().regex(/^\d{14}(\d{3})?$/, "must be yyyyMMddHHmmssSSS");
const kitTestFlag = kitInt([0, 1]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** V1 sends userList/orgInfo as JSON text; V2 sends the array itself. */
function parseJsonText(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/**
 * The V2 allOrgSync doc example has unquoted keys (`[{orgCode:"1", …}]`). Quoting bare
 * identifiers in key position (never inside strings) and then using JSON.parse keeps this
 * a data-only transformation.
 */
export function parseRelaxedJson(text: string): unknown {
  const quoted = text.replace(
    /"(?:[^"\\]|\\.)*"|([{,]\s*)([A-Za-z_$][\w$]*)(\s*:)/g,
    (match, before: string | undefined, key: string | undefined, after: string | undefined) => (key === undefined ? match : `${before}"${key}"${after}`),
  );
  return JSON.parse(quoted);
}

function parseOrgListText(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return parseRelaxedJson(value);
  } catch {
    return value;
  }
}

/** V1 nests entryDate/employeeType/workPlace in `extension`; top-level values win. */
function flattenUserExtension(value: unknown): unknown {
  if (!isRecord(value) || !isRecord(value.extension)) return value;
  const { extension, ...rest } = value;
  return { ...extension, ...rest };
}

const blankToUndefined = (value: unknown) => (value === "" || value === null ? undefined : value);

const kitUser = z.preprocess(
  flattenUserExtension,
  z.object({
    userName: requiredText(64),
    name: z.string().max(64),
    orgCode: z.string().max(64),
    position: optionalText(64),
    employeeCode: optionalText(64),
    employeeType: z.preprocess(
      blankToUndefined,
      z
        .union([
          z.number().int().min(0),
          z
            .string()
            .regex(/^\d{1,11}$/)
            .transform(Number),
        ])
        .optional(),
    ),
    role: z.enum(["user", "admin"]),
    enable: z.union([z.enum(["true", "false"]), z.boolean().transform((value) => (value ? "true" : "false") as "true" | "false")]),
    mobile: optionalText(32),
    email: optionalText(128),
    workPlace: optionalText(255),
    entryDate: optionalText(32),
  }),
);

/** V1 full sync names the department `name`; every other form uses `orgName`. */
function renameV1OrgName(value: unknown): unknown {
  if (!isRecord(value) || value.orgName !== undefined || value.name === undefined) return value;
  const { name, ...rest } = value;
  return { ...rest, orgName: name };
}

/** A department: its code, name and parent (empty for a root). */
const kitOrgFields = {
  orgCode: requiredText(64),
  orgName: z.string().max(128),
  parentCode: z
    .string()
    .max(64)
    .nullish()
    .transform((value) => value ?? ""),
};

const kitOrg = z.preprocess(renameV1OrgName, z.object(kitOrgFields));

const kitOrgList = z.preprocess(parseOrgListText, z.array(kitOrg));

/** What every Kit sync carries: the instance (empty when debugging credentials), the tenant, the test flag and when it was sent. */
const kitCommon = { instanceId: kitOptionalId, tenantId: requiredText(64), testFlag: kitTestFlag, timeStamp: kitTimeStamp };

const tenantSync = z.object({
  ...kitCommon,
  orderId: kitOptionalId,
  tenantCode: requiredText(64),
  name: z.string().max(255),
  domainName: z.string().max(255),
  flag: kitInt([0, 1, 2]),
});

const applicationSync = z.object({
  ...kitCommon,
  appId: requiredText(64),
  clientId: requiredText(64),
  // Ciphertext of a ≥3072-bit RSA key; a delete (flag 0) may leave it out.
  clientSecret: z.string().max(4096).nullish(),
  flag: kitInt([0, 1, 2]),
});

const authSync = z.object({
  ...kitCommon,
  appId: requiredText(64),
  userList: z.preprocess(parseJsonText, z.array(kitUser).max(500)),
  currentSyncTime: z.string().regex(/^\d{14}(\d{3})?$/, "must be yyyyMMddHHmmssSSS"),
  flag: kitInt([0, 1, 2, 3]),
  testFlag: kitTestFlag,
  timeStamp: kitTimeStamp,
});

const singleOrgSync = z.preprocess(renameV1OrgName, z.object({ ...kitCommon, ...kitOrgFields, flag: kitInt([0, 1, 2]) }));

const allOrgSync = z
  .object({ ...kitCommon, orgInfoList: kitOrgList.optional(), orgInfo: kitOrgList.optional() })
  .superRefine((body, ctx) => {
    if (body.orgInfoList === undefined && body.orgInfo === undefined) {
      ctx.addIssue({ code: "custom", path: ["orgInfoList"], message: "is required" });
    }
  })
  .transform(({ orgInfo, orgInfoList, ...rest }) => ({ ...rest, orgInfoList: orgInfoList ?? orgInfo ?? [] }));

export const kitSchemas = {
  tenantSync,
  applicationSync,
  authSync,
  singleOrgSync,
  allOrgSync,
} satisfies Record<KitName, z.ZodType>;

export type KitRequest<N extends KitName> = z.output<(typeof kitSchemas)[N]>;
export type KitUser = z.output<typeof kitUser>;
