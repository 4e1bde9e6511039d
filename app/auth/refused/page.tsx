// /auth/refused?reason=…: a buyer we did not let in, told why and what to do (never a redirect loop).
import Link from "next/link";
import { buttonClass, CenteredCard, secondaryButtonClass } from "@/components/ui/card";
import { kooGalleryLogoutUrl } from "@/lib/auth/koogallery-logout";
import { isRefusalReason, REFUSAL_REASONS } from "@/lib/auth/refusal-reasons";

export const dynamic = "force-dynamic";

export default async function RefusedPage({ searchParams }: { searchParams: Promise<{ reason?: string; tenant?: string }> }) {
  const { reason, tenant } = await searchParams;
  const text = isRefusalReason(reason)
    ? REFUSAL_REASONS[reason]
    : { title: "You cannot sign in", advice: "Start again from KooGallery or from our sign-in page." };
  const logout = await kooGalleryLogoutUrl(tenant);
  return (
    <CenteredCard title={text.title} tone="danger">
      <p>{text.advice}</p>
      {isRefusalReason(reason) ? <p className="text-xs text-slate-500">Reason code: {reason}</p> : null}
      <div className="flex flex-wrap gap-3 pt-2">
        <Link href={tenant ? `/login?tenant=${encodeURIComponent(tenant)}` : "/login"} className={buttonClass} prefetch={false}>
          Back to sign-in
        </Link>
        {logout ? (
          <a href={logout} className={secondaryButtonClass}>
            Sign in with another KooGallery account
          </a>
        ) : null}
      </div>
    </CenteredCard>
  );
}
