// One error type for the portal and the callbacks. A callback answer carries a
// KooGallery result code; a portal answer an HTTP status. Unknown errors become
// a generic internal error: their message never reaches a client.
import type { z } from "zod";
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

/** The refusals people meet on the portal's pages, worded in each language (lib/i18n/messages/<lang>/apiErrors.json). */
export type ApiErrorKey = keyof typeof import("@/lib/i18n/messages/en/apiErrors.json");

export class PortalError extends Error {
  override name = "PortalError";
  /**
   * `message` is the English text (logs, scripts); `words`, when given, names the apiErrors catalog entry the
   * portal answers with instead, in the requester's language (portalRoute).
   */
  constructor(
    readonly code: PortalErrorCode,
    message: string,
    readonly words?: { key: ApiErrorKey; values?: Record<string, string | number> },
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

/**
 * Why a zod parse failed, in one short line: field paths and problems only, never the received values
 * (which may be personal data), capped at 255 characters (a callback's documented resultMsg length).
 * Messages that start with "must " are the schemas' own and are shown as they are; zod's defaults are not
 * (some echo the input or the pattern). `unknownKey` names what an unrecognized key is ("field", "filter").
 */
export function formatZodIssues(error: z.ZodError, { unknownKey = "field" }: { unknownKey?: string } = {}): string {
  const describe = (issue: z.core.$ZodIssue) =>
    issue.code === "unrecognized_keys"
      ? `unknown ${unknownKey} ${issue.keys.map((key) => `"${key.slice(0, 40)}"`).join(", ")}`
      : `${formatIssuePath(issue.path)} ${describeIssue(issue)}`;
  const parts = [...new Set(error.issues.map(describe))];
  const shown = parts.slice(0, 5).join("; ");
  const message = parts.length > 5 ? `${shown}; and ${parts.length - 5} more` : shown;
  return message.length > 255 ? `${message.slice(0, 252)}...` : message;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.message.startsWith("must ")) return issue.message;
  switch (issue.code) {
    case "invalid_type":
      return issue.message.endsWith("received undefined") ? "is required" : `must be ${issue.expected}`;
    case "too_big":
      return issue.origin === "array" ? `has more than ${issue.maximum} items` : `is longer than ${issue.maximum}`;
    case "too_small":
      return issue.origin === "array" ? `needs at least ${issue.minimum} items` : "must not be empty";
    case "invalid_format":
      return "has an invalid format";
    case "invalid_value":
      return "is not an allowed value";
    case "invalid_union":
      return issue.discriminator !== undefined && issue.errors.length === 0 ? "is not supported" : "is invalid";
    case "custom":
      // Custom issues come from our own refinements, which never echo input.
      return issue.message && issue.message !== "Invalid input" ? issue.message : "is invalid";
    default:
      return "is invalid";
  }
}

function formatIssuePath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "body";
  return path
    .map((segment, index) => {
      if (typeof segment === "number") return `[${segment}]`;
      const name = String(segment);
      return index === 0 ? name : `.${name}`;
    })
    .join("");
}
