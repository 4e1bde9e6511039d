// The portal's frame: every page under it is for merchant staff and tenant
// admins. The check here is the real one (proxy.ts only redirects early), and
// each page and API checks its own resource's scope again.
import Link from "next/link";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { CenteredCard } from "@/components/ui/card";
import { SessionKeeper } from "@/components/portal/session-keeper";
import { getViewer, isPortalViewer } from "@/lib/auth/viewer";

export const dynamic = "force-dynamic";

export default async function PortalLayout({ children }: { children: ReactNode }) {
  const viewer = await getViewer();
  if (!viewer) redirect("/login");
  if (!isPortalViewer(viewer)) {
    return (
      <CenteredCard title="The portal is for administrators">
        <p>Your account can use the application, but not the portal. Ask your organisation&apos;s KooGallery administrator if you need it.</p>
        <p>
          <Link className="underline" href="/sso/continue" prefetch={false}>
            Open the application
          </Link>
        </p>
      </CenteredCard>
    );
  }
  const role = viewer.kind === "staff" ? viewer.role.toLowerCase() : "tenant admin";
  return (
    <SessionKeeper>
      <div className="min-h-screen">
        <header className="border-b border-slate-200 bg-white">
          <div className="mx-auto flex max-w-7xl items-center justify-between gap-4 px-4 py-3">
            <nav aria-label="Portal" className="flex items-center gap-6 text-sm">
              <Link href="/portal" className="font-semibold text-slate-900">
                KooGallery Portal
              </Link>
              <Link href="/portal/tenants" className="text-slate-700 hover:text-slate-900">
                Tenants
              </Link>
              <Link href="/portal/instances" className="text-slate-700 hover:text-slate-900">
                Instances
              </Link>
              <Link href="/portal/callbacks" className="text-slate-700 hover:text-slate-900">
                Callbacks
              </Link>
              <Link href="/portal/events" className="text-slate-700 hover:text-slate-900">
                Events
              </Link>
              {viewer.kind === "staff" ? (
                <Link href="/portal/settings" className="text-slate-700 hover:text-slate-900">
                  Settings
                </Link>
              ) : null}
              {viewer.kind === "staff" ? (
                <Link href="/portal/alerts" className="text-slate-700 hover:text-slate-900">
                  Alerts
                </Link>
              ) : null}
            </nav>
            <div className="flex items-center gap-3 text-sm text-slate-700">
              <span>
                {viewer.name} <span className="rounded bg-slate-100 px-2 py-0.5 text-xs text-slate-700">{role}</span>
              </span>
              <Link href="/logout" className="underline" prefetch={false}>
                Sign out
              </Link>
            </div>
          </div>
        </header>
        <div className="mx-auto max-w-7xl px-4 py-6">{children}</div>
      </div>
    </SessionKeeper>
  );
}
