// The production interface's activities, once V1 and V2 have been read into one
// shape. Domain verbs take these commands and return an outcome the callback
// pipeline turns into the generation's answer.
import type { Env } from "@/lib/env";
import type { Generation } from "@/lib/generated/prisma/client";
import type { Db, RawSql, Tx } from "@/lib/db";
import type { InsertRow } from "@/lib/sql/insert-row";
import type { AppInfo, ProvisioningAdapter } from "@/lib/provisioning/adapters";

export type SaasContext = {
  /** A transaction, or the client itself for verbs that write in one statement. */
  tx: Tx | Db;
  env: Env;
  adapter: ProvisioningAdapter;
  generation: Generation;
  /** Who acted: "koogallery", "staff:<id>" (retries, manual actions) or "system". */
  actor: string;
  /** The callback log row this work is recorded under (events link to it). */
  callbackLogId?: string;
  /** Atomic verbs outside a transaction send their one statement straight to the driver. */
  raw?: RawSql;
  /** When KooGallery sent the call (its signed timestamp; a re-run keeps the original's). */
  sentAt?: Date;
};

export type NewInstanceCommand = {
  orderId: string;
  orderLineId?: string;
  businessId: string;
  productId?: string;
  skuCode?: string;
  chargingMode?: string;
  customerId?: string;
  customerName?: string;
  isTrial: boolean;
  isTest: boolean;
  isOnDemand: boolean;
  expireAt?: Date;
  extendParams?: unknown;
};

export type RefreshScene = "TRIAL_TO_FORMAL" | "RENEWAL" | "UNSUBSCRIBE_RENEWAL_PERIOD" | "RENEWAL_CHANGE";

export type RefreshInstanceCommand = {
  instanceId: string;
  orderId: string;
  orderLineId?: string;
  scene: RefreshScene;
  productId?: string;
  expireAt: Date;
  isTest: boolean;
};

export type StatusCommand = {
  instanceId: string;
  action: "FREEZE" | "UNFREEZE";
  /** V1 expireInstance freezes too; the history says why. */
  reason: "status" | "expiry";
  orderId?: string;
  isTest: boolean;
};

export type ReleaseCommand = { instanceId: string; orderId?: string; orderLineId?: string; isTest: boolean };

export type UpgradeCommand = {
  instanceId: string;
  orderId: string;
  orderLineId?: string;
  productId?: string;
  skuCode?: string;
  extendParams?: unknown;
  isTest: boolean;
};

export type QueryCommand = { instanceIds: string[]; isTest: boolean };

export type OrderNotifyCommand = { orderId: string; orderLineId?: string; isTest: boolean };

export type InstanceSummary = { instanceId: string; appInfo?: AppInfo; state: string; provisionStatus: string };

export type SaasOutcome = {
  resultCode: string;
  resultMsg: string;
  instanceId?: string;
  /** Plain app info for answers; the pipeline encrypts it for V1 and the log masks it. */
  appInfo?: AppInfo;
  info?: InstanceSummary[];
  links: { instanceId?: string; orderId?: string; orderLineId?: string };
  isTest: boolean;
  /** What the handler did, for the callback log ("created", "repeat: no effect", ...). */
  note: string;
  /** Set when provisioning runs as a job: the pipeline may wait for it briefly. */
  pendingProvisioning?: boolean;
  /** Atomic verbs: the nonce was already used (nothing was done). */
  isReplay?: boolean;
  /** Atomic verbs: the callback log row was written with the work. */
  isLogged?: boolean;
};

/**
 * For verbs that make their writes in one statement (newInstance, queryInstance):
 * the pipeline hands them the nonce to claim and the log row to write in that
 * same statement, so no interactive transaction is needed (ADR 0004).
 */
export type AtomicOptions = {
  nonce?: string;
  /** Undefined when the pipeline logs later (after a settle stage). */
  logRow?: (outcome: SaasOutcome) => InsertRow<"CallbackLog"> | undefined;
};
