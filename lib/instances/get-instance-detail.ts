// One instance for the portal: its fields, its orders, its app info with the
// password masked (only whether one is stored), the tenants bound to it, and
// one timeline, newest first, merged from its history (InstanceEvent), the
// callbacks that named it (CallbackLog.instanceId) and the Kit syncs of the
// tenants bound to it (SyncEvent). Each source is capped, newest first, so a
// busy instance stays one quick page; `isTimelineCapped` says when older
// items were left out. Stored URLs and texts are shown with URL credentials
// and configured secrets redacted; back-end error texts (provisioning, order
// fetch, handler notes) are for staff: tenant admins read a generic sentence.
import { tenantsBoundTo } from "@/lib/access/tenant-binding";
import type { Db, Tx } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { errorTextFor, handlerNoteFor, redactText, secretValuesOf, STAFF_ONLY_ERROR } from "@/lib/portal/error-text";
import type { Prisma } from "@/lib/generated/prisma/client";

/** Items read from each timeline source. */
export const TIMELINE_CAP_PER_SOURCE = 200;

/**
 * One line of the timeline, as codes and values: the page puts it into words
 * in the reader's language (instances.timeline in the catalogs).
 */
export type TimelineItem = {
  at: Date;
  kind: "event" | "callback" | "sync";
  /** event: the InstanceEvent kind (CREATED, FROZEN, staff-freeze…); callback: the activity (or endpoint); sync: the Kit sync kind. */
  code: string;
  /** event: the state change, if any. */
  fromState?: string;
  toState?: string;
  orderId?: string;
  /** callback: its answer and verification; a re-run by staff; the handler's note (staff: as written). */
  resultCode?: string;
  resultMsg?: string;
  verification?: string;
  isRerun?: boolean;
  note?: string;
  /** sync: the tenant (code or id) and the sync's flag. */
  tenant?: string;
  flag?: number;
  /** What the row recorded besides (ids, codes, a reason someone typed, times as ISO-8601 in keys ending in `At`). */
  facts: Array<{ key: string; value: string }>;
  /** "koogallery", "staff" (merchant staff, unnamed for a tenant admin), or the actor as recorded (staff:<email>…). */
  actor?: string;
  callbackLogId?: string;
};

export type InstanceDetail = {
  instance: {
    id: string;
    orderId: string;
    orderLineId: string | null;
    generation: string;
    productId: string | null;
    skuCode: string | null;
    chargingMode: string | null;
    customerId: string | null;
    customerName: string | null;
    state: string;
    provisionStatus: string;
    provisionError: string | null;
    provisionAdapter: string;
    isTrial: boolean;
    isTest: boolean;
    expireAt: Date | null;
    createdAt: Date;
    updatedAt: Date;
    provisionedAt: Date | null;
    frozenAt: Date | null;
    releasedAt: Date | null;
  };
  appInfo: { frontEndUrl: string | null; adminUrl: string | null; adminUserName: string | null; hasPassword: boolean; memo: string | null };
  orders: Array<{
    id: string;
    orderId: string;
    orderLineId: string | null;
    kind: string;
    isTest: boolean;
    createdAt: Date;
    fetchStatus: string;
    fetchError: string | null;
    orderType: string | null;
    productId: string | null;
    skuCode: string | null;
    chargingMode: string | null;
    periodType: string | null;
    periodNumber: number | null;
    amount: string | null;
  }>;
  tenants: Array<{ id: string; tenantId: string; tenantCode: string; name: string; isTest: boolean; deletedAt: Date | null }>;
  timeline: TimelineItem[];
  isTimelineCapped: boolean;
};

export type DetailOptions = {
  /** The tenant rows the viewer may read (lib/access/tenant-scope.ts tenantScope). */
  tenantScope?: Prisma.TenantWhereInput;
  /** Tenant admins see "merchant staff", not which staff member acted. */
  showStaffIdentity?: boolean;
  /** Staff read back-end error texts (redacted); others a generic sentence (the default). */
  showErrorDetail?: boolean;
};

/** Keys kept in the row for the record but not worth a reader's attention (the actor already names the staff member). */
const UNSHOWN_KEYS = new Set(["staffId"]);

/** Event detail keys that quote a back-end error (complete-provisioning.ts, staff-actions.ts). */
const ERROR_KEYS = new Set(["error", "previousError", "lastError"]);

/** A row's JSON detail as key/value pairs; an error quoted from a back end only for staff (others: STAFF_ONLY_ERROR, which the page words). */
function factsOf(value: Prisma.JsonValue | null, reader: { isStaff: boolean; secrets: readonly string[] }): TimelineItem["facts"] {
  if (value === null || value === undefined) return [];
  if (typeof value !== "object" || Array.isArray(value)) return [{ key: "value", value: redactText(JSON.stringify(value), reader.secrets) }];
  return Object.entries(value)
    .filter(([k, v]) => !UNSHOWN_KEYS.has(k) && v !== null && v !== undefined && v !== "")
    .map(([key, v]) => ({
      key,
      value: !reader.isStaff && ERROR_KEYS.has(key) ? STAFF_ONLY_ERROR : redactText(typeof v === "string" ? v : JSON.stringify(v), reader.secrets),
    }));
}

function shownActor(actor: string, showStaffIdentity: boolean): string {
  if (!showStaffIdentity && actor.startsWith("staff:")) return "staff";
  return actor;
}

