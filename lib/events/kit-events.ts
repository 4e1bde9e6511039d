// The `data` of each Kit event (docs/merchant-events.md), as types: what a
// receiver gets when KooGallery syncs a tenant, an application credential,
// user grants or departments. The subject is the KooGallery tenant, so a
// tenant's events arrive in order. Never a client secret, a mobile number or
// an e-mail address.
import type { MerchantEventInput } from "@/lib/events/outbox";
import type { KIT_EVENT_TYPES } from "@/lib/events/event-types";

/** What every Kit event starts with: the KooGallery tenant, and the instance it was synced for (null: a credential-debugging sync). */
export type KitEventBase = { tenantId: string; instanceId: string | null };

/** What a sync did to the one thing it names. */
export type SyncAction = "added" | "updated" | "restored" | "deleted";

export type TenantState = { tenantCode: string; name: string; domainName: string; orderId: string | null; isDeleted: boolean };

/** A grant as the merchant's app needs it to let the user in (mobile and e-mail stay in the portal). */
export type GrantState = { userName: string; name: string; orgCode: string; role: string; isEnabled: boolean };

export type DepartmentState = { orgCode: string; orgName: string; parentCode: string };

export type FullOrgCounts = Record<
  "added" | "renamed" | "moved" | "removed" | "unchanged" | "total" | "pendingParent" | "orphanedUsers" | "restoredUsers",
  number
>;

export type KitEventData = {
  /** The tenant after the change; `changed` names the fields that changed (an update). */
  "tenant.synced": { action: SyncAction; tenant: TenantState; changed: string[] };
  /** The application's credential changed; the client secret itself never leaves the portal. */
  "application.synced": { action: SyncAction; appId: string; clientId: string | null; isDeleted: boolean };
  /** User names by what happened to their grant of `appId`; `users`: the added and modified grants as they are now. */
  "users.synced": {
    appId: string;
    /** The authSync flag: add, modify, revoke or delete. */
    operation: "add" | "modify" | "revoke" | "delete";
    added: string[];
    modified: string[];
    revoked: string[];
    deleted: string[];
    users: GrantState[];
  };
  /**
   * incremental (singleOrgSync): one department added, modified or deleted
   * (`department` null once deleted), with what it was before;
   * full (allOrgSync): the whole tree replaced, with its diff counts and the
   * first `listCap` entries of each list.
   */
  "org.synced":
    | {
        mode: "incremental";
        /** What the sync did; counts.renamed and counts.moved say what a modify changed. */
        action: "added" | "modified" | "deleted";
        orgCode: string;
        department: DepartmentState | null;
        previous: Omit<DepartmentState, "orgCode"> | null;
        counts: Record<string, number>;
      }
    | {
        mode: "full";
        counts: FullOrgCounts;
        added: DepartmentState[];
        renamed: Array<{ orgCode: string; fromName: string; toName: string }>;
        moved: Array<{ orgCode: string; fromParentCode: string; toParentCode: string }>;
        removed: DepartmentState[];
        listCap: number;
        isTruncated: boolean;
      };
};

/** A tenant or application sync's action from its counts; undefined when it changed nothing (a repeat sends no event). */
export function syncActionOf(counts: Partial<Record<SyncAction, number>>): SyncAction | undefined {
  if (counts.added) return "added";
  if (counts.deleted) return "deleted";
  if (counts.restored) return "restored";
  if (counts.updated) return "updated";
  return undefined;
}

type KitEventType = (typeof KIT_EVENT_TYPES)[number];

export type KitEventPayload<T extends KitEventType> = KitEventBase & KitEventData[T];

/** A Kit event about the KooGallery tenant `req.tenantId`. */
export function kitEvent<T extends KitEventType>(
  type: T,
  req: { tenantId: string; instanceId: string },
  isTest: boolean,
  data: KitEventData[T],
  at: Date = new Date(),
): MerchantEventInput {
  const payload: KitEventPayload<T> = Object.assign({ tenantId: req.tenantId, instanceId: req.instanceId === "" ? null : req.instanceId }, data);
  return { type, subject: { kind: "tenant", id: req.tenantId }, tenantId: req.tenantId, isTest, data: payload, occurredAt: at };
}
