// /signed-out: the portal session is over; buyers may also end their KooGallery session (protocol:sso.md#logout).
import Link from "next/link";
import { buttonClass, CenteredCard, secondaryButtonClass } from "@/components/ui/card";
import { kooGalleryLogoutUrl } from "@/lib/auth/koogallery-logout";

export const dynamic = "force-dynamic";

export default async function SignedOutPage({ searchParams }: { searchParams: Promise<{ tenant?: string }> }) {
  const { tenant } = await searchParams;
  const logout = await kooGalleryLogoutUrl(tenant);
  return (
    <CenteredCard title="You are signed out">
      <p>Your portal session has ended.</p>
      {logout ? <p>You are still signed in to KooGallery. On a shared computer, sign out there too.</p> : null}
      <div className="flex flex-wrap gap-3 pt-2">
        {logout ? (
          <a href={logout} className={buttonClass}>
            Also sign out of KooGallery
          </a>
        ) : null}
        <Link href={tenant ? `/login?tenant=${encodeURIComponent(tenant)}` : "/login"} className={logout ? secondaryButtonClass : buttonClass} prefetch={false}>
          Sign in again
        </Link>
      </div>
    </CenteredCard>
  );
}
