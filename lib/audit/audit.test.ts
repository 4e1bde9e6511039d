// The audit trail on a real database: every action the portal records appears
// with who did it and from where, written with its change (a refused change
// leaves no entry); a tenant admin reads only their enterprise's entries, with
// merchant staff unnamed; filters, keyset paging and the CSV.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import { prepareInProcessDatabase } from "@/testing/support/in-process-database";

await prepareInProcessDatabase("kg-audit", { KOOGALLERY_ACCESS_KEY: "audit-basic-key-0123456789abcdef" }, { migrate: true });

const { getDb } = await import("@/lib/db");
const { getEnv } = await import("@/lib/env");
const { PortalError } = await import("@/lib/errors");
const { sealSecret } = await import("@/lib/crypto/secret-box");
const { withAuditActor } = await import("@/lib/audit/record-audit");
const { auditFilterFromSearchParams, auditViewerScope, exportAuditCsv, listAuditEntries, AUDIT_CSV_COLUMNS } = await import("@/lib/audit/audit-reads");
const { AUDIT_ACTIONS } = await import("@/lib/audit/audit-actions");
const staffAdmin = await import("@/lib/staff/manage-staff");
const { signInStaff } = await import("@/lib/staff/sign-in-staff");
const { recordSignIn } = await import("@/lib/auth/record-sign-in");
const { freezeInstance, unfreezeInstance, rerunProvisioning, revealAppInfo } = await import("@/lib/instances/staff-actions");
const webhooks = await import("@/lib/events/webhook-endpoints");
const alerts = await import("@/lib/alerts/manage-alerts");
const { writeEvents } = await import("@/lib/events/outbox");
const { eventViewerScope } = await import("@/lib/events/event-reads");
const { resendEvent, resendFailedInRange } = await import("@/lib/events/resend");

const PASSWORD = "Correct horse battery 9";
const OPERATOR_IP = "203.0.113.9";

type Viewer = Parameters<typeof auditViewerScope>[1];

async function seedInstance(provisionStatus: "DONE" | "FAILED"): Promise<string> {
  const id = `inst-${randomUUID()}`;
  const orderId = `CS${randomUUID().slice(0, 8)}`;
  await (
    await getDb()
  ).instance.create({
    data: {
      id,
      orderKey: `${orderId}#line:${id}`,
      generation: "V2",
      orderId,
      orderLineId: `${orderId}-1`,
      productId: "prod-audit",
      skuCode: "sku-1",
      customerId: "cust-audit",
      customerName: "Audit Co",
      state: "ACTIVE",
      provisionStatus,
      provisionAdapter: "builtin",
      adminUserName: "admin",
      adminPasswordEnc: sealSecret("initial-Secret-42", getEnv().encryptionKey),
    },
  });
  return id;
}

/** Everything the trail holds, staff-eyed, oldest first. */
async function allEntries() {
  const db = await getDb();
  const page = await listAuditEntries(db, await auditViewerScope(db, staffViewer()), { limit: 200 });
  return page.items.reverse();
}

let operator: { staffId: string; email: string } | undefined;
function staffViewer(): Viewer {
  return { kind: "staff", staffId: operator!.staffId, email: operator!.email, name: "Op", role: "OPERATOR" };
}

async function asOperator<T>(fn: () => Promise<T>): Promise<T> {
  return withAuditActor({ actor: `staff:${operator!.email}`, ip: OPERATOR_IP }, fn);
}

const ids: { instance?: string; failed?: string; tenantId: string; other?: string } = { tenantId: `t-${randomUUID()}` };

