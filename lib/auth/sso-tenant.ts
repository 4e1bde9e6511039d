// Which tenant a buyer signs in with, and whether the synced data lets them in.
// A tenant is named by its tenantId (KooGallery's `?tenant=`) or its tenantCode
// (what a user types on our login page). One tenant may be bound to several
// instances (one Tenant row each, protocol:kit-interface.md#app-credential "multi-instance binding"); they
// share the enterprise's identity provider, so the newest usable row decides.
import { liveTenantRowsOf } from "@/lib/access/tenant-scope";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { openSecret } from "@/lib/crypto/secret-box";
import type { SsoClient } from "@/lib/koogallery/sso";

export type SsoTenant = SsoClient & { tenantId: string; tenantCode: string; name: string; appId: string };

export type SsoTenantLookup = { ok: true; tenant: SsoTenant } | { ok: false; reason: "unknown-tenant" | "not-configured" };

export async function findSsoTenant(ref: string): Promise<SsoTenantLookup> {
  const value = ref.trim().slice(0, 128);
  if (!value) return { ok: false, reason: "unknown-tenant" };
  const db = await getDb();
  const rows = await db.tenant.findMany({
    where: { deletedAt: null, OR: [{ tenantId: value }, { tenantCode: { equals: value, mode: "insensitive" } }] },
    orderBy: { updatedAt: "desc" },
    take: 20,
    select: {
      tenantId: true,
      tenantCode: true,
      name: true,
      domainName: true,
      apps: {
        where: { deletedAt: null, clientSecretEnc: { not: null } },
        orderBy: { updatedAt: "desc" },
        take: 1,
        select: { appId: true, clientId: true, clientSecretEnc: true },
      },
    },
  });
  if (rows.length === 0) return { ok: false, reason: "unknown-tenant" };
  // An exact tenantId beats a tenantCode that happens to look the same.
  const exact = rows.filter((r) => r.tenantId === value);
  for (const row of exact.length ? exact : rows) {
    const app = row.apps[0];
    if (!app?.clientSecretEnc || !/^https?:\/\//i.test(row.domainName)) continue;
    return {
      ok: true,
      tenant: {
        tenantId: row.tenantId,
        tenantCode: row.tenantCode,
        name: row.name,
        domainName: row.domainName,
        appId: app.appId,
        clientId: app.clientId,
        clientSecret: openSecret(app.clientSecretEnc, getEnv().encryptionKey),
      },
    };
  }
  return { ok: false, reason: "not-configured" };
}

export type GrantRefusal = "not-granted" | "revoked" | "disabled" | "tenant-removed";

export type BuyerGrant = { ok: true; role: "admin" | "user"; name: string; orgCode: string; tenantRowIds: string[] } | { ok: false; reason: GrantRefusal };

/**
 * authSync decides who gets in (protocol:kit-interface.md#authsync): an ACTIVE, enabled grant of this
 * userName in any live Tenant row of the tenant. The role is the grant's, not
 * the identity provider's: the enterprise admin assigns it through authSync.
 */
export async function checkBuyerGrant(tenantId: string, userName: string): Promise<BuyerGrant> {
  const db = await getDb();
  const tenants = await db.tenant.findMany({ where: liveTenantRowsOf(tenantId), select: { id: true } });
  if (tenants.length === 0) return { ok: false, reason: "tenant-removed" };
  const tenantRowIds = tenants.map((t) => t.id);
  const grants = await db.tenantUser.findMany({
    where: { tenantRowId: { in: tenantRowIds }, userName },
    orderBy: { updatedAt: "desc" },
    select: { status: true, isEnabled: true, role: true, name: true, orgCode: true },
  });
  const usable = grants.filter((g) => g.status === "ACTIVE" && g.isEnabled);
  const best = usable.find((g) => g.role === "admin") ?? usable[0];
  if (best) return { ok: true, role: best.role === "admin" ? "admin" : "user", name: best.name, orgCode: best.orgCode, tenantRowIds };
  if (grants.some((g) => g.status === "ACTIVE" && !g.isEnabled)) return { ok: false, reason: "disabled" };
  if (grants.some((g) => g.status === "REVOKED")) return { ok: false, reason: "revoked" };
  return { ok: false, reason: "not-granted" };
}
