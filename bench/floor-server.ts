// The floor: the least a correct V2 SaaS callback server must do per call
// (read body, parse, verify the protocol:signatures.md#v2-basic-signature signature, store the nonce, one
// insert or select), on plain node:http with no framework. Whatever the portal
// costs above this is what our stack adds. It deliberately does not import the
// app's code (or bench/sign.ts), so a slow or wrong helper there cannot make
// the floor look better or worse.
//
// Child process: node --import tsx bench/floor-server.ts --port N
//   env DATABASE_URL (PostgreSQL, pg.Pool of 20) or DATA_DIR (own PGlite folder), KOOGALLERY_ACCESS_KEY
import { createHmac, timingSafeEqual } from "node:crypto";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";

type Query = (sql: string, params: unknown[]) => Promise<Record<string, unknown>[]>;
type Db = { kind: "postgres" | "pglite"; query: Query; close(): Promise<void> };
type Answer = { resultCode: string; resultMsg: string; [k: string]: unknown };

const WINDOW_MS = 60_000;

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS bench_floor_nonce (nonce text PRIMARY KEY, created_at timestamptz DEFAULT now())`,
  `CREATE TABLE IF NOT EXISTS bench_floor_instance (id text PRIMARY KEY, order_key text UNIQUE, order_id text, order_line_id text, created_at ` +
    `timestamptz DEFAULT now())`,
];

export type V2Check = { ok: true; body: Record<string, unknown> } | { ok: false; answer: Answer };

const refuse = (resultCode: string, resultMsg: string): V2Check => ({ ok: false, answer: { resultCode, resultMsg } });

/** protocol:signatures.md#v2-basic-signature: top-level keys sorted, nulls dropped, compact JSON. */
function canonicalPayload(body: Record<string, unknown>): string {
  const keys = Object.keys(body)
    .filter((k) => body[k] !== null)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(body[k])}`).join(",")}}`;
}

/** Verifies a V2 basic call: 000002 for missing/stale timestamp or nonce, 000001 for a bad signature. */
export function verifyV2(accessKey: string, params: URLSearchParams, raw: string, now = Date.now()): V2Check {
  const signature = params.get("signature");
  const timestamp = params.get("timestamp");
  const nonce = params.get("nonce");
  if (!timestamp || !nonce) return refuse("000002", "missing timestamp or nonce");
  if (!signature) return refuse("000001", "missing signature");
  if (!/^\d{1,16}$/.test(timestamp) || Math.abs(now - Number(timestamp)) > WINDOW_MS) return refuse("000002", "stale timestamp");
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return refuse("000002", "body is not JSON");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) return refuse("000002", "body is not a JSON object");
  const record = body as Record<string, unknown>;
  const inner = createHmac("sha256", accessKey).update(canonicalPayload(record)).digest("hex");
  const expected = createHmac("sha256", accessKey)
    .update(accessKey + nonce + timestamp + inner)
    .digest("hex")
    .toUpperCase();
  // Case-insensitive, constant time; the length test first because timingSafeEqual throws on a mismatch.
  const given = Buffer.from(signature.toUpperCase());
  const want = Buffer.from(expected);
  if (given.length !== want.length || !timingSafeEqual(given, want)) return refuse("000001", "signature mismatch");
  return { ok: true, body: record };
}

async function openDb(): Promise<Db> {
  const url = process.env.DATABASE_URL;
  if (url) {
    const { default: pg } = await import("pg");
    const pool = new pg.Pool({ connectionString: url, max: 20 });
    return { kind: "postgres", query: async (sql, params) => (await pool.query(sql, params)).rows, close: () => pool.end() };
  }
  const dataDir = process.env.DATA_DIR;
  if (!dataDir) throw new Error("floor-server: set DATABASE_URL or DATA_DIR");
  const { PGlite } = await import("@electric-sql/pglite");
  const db = await PGlite.create(path.join(dataDir, "pglite"));
  return {
    kind: "pglite",
    query: async (sql, params) => (await db.query<Record<string, unknown>>(sql, params)).rows,
    close: () => db.close(),
  };
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

async function handle(db: Db, accessKey: string, params: URLSearchParams, raw: string): Promise<Answer> {
  const v = verifyV2(accessKey, params, raw);
  if (!v.ok) return v.answer;
  const nonce = await db.query("INSERT INTO bench_floor_nonce (nonce) VALUES ($1) ON CONFLICT DO NOTHING RETURNING 1", [params.get("nonce")]);
  if (nonce.length === 0) return { resultCode: "000001", resultMsg: "replayed nonce" };

  const b = v.body;
  if (b.activity === "newInstance") {
    const orderId = str(b.orderId);
    const orderLineId = str(b.orderLineId);
    const businessId = str(b.businessId);
    if (!orderId || !orderLineId || !businessId) return { resultCode: "000002", resultMsg: "missing orderId, orderLineId or businessId" };
    const orderKey = `${orderId}/${orderLineId}`;
    const rows = await db.query(
      "INSERT INTO bench_floor_instance (id, order_key, order_id, order_line_id) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING id",
      [businessId, orderKey, orderId, orderLineId],
    );
    // Only a resend (same order line) takes this second statement; the bench never does.
    const id = rows[0]?.id ?? (await db.query("SELECT id FROM bench_floor_instance WHERE order_key = $1", [orderKey]))[0]?.id;
    if (typeof id !== "string") return { resultCode: "000005", resultMsg: "businessId already used by another order" };
    return { resultCode: "000000", resultMsg: "success", instanceId: id };
  }
  if (b.activity === "queryInstance") {
    const ids = (str(b.instanceId) ?? "").split(",").filter((s) => s !== "");
    if (ids.length === 0 || ids.length > 100) return { resultCode: "000002", resultMsg: "instanceId: 1 to 100 ids" };
    const rows = await db.query("SELECT id FROM bench_floor_instance WHERE id = ANY($1::text[])", [ids]);
    if (rows.length === 0) return { resultCode: "000003", resultMsg: "instance not found" };
    return { resultCode: "000000", resultMsg: "success", info: rows.map((r) => ({ instanceId: r.id })) };
  }
  return { resultCode: "000002", resultMsg: "unsupported activity" };
}

export async function startFloorServer(port: number, accessKey: string): Promise<{ db: Db; server: http.Server }> {
  const db = await openDb();
  for (const sql of SCHEMA) await db.query(sql, []);
  const server = http.createServer((req, res) => {
    const reply = (status: number, answer: Answer) => {
      const text = JSON.stringify(answer);
      res.writeHead(status, { "content-type": "application/json;charset=utf-8", "content-length": Buffer.byteLength(text) });
      res.end(text);
    };
    const url = new URL(req.url ?? "/", "http://floor");
    if (req.method === "GET" && url.pathname === "/api/health") return reply(200, { resultCode: "000000", resultMsg: db.kind });
    if (req.method !== "POST") return reply(405, { resultCode: "000002", resultMsg: "POST only" });
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (raw += chunk));
    req.on("end", () => {
      handle(db, accessKey, url.searchParams, raw).then(
        (answer) => reply(200, answer),
        (error: unknown) => {
          console.error("[floor]", error);
          reply(500, { resultCode: "000005", resultMsg: "internal error" });
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { db, server };
}

async function main(): Promise<void> {
  const i = process.argv.indexOf("--port");
  const port = Number(i >= 0 ? process.argv[i + 1] : NaN);
  const accessKey = process.env.KOOGALLERY_ACCESS_KEY;
  if (!Number.isInteger(port) || port <= 0) throw new Error("floor-server: --port N is required");
  if (!accessKey) throw new Error("floor-server: KOOGALLERY_ACCESS_KEY is required");
  const { db, server } = await startFloorServer(port, accessKey);
  console.log(`[floor] listening on 127.0.0.1:${port} (${db.kind})`);
  process.once("SIGTERM", () => {
    server.close();
    server.closeAllConnections();
    void db.close().finally(() => process.exit(0));
  });
}

// Runs only as the child's entry point, so run.ts can import verifyV2 for the protocol test-vector check.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
