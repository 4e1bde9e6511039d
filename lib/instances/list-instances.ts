// Instances for the portal and its CSV export, paged by keyset (never OFFSET,
// never a COUNT per page). `scope` limits a tenant admin to the instances
// their enterprise is bound to (lib/access/instance-scope.ts).
//
// The default order, createdAt DESC then id ASC, is exactly the index
// Instance(createdAt DESC, id), and the cursor condition carries a plain
// `createdAt <= x` bound the planner can start the index scan at; the state and
// product filters have their own (…, createdAt DESC) indexes; exact id
// searches hit the orderId, customerId and primary-key indexes. A customer
// name search (contains) and the expiry sorts have no index to use and scan
// the filtered rows once (tens of milliseconds at 100,000 instances; the
// timing test in lib/instances/instance-reads.test.ts checks p95 < 150 ms).
import { instancesOfTenantFilter } from "@/lib/access/instance-scope";
import type { Db, Tx } from "@/lib/db";
import { PortalError } from "@/lib/errors";
import { InstanceState, type Prisma } from "@/lib/generated/prisma/client";
import { runSql, sql } from "@/lib/sql/insert-sql";
import { clampLimit, decodeCursor, encodeCursor, type KeysetPage } from "@/lib/tenants/page-cursor";

export const INSTANCE_SORTS = ["createdAt-desc", "expireAt-asc", "expireAt-desc"] as const;
export type InstanceSort = (typeof INSTANCE_SORTS)[number];

export type InstanceListFilter = {
  state?: InstanceState;
  productId?: string;
  /** KooGallery tenant id: the instances its Tenant rows are bound to, deleted rows included (TenantInstance). */
  tenantId?: string;
  isTrial?: boolean;
  /** Test data (testFlag 1, seller-center debugging) is hidden unless asked for. */
  includeTest?: boolean;
  /** Inclusive. */
  createdFrom?: Date;
  /** Exclusive. */
  createdBefore?: Date;
  /** An exact orderId, instanceId or customerId, or part of the customer's name. */
  q?: string;
  sort?: InstanceSort;
};

export type InstanceListQuery = InstanceListFilter & { cursor?: string; limit?: number };

const instanceListSelect = {
  id: true,
  orderId: true,
  orderLineId: true,
  productId: true,
  skuCode: true,
  customerId: true,
  customerName: true,
  chargingMode: true,
  generation: true,
  state: true,
  provisionStatus: true,
  isTrial: true,
  isTest: true,
  expireAt: true,
  createdAt: true,
} satisfies Prisma.InstanceSelect;

export type InstanceListRow = Prisma.InstanceGetPayload<{ select: typeof instanceListSelect }>;

const MAX_TEXT = 100;
const STATES: readonly string[] = Object.values(InstanceState);

function bad(message: string): PortalError {
  return new PortalError("bad_request", message);
}

function text(value: string | undefined, name: string): string | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  if (v.length > MAX_TEXT) throw bad(`${name} is longer than ${MAX_TEXT} characters`);
  return v;
}

function validDate(value: Date | undefined, name: string): Date | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw bad(`${name} is not a valid date`);
  return value;
}

/** Checks a filter that did not come through parseInstanceQuery (callers in code). */
type CheckedFilter = InstanceListFilter & { sort: InstanceSort };

function checkFilter(filter: InstanceListFilter): CheckedFilter {
  if (filter.state !== undefined && !STATES.includes(filter.state)) throw bad(`state must be one of ${STATES.join(", ")}`);
  const sort = filter.sort ?? "createdAt-desc";
  if (!(INSTANCE_SORTS as readonly string[]).includes(sort)) throw bad(`sort must be one of ${INSTANCE_SORTS.join(", ")}`);
  const createdFrom = validDate(filter.createdFrom, "from");
  const createdBefore = validDate(filter.createdBefore, "to");
  if (createdFrom && createdBefore && createdFrom >= createdBefore) throw bad("from must be before to");
  return {
    ...filter,
    sort,
    createdFrom,
    createdBefore,
    q: text(filter.q, "q"),
    productId: text(filter.productId, "productId"),
    tenantId: text(filter.tenantId, "tenantId"),
  };
}

/**
 * The conditions for a filter, or null when it cannot match anything (a
 * tenant bound to no instance). Refuses a bad filter before any row is read.
 */
