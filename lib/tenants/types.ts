// Shared shapes of the joint-operation Kit syncs (protocol:kit-interface.md): every verb runs in
// the callback's transaction and returns what the pipeline logs and answers.
import type { Tx } from "@/lib/db";
import type { Env } from "@/lib/env";

export type KitContext = {
  tx: Tx;
  env: Env;
  /** "koogallery", or "staff:<id>" when a stored call is re-run. */
  actor: string;
  /** The callback log row this sync is recorded under (SyncEvent.callbackLogId). */
  callbackLogId?: string;
  /** When KooGallery sent the call (its signed timestamp; a re-run keeps the original's). */
  sentAt?: Date;
};

export type KitOutcome = {
  resultCode: string;
  resultMsg: string;
  links: { tenantId?: string; instanceId?: string; orderId?: string };
  isTest: boolean;
  /** What the handler did, for the callback log. */
  note: string;
  /** Recorded on the tenant's SyncEvent (what was added, changed, removed...). */
  counts: Record<string, number>;
};

/** A sync's counts (recorded on its SyncEvent), all zero. */
export function zeroCountsOf<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

/** Kit data is keyed by instance + tenant; credential-debugging syncs have no instance. */
export function instanceKeyOf(instanceId: string | null | undefined): string {
  return instanceId ?? "";
}

/** Credential-debugging syncs (no instance) and testFlag 1 are test data (protocol:kit-interface.md). */
export function isKitTest(req: { instanceId: string; testFlag: number; orderId?: string }): boolean {
  return req.testFlag === 1 || req.instanceId === "" || req.orderId === "";
}

/** What the callback log links a Kit call to. */
export function kitLinks(req: { tenantId: string; instanceId: string; orderId?: string }): KitOutcome["links"] {
  return {
    tenantId: req.tenantId,
    ...(req.instanceId ? { instanceId: req.instanceId } : {}),
    ...(req.orderId ? { orderId: req.orderId } : {}),
  };
}