export async function getInstanceDetail(
  db: Db | Tx,
  scope: Prisma.InstanceWhereInput,
  instanceId: string,
  opts: DetailOptions = {},
): Promise<InstanceDetail | null> {
  const showStaffIdentity = opts.showStaffIdentity ?? true;
  const reader = { isStaff: opts.showErrorDetail ?? false, secrets: secretValuesOf(getEnv()) };
  const redact = (text: string | null) => (text === null ? null : redactText(text, reader.secrets));
  const row = await db.instance.findFirst({
    where: { AND: [{ id: instanceId }, scope] },
    select: {
      id: true,
      orderId: true,
      orderLineId: true,
      generation: true,
      productId: true,
      skuCode: true,
      chargingMode: true,
      customerId: true,
      customerName: true,
      state: true,
      provisionStatus: true,
      provisionError: true,
      provisionAdapter: true,
      isTrial: true,
      isTest: true,
      expireAt: true,
      createdAt: true,
      updatedAt: true,
      provisionedAt: true,
      frozenAt: true,
      releasedAt: true,
      frontEndUrl: true,
      adminUrl: true,
      adminUserName: true,
      memo: true,
      // Read only to say whether one is stored; dropped below, never returned.
      adminPasswordEnc: true,
    },
  });
  if (!row) return null;

  const tenantWhere: Prisma.TenantWhereInput = { AND: [tenantsBoundTo(row.id), opts.tenantScope ?? {}] };
  const [orders, tenants, events, callbacks, syncs] = await Promise.all([
    db.order.findMany({
      where: { instanceId: row.id },
      orderBy: [{ createdAt: "desc" }, { id: "asc" }],
      take: TIMELINE_CAP_PER_SOURCE,
      select: {
        id: true,
        orderId: true,
        orderLineId: true,
        kind: true,
        isTest: true,
        createdAt: true,
        fetchStatus: true,
        fetchError: true,
        orderType: true,
        productId: true,
        skuCode: true,
        chargingMode: true,
        periodType: true,
        periodNumber: true,
        amount: true,
      },
    }),
    db.tenant.findMany({
      where: tenantWhere,
      orderBy: { createdAt: "asc" },
      select: { id: true, tenantId: true, tenantCode: true, name: true, isTest: true, deletedAt: true },
    }),
    db.instanceEvent.findMany({
      where: { instanceId: row.id },
      orderBy: { createdAt: "desc" },
      take: TIMELINE_CAP_PER_SOURCE,
      select: { kind: true, fromState: true, toState: true, orderId: true, actor: true, detail: true, callbackLogId: true, createdAt: true },
    }),
    db.callbackLog.findMany({
      where: { instanceId: row.id },
      orderBy: { receivedAt: "desc" },
      take: TIMELINE_CAP_PER_SOURCE,
      select: {
        id: true,
        receivedAt: true,
        endpoint: true,
        activity: true,
        verification: true,
        resultCode: true,
        resultMsg: true,
        handlerNote: true,
        retryOfId: true,
      },
    }),
    db.syncEvent.findMany({
      where: { tenant: tenantWhere },
      orderBy: { createdAt: "desc" },
      take: TIMELINE_CAP_PER_SOURCE,
      select: { kind: true, flag: true, counts: true, callbackLogId: true, createdAt: true, tenant: { select: { tenantId: true, tenantCode: true } } },
    }),
  ]);

  const timeline: TimelineItem[] = [
    ...events.map((e): TimelineItem => ({
      at: e.createdAt,
      kind: "event",
      code: e.kind,
      ...(e.fromState ? { fromState: e.fromState } : {}),
      ...(e.toState ? { toState: e.toState } : {}),
      ...(e.orderId ? { orderId: e.orderId } : {}),
      facts: factsOf(e.detail, reader),
      actor: shownActor(e.actor, showStaffIdentity),
      ...(e.callbackLogId ? { callbackLogId: e.callbackLogId } : {}),
    })),
    ...callbacks.map((c): TimelineItem => {
      const note = handlerNoteFor(c.handlerNote, reader);
      return {
        at: c.receivedAt,
        kind: "callback",
        code: c.activity ?? c.endpoint,
        resultCode: c.resultCode,
        ...(c.resultMsg ? { resultMsg: redactText(c.resultMsg, reader.secrets) } : {}),
        verification: c.verification,
        isRerun: c.retryOfId !== null,
        ...(note ? { note } : {}),
        facts: [],
        actor: c.verification === "RETRY" ? "staff" : "koogallery",
        callbackLogId: c.id,
      };
    }),
    ...syncs.map((s): TimelineItem => ({
      at: s.createdAt,
      kind: "sync",
      code: s.kind,
      tenant: s.tenant.tenantCode || s.tenant.tenantId,
      ...(s.flag !== null ? { flag: s.flag } : {}),
      facts: factsOf(s.counts, reader),
      actor: "koogallery",
      ...(s.callbackLogId ? { callbackLogId: s.callbackLogId } : {}),
    })),
  ].sort((a, b) => b.at.getTime() - a.at.getTime());

  const { frontEndUrl, adminUrl, adminUserName, memo, adminPasswordEnc, provisionError, ...fields } = row;
  const hasPassword = adminPasswordEnc !== null;
  return {
    instance: { ...fields, provisionError: errorTextFor(provisionError, reader) },
    appInfo: { frontEndUrl: redact(frontEndUrl), adminUrl: redact(adminUrl), adminUserName, hasPassword, memo: redact(memo) },
    orders: orders.map((o) => ({ ...o, fetchError: errorTextFor(o.fetchError, reader), amount: o.amount === null ? null : o.amount.toString() })),
    tenants,
    timeline,
    isTimelineCapped: [events, callbacks, syncs].some((list) => list.length >= TIMELINE_CAP_PER_SOURCE),
  };
}