test("every action the portal records appears once, with who did it and from where", async () => {
  const db = await getDb();
  const env = getEnv();
  // Set up outside any request: these entries are the system's and the CLI's.
  const owner = await staffAdmin.createStaffUser({ email: `owner-${randomUUID()}@example.com`, name: "Owner", role: "OWNER", password: PASSWORD });
  const op = await staffAdmin.createStaffUser({ email: `op-${randomUUID()}@example.com`, name: "Op", role: "OPERATOR", password: PASSWORD });
  operator = { staffId: op.id, email: op.email };
  ids.instance = await seedInstance("DONE");
  ids.failed = await seedInstance("FAILED");
  const tenant = await db.tenant.create({
    data: { tenantId: ids.tenantId, instanceKey: ids.instance, tenantCode: "acme", name: "Acme", domainName: "acme.example.com" },
  });
  await db.tenantInstance.create({ data: { tenantRowId: tenant.id, instanceId: ids.instance } });
  const before = (await allEntries()).length;

  assert.equal((await signInStaff({ email: op.email, password: PASSWORD, ip: OPERATOR_IP })).ok, true);
  assert.equal((await signInStaff({ email: op.email, password: "Wrong password 1", ip: OPERATOR_IP })).ok, false);
  await recordSignIn({ method: "koogallery-oauth", outcome: "ok", subject: "li", tenantId: ids.tenantId, ip: "198.51.100.7" });

  const viewerEmail = `viewer-${randomUUID()}@example.com`;
  await asOperator(async () => {
    const actor = { staffId: op.id, email: op.email };
    await freezeInstance({ actor, instanceId: ids.instance!, reason: "abuse report 42" });
    await unfreezeInstance({ actor, instanceId: ids.instance! });
    await rerunProvisioning({ actor, instanceId: ids.failed! });
    const revealed = await revealAppInfo({ actor, instanceId: ids.instance! });
    assert.equal(revealed.password, "initial-Secret-42");

    await staffAdmin.createStaffUser({ email: viewerEmail, name: "Viewer", role: "VIEWER", password: PASSWORD });
    await staffAdmin.setStaffRole(viewerEmail, "OPERATOR");
    await staffAdmin.setStaffRole(viewerEmail, "OPERATOR"); // no change, no entry
    await staffAdmin.disableStaffUser(viewerEmail);
    await staffAdmin.disableStaffUser(viewerEmail); // already disabled, no entry
    await staffAdmin.enableStaffUser(viewerEmail);
    await staffAdmin.setStaffPassword(viewerEmail, "Another good password 7");
    // The last owner cannot be demoted: refused, and nothing recorded.
    await assert.rejects(staffAdmin.setStaffRole(owner.email, "VIEWER"), (e: unknown) => e instanceof PortalError && e.status === 409);

    const created = await webhooks.createWebhookEndpoint(
      db,
      env,
      webhooks.newEndpointSchema.parse({ name: "App", url: "http://127.0.0.1:9/hook?token=Q7secretTok" }),
      op.email,
    );
    await webhooks.updateWebhookEndpoint(db, created.endpoint.id, webhooks.endpointChangeSchema.parse({ name: "App 2" }));
    const rotated = await webhooks.rotateWebhookSecret(db, env, created.endpoint.id);
    await writeEvents(db, [
      { type: "instance.frozen", subject: { kind: "instance", id: ids.instance! }, isTest: false, data: { instanceId: ids.instance }, occurredAt: new Date() },
    ]);
    const event = await db.merchantEvent.findFirstOrThrow({ where: { subjectId: ids.instance! } });
    await resendEvent(db, await eventViewerScope(db, staffViewer() as never), event.id);
    await resendFailedInRange(db, { from: new Date(Date.now() - 3_600_000), to: new Date(Date.now() + 60_000), dryRun: true });
    await resendFailedInRange(db, { from: new Date(Date.now() - 3_600_000), to: new Date(Date.now() + 60_000), dryRun: false });
    await webhooks.deleteWebhookEndpoint(db, created.endpoint.id);

    const channel = await alerts.createAlertChannel(
      db,
      env,
      alerts.newChannelSchema.parse({ name: "Ops hook", kind: "WEBHOOK", config: { url: "http://127.0.0.1:9/alerts?key=Zk1channelKey" } }),
      op.email,
    );
    await alerts.updateAlertChannel(db, env, channel.channel.id, alerts.channelChangeSchema.parse({ name: "Ops hook 2" }));
    assert.equal((await alerts.sendTestAlert(db, env, channel.channel.id, op.email)).isOk, false, "nothing listens on port 9");
    await alerts.deleteAlertChannel(db, channel.channel.id);
    await alerts.updateAlertRule(db, { rule: "provisioning-failed", isEnabled: false }, op.email);

    // Nothing secret reached the trail: not the revealed password, the endpoint's secret, its URL's token, the channel's key.
    const everything = JSON.stringify(await db.auditEntry.findMany());
    for (const secret of [
      "initial-Secret-42",
      rotated.shownOnce.secret,
      created.shownOnce.secret,
      "Q7secretTok",
      "Zk1channelKey",
      PASSWORD,
      "Wrong password 1",
    ]) {
      assert.ok(!everything.includes(secret), `no ${secret} in the audit trail`);
    }
  });

  const entries = (await allEntries()).slice(before);
  // Sorted: entries of one millisecond have no order of their own.
  const byName = (x: unknown[], y: unknown[]) => x.join().localeCompare(y.join());
  assert.deepEqual(
    entries.map((e) => [e.action, e.outcome]).sort(byName),
    [
      ["sign-in", "ok"],
      ["sign-in", "refused"],
      ["sign-in", "ok"],
      ["instance.freeze", "ok"],
      ["instance.unfreeze", "ok"],
      ["instance.reprovision", "ok"],
      ["instance.password-reveal", "ok"],
      ["staff.create", "ok"],
      ["staff.role", "ok"],
      ["staff.disable", "ok"],
      ["staff.enable", "ok"],
      ["staff.password-reset", "ok"],
      ["webhook.create", "ok"],
      ["webhook.update", "ok"],
      ["webhook.rotate-secret", "ok"],
      ["event.resend", "ok"],
      ["event.bulk-resend", "ok"],
      ["webhook.delete", "ok"],
      ["alert-channel.create", "ok"],
      ["alert-channel.update", "ok"],
      ["alert-channel.test", "refused"],
      ["alert-channel.delete", "ok"],
      ["alert-rule.update", "ok"],
    ].sort(byName),
  );
  const byAction = new Map(entries.map((e) => [e.action, e]));
  // Sign-ins name whom they were for; everything else the operator of the request, from their address.
  const signIns = entries.filter((e) => e.action === "sign-in");
  assert.deepEqual(signIns.map((e) => [e.actor, e.ip]).sort(byName), [
    ["buyer:li", "198.51.100.7"],
    [`staff:${op.email}`, OPERATOR_IP],
    [`staff:${op.email}`, OPERATOR_IP],
  ]);
  for (const e of entries.filter((e) => e.action !== "sign-in")) assert.deepEqual([e.action, e.actor, e.ip], [e.action, `staff:${op.email}`, OPERATOR_IP]);
  assert.deepEqual([byAction.get("instance.freeze")!.reason, byAction.get("instance.freeze")!.instanceId], ["abuse report 42", ids.instance]);
  assert.deepEqual(byAction.get("staff.role")!.detail, { role: "OPERATOR", was: "VIEWER" });
  assert.equal(byAction.get("staff.role")!.subjectId, viewerEmail);
  assert.equal((byAction.get("webhook.create")!.detail as { url: string }).url, "http://127.0.0.1:9/hook?…");
  assert.deepEqual(byAction.get("alert-rule.update")!.detail, { isEnabled: false, threshold: null, was: { isEnabled: true, threshold: null } });
  // Every action code the page knows is one of the catalog's.
  for (const e of entries) assert.ok(AUDIT_ACTIONS.includes(e.action as never), e.action);
});

