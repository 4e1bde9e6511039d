// Who is asking, re-checked against the database on every request: a staff
// account that was disabled, whose password or role changed since the session
// began (sessionVersion), or a grant that authSync revoked, stops working at
// once, whatever the session cookie says; so does any session 12 hours after
// its sign-in. Every portal page and API starts here (proxy.ts only redirects;
// it is not the access check). What each viewer may read is lib/access.
import type { Session } from "next-auth";
import { getServerSession } from "next-auth";
import { cache } from "react";
import { buildAuthOptions } from "@/lib/auth/auth-options";
import { isSessionExpired, nowInSeconds } from "@/lib/auth/session-lifetime";
import { checkBuyerGrant } from "@/lib/auth/sso-tenant";
import { getDb } from "@/lib/db";
import { PortalError } from "@/lib/errors";
import type { StaffRole } from "@/lib/generated/prisma/client";

export type StaffViewer = { kind: "staff"; staffId: string; email: string; name: string; role: StaffRole };
export type BuyerViewer = { kind: "buyer"; tenantId: string; userName: string; name: string; role: "admin" | "user"; orgCode: string; tenantRowIds: string[] };
export type Viewer = StaffViewer | BuyerViewer;

const ROLE_RANK: Record<StaffRole, number> = { VIEWER: 0, OPERATOR: 1, OWNER: 2 };

/**
 * Once per request: the portal layout and the page under it both ask, and
 * each ask decodes the session and reads the database (React's `cache` scopes
 * the result to one server render; elsewhere it simply calls through).
 */
export const getViewer = cache(async function getViewer(): Promise<Viewer | null> {
  return viewerOfSession(await getServerSession(buildAuthOptions(undefined, false)));
});

/** The viewer a decoded session stands for, checked against the database now. */
export async function viewerOfSession(session: Session | null, nowSeconds: number = nowInSeconds()): Promise<Viewer | null> {
  const u = session?.user;
  if (!u || session.error) return null;
  // The jwt callback already empties an expired session; this holds even if a caller skipped it.
  if (isSessionExpired(u.signedInAt, nowSeconds)) return null;
  if (u.kind === "staff" && u.staffId) {
    const db = await getDb();
    const staff = await db.staffUser.findUnique({
      where: { id: u.staffId },
      select: { id: true, email: true, name: true, role: true, disabledAt: true, sessionVersion: true },
    });
    if (!staff || staff.disabledAt || staff.sessionVersion !== u.sessionVersion) return null;
    return { kind: "staff", staffId: staff.id, email: staff.email, name: staff.name, role: staff.role };
  }
  if (u.kind === "buyer" && u.tenantId && u.userName) {
    const grant = await checkBuyerGrant(u.tenantId, u.userName);
    if (!grant.ok) return null;
    return {
      kind: "buyer",
      tenantId: u.tenantId,
      userName: u.userName,
      name: grant.name || u.name,
      role: grant.role,
      orgCode: grant.orgCode,
      tenantRowIds: grant.tenantRowIds,
    };
  }
  return null;
}

/** Staff, or a tenant admin: the people the portal's pages and APIs are for. */
export type PortalViewer = StaffViewer | (BuyerViewer & { role: "admin" });

export function isPortalViewer(v: Viewer | null): v is PortalViewer {
  return v?.kind === "staff" || (v?.kind === "buyer" && v.role === "admin");
}

export async function requirePortalViewer(): Promise<PortalViewer> {
  const v = await getViewer();
  if (!v) throw new PortalError("unauthorized", "sign in first");
  if (!isPortalViewer(v)) throw new PortalError("forbidden", "the portal is for merchant staff and tenant administrators");
  return v;
}

export function hasStaffRole(v: Viewer | null, min: StaffRole): boolean {
  return v?.kind === "staff" && ROLE_RANK[v.role] >= ROLE_RANK[min];
}