async function filterConditions(db: Db | Tx, scope: Prisma.InstanceWhereInput, filter: InstanceListFilter): Promise<Prisma.InstanceWhereInput[] | null> {
  const and: Prisma.InstanceWhereInput[] = [scope];
  if (!filter.includeTest) and.push({ isTest: false });
  if (filter.state) and.push({ state: filter.state });
  if (filter.productId) and.push({ productId: filter.productId });
  if (filter.isTrial !== undefined) and.push({ isTrial: filter.isTrial });
  if (filter.createdFrom) and.push({ createdAt: { gte: filter.createdFrom } });
  if (filter.createdBefore) and.push({ createdAt: { lt: filter.createdBefore } });
  if (filter.q) {
    // Exact matches use the orderId, customerId and primary-key indexes; the
    // name is a contains-search. Prisma passes `contains` to ILIKE as it is,
    // so LIKE's wildcards (and its escape character) are escaped here.
    const namePart = filter.q.replace(/[\\%_]/g, "\\$&");
    and.push({ OR: [{ orderId: filter.q }, { id: filter.q }, { customerId: filter.q }, { customerName: { contains: namePart, mode: "insensitive" } }] });
  }
  if (filter.tenantId) {
    const bound = await instancesOfTenantFilter(db, filter.tenantId);
    if (!bound) return null;
    and.push(bound);
  }
  return and;
}

type Position = { value: Date | null; id: string };

function orderBy(sort: InstanceSort): Prisma.InstanceOrderByWithRelationInput[] {
  if (sort === "createdAt-desc") return [{ createdAt: "desc" }, { id: "asc" }];
  return [{ expireAt: { sort: sort === "expireAt-asc" ? "asc" : "desc", nulls: "last" } }, { id: "asc" }];
}

function sortValue(sort: InstanceSort, row: { createdAt: Date; expireAt: Date | null }): Date | null {
  return sort === "createdAt-desc" ? row.createdAt : row.expireAt;
}

/** Rows after `pos` in `sort` order (ties broken by id ascending; instances without expiry last). */
function after(sort: InstanceSort, pos: Position): Prisma.InstanceWhereInput {
  if (sort === "createdAt-desc") {
    const at = pos.value ?? new Date(0);
    // The redundant `lte` bound is what lets the index scan start at the cursor.
    return { createdAt: { lte: at }, OR: [{ createdAt: { lt: at } }, { id: { gt: pos.id } }] };
  }
  if (pos.value === null) return { expireAt: null, id: { gt: pos.id } };
  const beyond = sort === "expireAt-asc" ? { gt: pos.value } : { lt: pos.value };
  return { OR: [{ expireAt: beyond }, { expireAt: pos.value, id: { gt: pos.id } }, { expireAt: null }] };
}

function encodePosition(sort: InstanceSort, pos: Position): string {
  return encodeCursor([sort, pos.value ? pos.value.toISOString() : "", pos.id]);
}

function decodePosition(sort: InstanceSort, cursor: string): Position {
  const [cursorSort, at, id] = decodeCursor(cursor, 3) as [string, string, string];
  if (cursorSort !== sort || !id) throw bad("invalid cursor (it belongs to another sort order)");
  if (at === "") {
    if (sort === "createdAt-desc") throw bad("invalid cursor");
    return { value: null, id };
  }
  const value = new Date(at);
  if (Number.isNaN(value.getTime())) throw bad("invalid cursor");
  return { value, id };
}

