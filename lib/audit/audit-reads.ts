// The audit page's reads: the trail newest first, filtered and keyset-paged,
// and the same as CSV. Owners and operators read all of it; a tenant admin
// reads their enterprise's entries (its users' sign-ins) and those about the
// instances it is bound to (ADR 0008), with merchant staff named only as
// "staff" and no staff address. Viewers have no audit page.
import type { PortalViewer } from "@/lib/auth/viewer";
import { hasStaffRole } from "@/lib/auth/viewer";
import { listBoundInstanceIds } from "@/lib/access/tenant-binding";
import type { Db } from "@/lib/db";
import { PortalError } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import { AUDIT_GROUPS, AUDIT_OUTCOMES, isAuditAction, isAuditGroup, type AuditAction, type AuditGroup, type AuditOutcome } from "@/lib/audit/audit-actions";
import { csvRow } from "@/lib/instances/list-instances";
import { clampLimit, decodeCursor, parseTimeParam, toKeysetPage, type KeysetPage } from "@/lib/tenants/page-cursor";

export type AuditScope = { where: Prisma.AuditEntryWhereInput; isStaff: boolean };

export async function auditViewerScope(db: Db, viewer: PortalViewer): Promise<AuditScope> {
  if (viewer.kind === "staff") {
    if (!hasStaffRole(viewer, "OPERATOR")) throw new PortalError("forbidden", "the audit trail is for operators and owners");
    return { where: {}, isStaff: true };
  }
  const instanceIds = await listBoundInstanceIds(db, viewer.tenantId, { includeDeletedTenants: true });
  return { where: { OR: [{ tenantId: viewer.tenantId }, ...(instanceIds.length ? [{ instanceId: { in: instanceIds } }] : [])] }, isStaff: false };
}

export type AuditFilter = {
  group?: AuditGroup;
  action?: AuditAction;
  outcome?: AuditOutcome;
  /** Part of the actor (an email, a user name), any case. */
  actor?: string;
  /** An instance, tenant, staff account, callback, event or endpoint id, exactly. */
  subject?: string;
  from?: Date;
  to?: Date;
};

function shortText(name: string, value: string | null): string | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  if (v.length > 320) throw new PortalError("bad_request", `${name} is longer than 320 characters`);
  return v;
}

/** ?group=&action=&outcome=&actor=&subject=&from=&to= (times as instants: the page turns its days into them). */
export function auditFilterFromSearchParams(params: URLSearchParams): AuditFilter {
  const group = params.get("group") || undefined;
  if (group && !isAuditGroup(group)) throw new PortalError("bad_request", `group must be one of ${Object.keys(AUDIT_GROUPS).join(", ")}`);
  const action = params.get("action") || undefined;
  if (action && !isAuditAction(action)) throw new PortalError("bad_request", "action is not an audit action");
  const outcome = params.get("outcome") || undefined;
  if (outcome && !(AUDIT_OUTCOMES as readonly string[]).includes(outcome))
    throw new PortalError("bad_request", `outcome must be one of ${AUDIT_OUTCOMES.join(", ")}`);
  const filter: AuditFilter = {
    group: group as AuditGroup | undefined,
    action: action as AuditAction | undefined,
    outcome: outcome as AuditOutcome | undefined,
    actor: shortText("actor", params.get("actor")),
    subject: shortText("subject", params.get("subject")),
    from: parseTimeParam("from", params.get("from")),
    to: parseTimeParam("to", params.get("to")),
  };
  if (filter.from && filter.to && filter.to <= filter.from) throw new PortalError("bad_request", "to must be after from");
  return filter;
}

function filterWhere(f: AuditFilter): Prisma.AuditEntryWhereInput[] {
  return [
    ...(f.group ? [{ action: { in: [...AUDIT_GROUPS[f.group]] } }] : []),
    ...(f.action ? [{ action: f.action }] : []),
    ...(f.outcome ? [{ outcome: f.outcome }] : []),
    ...(f.actor ? [{ actor: { contains: f.actor, mode: "insensitive" as const } }] : []),
    ...(f.subject ? [{ OR: [{ subjectId: f.subject }, { instanceId: f.subject }, { tenantId: f.subject }] }] : []),
    ...(f.from ? [{ createdAt: { gte: f.from } }] : []),
    ...(f.to ? [{ createdAt: { lt: f.to } }] : []),
  ];
}

