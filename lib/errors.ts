// One error type for the portal and the callbacks. A callback answer carries a
// KooGallery result code; a portal answer an HTTP status. Unknown errors become
// a generic internal error: their message never reaches a client.
export type PortalErrorCode =
  "bad_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "internal";

const httpStatus: Record<PortalErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
};

export class PortalError extends Error {
  override name = "PortalError";
  constructor(
    readonly code: PortalErrorCode,
    message: string,
  ) {
    super(message);
  }
  get status(): number {
    return httpStatus[this.code];
  }
}

/**
 * A callback that must be answered with a specific KooGallery result code. The
 * message is the answer's resultMsg; `note`, when given, is what the callback
 * log says instead (why, for people; never secrets).
 */
export class CallbackError extends Error {
  override name = "CallbackError";
  constructor(
    readonly resultCode: string,
    message: string,
    readonly note?: string,
  ) {
    super(message);
  }
}

/** Prisma's unique-constraint violation, for the few places that insert without ON CONFLICT. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: string }).code === "P2002";
}

/** A short description of an unexpected error for logs (class and message, capped), never for clients. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 500);
  return String(error).slice(0, 500);
}