async function readPage(db: Db, conditions: Prisma.InstanceWhereInput[], filter: CheckedFilter, pos: Position | undefined, limit: number) {
  const { sort } = filter;
  const where: Prisma.InstanceWhereInput = { AND: pos ? [...conditions, after(sort, pos)] : conditions };
  const isFullScan = sort !== "createdAt-desc" || Boolean(filter.q);
  if (!isFullScan) {
    // Index order: the scan stops after limit + 1 rows.
    const rows = await db.instance.findMany({ where, orderBy: orderBy(sort), take: limit + 1, select: instanceListSelect });
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return { items, next: rows.length > limit && last ? { value: sortValue(sort, last), id: last.id } : undefined };
  }
  // A name search or an expiry sort reads every row in scope (no index serves
  // them). Two things keep that cheap at 100,000 instances:
  // - The scan picks only the keys (id and the sort columns), then the page's
  //   rows are read by primary key. Selecting the full row in the scan would
  //   compute every row's output columns, enum-to-text casts included, before
  //   the sort keeps 51 of them: about three times slower.
  // - No parallel workers: on two cores they compete with the leader and with
  //   every other session (the serial scan took half to two thirds of the time
  //   on a busy two-core machine). SET LOCAL lasts only for this transaction.
  const keys = await db.$transaction(async (tx) => {
    await runSql({ tx }, sql`SET LOCAL max_parallel_workers_per_gather = 0`);
    return tx.instance.findMany({ where, orderBy: orderBy(sort), take: limit + 1, select: { id: true, createdAt: true, expireAt: true } });
  });
  const pageKeys = keys.slice(0, limit);
  const rows = await db.instance.findMany({ where: { id: { in: pageKeys.map((k) => k.id) } }, select: instanceListSelect });
  const byId = new Map(rows.map((r) => [r.id, r]));
  // A row deleted in between is simply left out; the cursor is the scan's own last key.
  const items = pageKeys.flatMap((k) => byId.get(k.id) ?? []);
  const last = pageKeys.at(-1);
  return { items, next: keys.length > limit && last ? { value: sortValue(sort, last), id: last.id } : undefined };
}

export async function listInstances(db: Db, scope: Prisma.InstanceWhereInput, query: InstanceListQuery): Promise<KeysetPage<InstanceListRow>> {
  const filter = checkFilter(query);
  const limit = clampLimit(query.limit);
  const pos = query.cursor ? decodePosition(filter.sort, query.cursor) : undefined;
  const conditions = await filterConditions(db, scope, filter);
  if (!conditions) return { items: [], nextCursor: null };
  const page = await readPage(db, conditions, filter, pos, limit);
  return { items: page.items, nextCursor: page.next ? encodePosition(filter.sort, page.next) : null };
}

/**
 * `YYYY-MM-DD` (a whole UTC day) or an instant: an ISO date-time with its zone
 * (Z or ±hh:mm), as the portal sends whole days of the viewer's zone
 * (lib/instances/day-range.ts). A date-time without a zone is refused: the
 * server's own zone would decide what it means.
 */
function parseDateParam(value: string | null, name: "from" | "to"): Date | undefined {
  if (value === null || value.trim() === "") return undefined;
  const v = value.trim();
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  let date: Date;
  if (day) {
    date = new Date(Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3])));
    if (date.getUTCMonth() !== Number(day[2]) - 1 || date.getUTCDate() !== Number(day[3])) throw bad(`${name} is not a real date`);
    // `to` names the last day included.
    if (name === "to") date = new Date(date.getTime() + 24 * 60 * 60 * 1000);
  } else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i.test(v)) {
    date = new Date(v);
    // `to` is the last instant included (the portal sends a day's last millisecond).
    if (name === "to") date = new Date(date.getTime() + 1);
  } else {
    throw bad(`${name} must be a date (YYYY-MM-DD) or an ISO date-time with its zone (e.g. 2026-11-24T16:00:00Z)`);
  }
  if (Number.isNaN(date.getTime())) throw bad(`${name} is not a valid date`);
  return date;
}

function booleanParam(p: URLSearchParams, name: string): boolean | undefined {
  const v = p.get(name);
  if (v === null || v === "") return undefined;
  if (v === "true" || v === "1") return true;
  if (v === "false" || v === "0") return false;
  throw bad(`${name} must be true or false`);
}

/**
 * The list and export query parameters: q, state, productId, tenantId,
 * trial (true|false), test (1: include test data), from, to (inclusive:
 * YYYY-MM-DD as whole UTC days, or instants with their zone, e.g. a day of the
 * viewer's zone as 2026-11-24T16:00:00Z and 2026-11-25T15:59:59.999Z), sort,
 * cursor, limit. Anything malformed is a 400.
 */