function afterCursor(cursor: string): Prisma.AuditEntryWhereInput[] {
  const [at, id] = decodeCursor(cursor, 2) as [string, string];
  const createdAt = new Date(at);
  if (Number.isNaN(createdAt.getTime())) throw new PortalError("bad_request", "invalid cursor");
  return [{ createdAt: { lte: createdAt } }, { OR: [{ createdAt: { lt: createdAt } }, { id: { lt: id } }] }];
}

export type AuditEntryView = {
  id: string;
  at: Date;
  action: string;
  outcome: string;
  /** "staff" alone for a tenant admin when merchant staff (or their CLI) acted (and then no ip, reason or detail). */
  actor: string | null;
  tenantId: string | null;
  instanceId: string | null;
  subjectType: string | null;
  subjectId: string | null;
  reason: string | null;
  detail: unknown;
  ip: string | null;
};

const isMerchantSide = (actor: string | null) => actor === null || actor === "system" || actor.startsWith("staff:") || actor.startsWith("cli:");

const select = {
  id: true,
  createdAt: true,
  action: true,
  outcome: true,
  actor: true,
  tenantId: true,
  instanceId: true,
  subjectType: true,
  subjectId: true,
  reason: true,
  detail: true,
  ip: true,
} satisfies Prisma.AuditEntrySelect;

type Row = Prisma.AuditEntryGetPayload<{ select: typeof select }>;

function viewOf(row: Row, scope: AuditScope): AuditEntryView {
  const { createdAt, ...rest } = row;
  if (scope.isStaff || !isMerchantSide(row.actor)) return { ...rest, at: createdAt };
  // A tenant admin learns that the merchant acted on their instance and when; not who, from where, nor the
  // merchant's own notes (reasons typed by staff, endpoint ids), as the callback log tells them of re-runs.
  return { ...rest, at: createdAt, actor: row.actor === "system" ? "system" : "staff", ip: null, reason: null, detail: null };
}

async function readPage(db: Db, scope: AuditScope, filter: AuditFilter, cursor: string | undefined, limit: number): Promise<KeysetPage<Row>> {
  const rows = await db.auditEntry.findMany({
    where: { AND: [scope.where, ...filterWhere(filter), ...(cursor ? afterCursor(cursor) : [])] },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit + 1,
    select,
  });
  return toKeysetPage(rows, limit, (r) => [r.createdAt.toISOString(), r.id]);
}

export async function listAuditEntries(
  db: Db,
  scope: AuditScope,
  filter: AuditFilter & { cursor?: string; limit?: number },
): Promise<KeysetPage<AuditEntryView>> {
  const page = await readPage(db, scope, filter, filter.cursor, clampLimit(filter.limit, 50, 200));
  return { items: page.items.map((r) => viewOf(r, scope)), nextCursor: page.nextCursor };
}

export const AUDIT_CSV_COLUMNS = [
  "time",
  "timeUtc",
  "action",
  "actionCode",
  "outcome",
  "actor",
  "subject",
  "instanceId",
  "tenantId",
  "reason",
  "ip",
  "detail",
] as const;
export type AuditCsvColumn = (typeof AUDIT_CSV_COLUMNS)[number];

/** The reader's headers, labels and zone (the route reads them from next-intl). */
export type AuditCsvPresentation = {
  headers: Record<AuditCsvColumn, string>;
  time: (at: Date) => string;
  actionLabel: (action: string) => string;
  outcomeLabel: (outcome: string) => string;
};

const EXPORT_BATCH = 1000;

/** The filtered trail as CSV chunks (a header, then one per keyset batch), newest first; the filter is checked before this returns. */
export async function exportAuditCsv(db: Db, scope: AuditScope, filter: AuditFilter, p: AuditCsvPresentation): Promise<AsyncIterable<string>> {
  async function* chunks(): AsyncGenerator<string> {
    // A byte-order mark so spreadsheet programs read the Chinese headers and names as UTF-8.
    yield `\uFEFF${csvRow(AUDIT_CSV_COLUMNS.map((c) => p.headers[c]))}`;
    let cursor: string | undefined;
    for (;;) {
      const page = await readPage(db, scope, filter, cursor, EXPORT_BATCH);
      yield page.items
        .map((row) => viewOf(row, scope))
        .map((e) =>
          csvRow([
            p.time(e.at),
            e.at.toISOString(),
            p.actionLabel(e.action),
            e.action,
            p.outcomeLabel(e.outcome),
            e.actor,
            e.subjectId,
            e.instanceId,
            e.tenantId,
            e.reason,
            e.ip,
            e.detail === null ? null : JSON.stringify(e.detail),
          ]),
        )
        .join("");
      if (!page.nextCursor) return;
      cursor = page.nextCursor;
    }
  }
  return chunks();
}