test("a tenant admin reads their enterprise's sign-ins and what was done to their instances, staff unnamed", async () => {
  const db = await getDb();
  ids.other = await seedInstance("DONE");
  await asOperator(() => freezeInstance({ actor: operator!, instanceId: ids.other! }));
  await recordSignIn({ method: "koogallery-cas", outcome: "refused", reason: "not-granted", subject: "mallory", tenantId: `t-${randomUUID()}` });
  const admin: Viewer = { kind: "buyer", tenantId: ids.tenantId, userName: "li", name: "Li", role: "admin", orgCode: "1", tenantRowIds: [] };
  const page = await listAuditEntries(db, await auditViewerScope(db, admin), { limit: 200 });
  assert.deepEqual(page.items.map((e) => e.action).sort(), ["event.resend", "instance.freeze", "instance.password-reveal", "instance.unfreeze", "sign-in"]);
  const signIn = page.items.find((e) => e.action === "sign-in")!;
  assert.deepEqual([signIn.actor, signIn.ip], ["buyer:li", "198.51.100.7"], "their own users' sign-ins as they are");
  for (const e of page.items.filter((i) => i.action !== "sign-in")) {
    assert.deepEqual([e.actor, e.ip, e.reason, e.detail], ["staff", null, null, null], `${e.action}: the merchant's staff unnamed, their notes kept`);
  }
  assert.ok(!JSON.stringify(page).includes("abuse report 42"));

  // Viewers have no audit page; operators and owners do.
  await assert.rejects(auditViewerScope(db, { ...staffViewer(), role: "VIEWER" } as Viewer), (e: unknown) => e instanceof PortalError && e.status === 403);
});

