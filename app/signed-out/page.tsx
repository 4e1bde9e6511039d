// /signed-out: the portal session is over; buyers may also end their KooGallery session (protocol:sso.md#logout).
import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { buttonClass, CenteredCard, secondaryButtonClass } from "@/components/ui/card";
import { kooGalleryLogoutUrl } from "@/lib/auth/koogallery-logout";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("auth.signedOut");
  return { title: t("title") };
}

export default async function SignedOutPage({ searchParams }: { searchParams: Promise<{ tenant?: string }> }) {
  const { tenant } = await searchParams;
  const logout = await kooGalleryLogoutUrl(tenant);
  const t = await getTranslations("auth.signedOut");
  return (
    <CenteredCard title={t("title")}>
      <p>{t("ended")}</p>
      {logout ? <p>{t("stillKooGallery")}</p> : null}
      <div className="flex flex-wrap gap-3 pt-2">
        {logout ? (
          <a href={logout} className={buttonClass}>
            {t("alsoKooGallery")}
          </a>
        ) : null}
        <Link href={tenant ? `/login?tenant=${encodeURIComponent(tenant)}` : "/login"} className={logout ? secondaryButtonClass : buttonClass} prefetch={false}>
          {t("signInAgain")}
        </Link>
      </div>
    </CenteredCard>
  );
}
