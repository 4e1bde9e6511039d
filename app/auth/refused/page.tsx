// /auth/refused?reason=…: a buyer we did not let in, told why and what to do (never a redirect loop).
// The sign-in callbacks choose the reason code (lib/auth/refusal-reasons.ts); its texts are in the catalog (auth.refused.reasons).
import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { buttonClass, CenteredCard, secondaryButtonClass } from "@/components/ui/card";
import { kooGalleryLogoutUrl } from "@/lib/auth/koogallery-logout";
import { isRefusalReason } from "@/lib/auth/refusal-reasons";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("auth.refused");
  return { title: t("metaTitle") };
}

export default async function RefusedPage({ searchParams }: { searchParams: Promise<{ reason?: string; tenant?: string }> }) {
  const { reason, tenant } = await searchParams;
  const t = await getTranslations("auth.refused");
  const key = isRefusalReason(reason) ? (`reasons.${reason}` as const) : ("fallback" as const);
  const logout = await kooGalleryLogoutUrl(tenant);
  return (
    <CenteredCard title={t(`${key}.title`)} tone="danger">
      <p>{t(`${key}.advice`)}</p>
      {isRefusalReason(reason) ? <p className="text-xs text-slate-500">{t("reasonCode", { code: reason })}</p> : null}
      <div className="flex flex-wrap gap-3 pt-2">
        <Link href={tenant ? `/login?tenant=${encodeURIComponent(tenant)}` : "/login"} className={buttonClass} prefetch={false}>
          {t("back")}
        </Link>
        {logout ? (
          <a href={logout} className={secondaryButtonClass}>
            {t("otherAccount")}
          </a>
        ) : null}
      </div>
    </CenteredCard>
  );
}