test("filters, keyset paging and the CSV", async () => {
  const db = await getDb();
  const scope = await auditViewerScope(db, staffViewer());
  const actions = async (params: Record<string, string>) =>
    (await listAuditEntries(db, scope, { ...auditFilterFromSearchParams(new URLSearchParams(params)), limit: 200 })).items.map((e) => e.action);

  assert.deepEqual((await actions({ group: "staff" })).sort(), [
    "staff.create",
    "staff.create",
    "staff.create",
    "staff.disable",
    "staff.enable",
    "staff.password-reset",
    "staff.role",
  ]);
  assert.deepEqual((await actions({ outcome: "refused" })).sort(), ["alert-channel.test", "sign-in", "sign-in"]);
  assert.deepEqual(await actions({ actor: "MALLORY" }), ["sign-in"], "who, in any case");
  assert.deepEqual((await actions({ subject: ids.other! })).sort(), ["instance.freeze"]);
  assert.deepEqual((await actions({ subject: ids.tenantId })).sort(), ["sign-in"]);
  assert.deepEqual(await actions({ from: new Date(Date.now() + 60_000).toISOString() }), []);
  assert.equal((await actions({ to: new Date(Date.now() - 3_600_000).toISOString() })).length, 0);
  for (const [params, message] of [
    [{ group: "nope" }, /group must be one of/],
    [{ action: "instance.delete" }, /not an audit action/],
    [{ outcome: "maybe" }, /outcome must be one of/],
    [{ from: "yesterday" }, /from must be an ISO-8601 time/],
    [{ from: "2026-12-07T00:00:00Z", to: "2026-12-06T00:00:00Z" }, /to must be after from/],
  ] as const) {
    assert.throws(
      () => auditFilterFromSearchParams(new URLSearchParams(params)),
      (e: unknown) => e instanceof PortalError && e.status === 400 && message.test(e.message),
    );
  }

  // Pages of three walk the whole trail newest first, each entry once.
  const all = (await listAuditEntries(db, scope, { limit: 200 })).items.map((e) => e.id);
  const walked: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await listAuditEntries(db, scope, { limit: 3, cursor });
    walked.push(...page.items.map((e) => e.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  assert.deepEqual(walked, all);
  await assert.rejects(listAuditEntries(db, scope, { cursor: "not-a-cursor" }), (e: unknown) => e instanceof PortalError && e.status === 400);

  let csv = "";
  const headers = Object.fromEntries(AUDIT_CSV_COLUMNS.map((c) => [c, c.toUpperCase()])) as Record<(typeof AUDIT_CSV_COLUMNS)[number], string>;
  const chunks = await exportAuditCsv(db, scope, auditFilterFromSearchParams(new URLSearchParams({ group: "instance" })), {
    headers,
    time: (at) => `local ${at.toISOString()}`,
    actionLabel: (a) => `label:${a}`,
    outcomeLabel: (o) => o,
  });
  for await (const chunk of chunks) csv += chunk;
  const lines = csv.trimEnd().split("\r\n");
  assert.equal(lines[0], `\uFEFF${AUDIT_CSV_COLUMNS.map((c) => c.toUpperCase()).join(",")}`);
  assert.equal(lines.length, 1 + 5, "a header and the five instance actions");
  assert.ok(lines.slice(1).every((l) => l.startsWith("local ")));
  assert.ok(lines.some((l) => l.includes("label:instance.freeze,instance.freeze,ok,staff:")));
});
