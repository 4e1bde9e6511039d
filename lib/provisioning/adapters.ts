// Where an instance's application comes from. The built-in adapter answers at
// once (inside the newInstance transaction); the HTTP adapter calls the
// merchant's own backend from a durable job and must be idempotent per
// instanceId (we may call it again after a timeout or a restart).
import { signWebhook } from "@/lib/webhooks/standard-webhooks";
import { randomBytes, randomInt } from "node:crypto";
import { z } from "zod";
import type { Env } from "@/lib/env";

export type AppInfo = { frontEndUrl: string; adminUrl?: string; userName?: string; password?: string; memo?: string };

export type ProvisionInput = {
  instanceId: string;
  orderId: string;
  orderLineId?: string | null;
  productId?: string | null;
  skuCode?: string | null;
  customerId?: string | null;
  customerName?: string | null;
  isTrial: boolean;
  isTest: boolean;
  expireAt?: Date | null;
  extendParams?: unknown;
};

export type ProvisioningAdapter = {
  name: "builtin" | "http";
  /** Inline adapters run inside the callback's transaction; the others run as jobs. */
  isInline: boolean;
  provision(input: ProvisionInput): Promise<AppInfo>;
};

/** A temporary failure: the job retries. A permanent one (4xx, bad answer) marks the instance failed. */
export class ProvisioningError extends Error {
  override name = "ProvisioningError";
  constructor(
    message: string,
    readonly isPermanent: boolean,
  ) {
    super(message);
  }
}

const PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

/** 16 characters with upper, lower and digits, from the CSPRNG. */
export function generateInitialPassword(length = 16): string {
  for (;;) {
    const chars = Array.from({ length }, () => PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)]).join("");
    if (/[A-Z]/.test(chars) && /[a-z]/.test(chars) && /[0-9]/.test(chars)) return chars;
  }
}

export function createBuiltinAdapter(frontEndUrlTemplate: string, adminUrlTemplate: string): ProvisioningAdapter {
  return {
    name: "builtin",
    isInline: true,
    async provision(input) {
      const slug = encodeURIComponent(input.instanceId);
      return {
        frontEndUrl: frontEndUrlTemplate.replaceAll("{instanceId}", slug),
        adminUrl: adminUrlTemplate.replaceAll("{instanceId}", slug),
        userName: `admin-${
          input.instanceId
            .replace(/[^A-Za-z0-9]/g, "")
            .slice(0, 8)
            .toLowerCase() || randomBytes(4).toString("hex")
        }`,
        password: generateInitialPassword(),
      };
    },
  };
}

const appInfoSchema = z.object({
  frontEndUrl: z.url().max(512),
  adminUrl: z.url().max(512).optional(),
  userName: z.string().max(64).optional(),
  password: z.string().max(64).optional(),
  memo: z.string().max(1024).optional(),
});

/** The provisioning call's message id: the same for every attempt at one instance, so the backend can dedupe on it. */
export function provisionMessageId(instanceId: string): string {
  return `provision_${instanceId}`;
}

export function createHttpAdapter(url: string, secret: string, timeoutMs = 10_000): ProvisioningAdapter {
  return {
    name: "http",
    isInline: false,
    async provision(input) {
      const body = JSON.stringify({ event: "provision", instance: input });
      let res: Response;
      try {
        res = await fetch(url, {
          method: "POST",
          // Signed like every message to the merchant's application (Standard Webhooks; lib/webhooks).
          headers: Object.assign(
            { "content-type": "application/json", "idempotency-key": input.instanceId },
            signWebhook([secret], provisionMessageId(input.instanceId), body),
          ),
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        throw new ProvisioningError(`backend unreachable: ${error instanceof Error ? error.message : String(error)}`, false);
      }
      const text = await res.text();
      if (res.status >= 500 || res.status === 429) throw new ProvisioningError(`backend answered HTTP ${res.status}`, false);
      if (!res.ok) throw new ProvisioningError(`backend refused the instance: HTTP ${res.status}`, true);
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new ProvisioningError("backend answer is not JSON", true);
      }
      const parsed = appInfoSchema.safeParse(json);
      if (!parsed.success) throw new ProvisioningError("backend answer lacks a valid frontEndUrl", true);
      return parsed.data;
    },
  };
}

export function createAdapter(env: Env): ProvisioningAdapter {
  const p = env.provisioning;
  if (p.adapter === "http" && p.httpUrl && p.httpSecret) return createHttpAdapter(p.httpUrl, p.httpSecret);
  return createBuiltinAdapter(p.frontEndUrlTemplate, p.adminUrlTemplate);
}
