// KooGallery result codes (protocol:result-codes.md). The same six-digit family is used by SaaS V1/V2, the
// Online License, License authorization codes and the Kit interfaces.

export const ResultCode = {
  SUCCESS: "000000",
  AUTH_FAILED: "000001",
  INVALID_PARAMS: "000002",
  INSTANCE_NOT_FOUND: "000003",
  IN_PROGRESS: "000004",
  INTERNAL_ERROR: "000005",
  NO_RESOURCE: "000100",
  MOBILE_INVALID_OR_EXISTS: "000101",
  EMAIL_INVALID_OR_EXISTS: "000102",
  PRODUCT_ALREADY_PURCHASED: "000103",
  INTERNAL_SERVICE_ERROR: "000104",
  BENEFITS_ALREADY_SUBSCRIBED: "000105",
  PRODUCT_SOLD_OUT: "000106",
  EMAIL_DOMAIN_EXISTS: "000107",
  LICENSE_QUOTA_INSUFFICIENT: "000900",
  LICENSE_OUTSIDE_ORDER_PERIOD: "000901",
  LICENSE_EXPIRY_REQUIRED: "000902",
  LICENSE_FINGERPRINT_REQUIRED: "000903",
} as const;

export type ResultCodeName = keyof typeof ResultCode;
export type ResultCodeValue = (typeof ResultCode)[ResultCodeName];

export const defaultResultMessages: Readonly<Record<ResultCodeValue, string>> = {
  "000000": "Success",
  "000001": "Authentication failed",
  "000002": "Invalid request parameter",
  "000003": "Instance does not exist",
  "000004": "Request is being processed",
  "000005": "Internal error",
  "000100": "No instance resource available",
  "000101": "Mobile number not specified or already exists",
  "000102": "Email address is not specified or already exists",
  "000103": "Product already purchased",
  "000104": "Internal service error",
  "000105": "Account has already subscribed to benefits",
  "000106": "Product resources sold out.",
  "000107": "SaaS email domain already exists.",
  "000900": "Insufficient License quota in the currently effective order",
  "000901": "License must be applied for within the order's validity period",
  "000902": "A periodic License requires an expiry time",
  "000903": "Device fingerprint (hardware code) is required",
};

/**
 * The official demo answers an undecryptable Kit clientSecret with 000101 and this text
 * (protocol:result-codes.md#kit-codes); it shares the code with the newInstance meaning, so it is kept apart.
 */
export const KIT_APP_SECRET_INVALID = { resultCode: "000101", resultMsg: "something wrong with appSecret" } as const;

export function isResultCodeValue(value: unknown): value is ResultCodeValue {
  return typeof value === "string" && Object.hasOwn(defaultResultMessages, value);
}
