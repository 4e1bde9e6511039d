// /auth/error: next-auth's error page. The auth route adds `reason` when it
// knows why a KooGallery callback failed (expired or reused code, tampered state…).
// Its texts are in the catalog (auth.error), by next-auth error and by reason code.
import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { buttonClass, CenteredCard } from "@/components/ui/card";
import { isSsoFailure } from "@/lib/auth/sso-failure";

export const dynamic = "force-dynamic";

/** The next-auth errors with their own explanation; any other is told as a failed sign-in. */
const NEXT_AUTH_ERRORS = ["Configuration", "AccessDenied", "Verification", "OAuthSignin", "SessionRequired"] as const;
const isNextAuthError = (value: string | undefined): value is (typeof NEXT_AUTH_ERRORS)[number] =>
  (NEXT_AUTH_ERRORS as readonly (string | undefined)[]).includes(value);

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("auth.error");
  return { title: t("metaTitle") };
}

export default async function AuthErrorPage({ searchParams }: { searchParams: Promise<{ error?: string; reason?: string; tenant?: string }> }) {
  const { error, reason, tenant } = await searchParams;
  const t = await getTranslations("auth.error");
  const key = isSsoFailure(reason) ? (`sso.${reason}` as const) : isNextAuthError(error) ? (`nextAuth.${error}` as const) : ("sso.unknown" as const);
  return (
    <CenteredCard title={t(`${key}.title`)} tone="danger">
      <p>{t(`${key}.advice`)}</p>
      {reason ? <p className="text-xs text-slate-500">{t("reasonCode", { code: isSsoFailure(reason) ? reason : "unknown" })}</p> : null}
      <div className="pt-2">
        <Link href={tenant ? `/login?tenant=${encodeURIComponent(tenant)}` : "/login"} className={buttonClass} prefetch={false}>
          {t("back")}
        </Link>
      </div>
    </CenteredCard>
  );
}