export function parseInstanceQuery(p: URLSearchParams): InstanceListQuery {
  const state = p.get("state") || undefined;
  if (state !== undefined && !STATES.includes(state)) throw bad(`state must be one of ${STATES.join(", ")}`);
  const sort = p.get("sort") || undefined;
  if (sort !== undefined && !(INSTANCE_SORTS as readonly string[]).includes(sort)) throw bad(`sort must be one of ${INSTANCE_SORTS.join(", ")}`);
  const limitText = p.get("limit");
  let limit: number | undefined;
  if (limitText !== null && limitText !== "") {
    limit = Number(limitText);
    if (!Number.isInteger(limit) || limit < 1) throw bad("limit must be a positive integer");
  }
  return {
    q: p.get("q") ?? undefined,
    state: state as InstanceState | undefined,
    productId: p.get("productId") ?? undefined,
    tenantId: p.get("tenantId") ?? undefined,
    isTrial: booleanParam(p, "trial"),
    includeTest: booleanParam(p, "test") ?? false,
    createdFrom: parseDateParam(p.get("from"), "from"),
    createdBefore: parseDateParam(p.get("to"), "to"),
    sort: sort as InstanceSort | undefined,
    cursor: p.get("cursor") || undefined,
    limit,
  };
}

// ---- CSV export ----

export const CSV_COLUMNS = [
  "instanceId",
  "orderId",
  "orderLineId",
  "productId",
  "skuCode",
  "customerId",
  "customerName",
  "state",
  "provisionStatus",
  "isTrial",
  "isTest",
  "expireAt",
  "createdAt",
  "expireAtUtc",
  "createdAtUtc",
] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];

/**
 * How the export is written for the person who asked: each column's header
 * and the times expireAt and createdAt in their zone (the route reads both
 * from next-intl). expireAtUtc and createdAtUtc stay ISO 8601 in UTC for programs.
 */
export type CsvPresentation = { headers: Record<CsvColumn, string>; time: (at: Date) => string };

/** Without a reader: the column names as headers and every time in ISO 8601 UTC. */
const PLAIN_CSV: CsvPresentation = {
  headers: Object.fromEntries(CSV_COLUMNS.map((c) => [c, c])) as Record<CsvColumn, string>,
  time: (at) => at.toISOString(),
};

const EXPORT_BATCH = 1000;

/**
 * One CSV field: a value a spreadsheet would run as a formula (= + - @, and
 * tab or carriage return, which some read past) gets a leading apostrophe
 * (OWASP "CSV injection"); then RFC 4180 quoting.
 */
export function csvCell(value: string | number | boolean | Date | null | undefined): string {
  if (value === null || value === undefined) return "";
  let s = value instanceof Date ? value.toISOString() : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** One CSV line (CRLF) of csvCell fields. */
export function csvRow(values: Array<string | number | boolean | Date | null | undefined>): string {
  return `${values.map(csvCell).join(",")}\r\n`;
}

/**
 * The filtered instances as CSV text chunks (a header, then one chunk per
 * keyset batch of 1000), in the list's sort order, with the reader's headers
 * and times (`presentation`) and the times again in UTC; never the app info or any
 * secret. The filter is checked before this returns, so a bad one is a 400
 * rather than a broken download.
 */
export async function exportInstancesCsv(
  db: Db,
  scope: Prisma.InstanceWhereInput,
  query: InstanceListFilter,
  presentation: CsvPresentation = PLAIN_CSV,
): Promise<AsyncIterable<string>> {
  const filter = checkFilter(query);
  const conditions = await filterConditions(db, scope, filter);
  const { headers, time } = presentation;
  async function* chunks(): AsyncGenerator<string> {
    // A byte-order mark so spreadsheet programs read customer names and the headers as UTF-8.
    yield `\uFEFF${csvRow(CSV_COLUMNS.map((c) => headers[c]))}`;
    if (!conditions) return;
    let pos: Position | undefined;
    for (;;) {
      const page = await readPage(db, conditions, filter, pos, EXPORT_BATCH);
      if (page.items.length) {
        yield page.items
          .map((r) =>
            csvRow([
              r.id,
              r.orderId,
              r.orderLineId,
              r.productId,
              r.skuCode,
              r.customerId,
              r.customerName,
              r.state,
              r.provisionStatus,
              r.isTrial,
              r.isTest,
              r.expireAt && time(r.expireAt),
              time(r.createdAt),
              r.expireAt,
              r.createdAt,
            ]),
          )
          .join("");
      }
      if (!page.next) return;
      pos = page.next;
    }
  }
  return chunks();
}
