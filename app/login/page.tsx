// /login: merchant staff sign in with email and password; buyers give their
// organisation's tenant code (or arrive on a per-tenant link, ?tenant=…) and
// continue at KooGallery. The language can be switched before signing in.
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { PreferencesSwitcher } from "@/components/i18n/preferences-switcher";
import { buttonClass, inputClass } from "@/components/ui/card";
import { safeCallbackPath } from "@/lib/auth/safe-redirect";
import { getViewer } from "@/lib/auth/viewer";
import { StaffSignInForm } from "./staff-sign-in-form";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("auth.login");
  return { title: t("metaTitle") };
}

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ tenant?: string; callbackUrl?: string; error?: string }> }) {
  const { tenant, callbackUrl: rawCallback } = await searchParams;
  const callbackUrl = safeCallbackPath(rawCallback);
  if (await getViewer()) redirect(callbackUrl);
  const t = await getTranslations("auth.login");
  return (
    <main className="mx-auto mt-12 grid w-full max-w-4xl gap-6 px-4 md:grid-cols-2">
      <h1 className="sr-only">{t("heading")}</h1>
      <div className="flex justify-end md:col-span-2">
        <PreferencesSwitcher showTimeZone={false} />
      </div>
      <section aria-labelledby="buyer-heading" className="rounded-lg border border-slate-200 bg-white p-8 shadow-sm">
        <h2 id="buyer-heading" className="text-lg font-semibold">
          {t("customers")}
        </h2>
        <p className="mt-2 text-sm text-slate-600">{t("customersIntro")}</p>
        <form method="get" action="/sso/start" className="mt-6 space-y-4">
          <div>
            <label htmlFor="tenant" className="block text-sm font-medium text-slate-800">
              {t("tenantCode")}
            </label>
            <input id="tenant" name="tenant" required defaultValue={tenant ?? ""} autoComplete="organization" className={inputClass} maxLength={128} />
            <p className="mt-1 text-xs text-slate-500">{t("tenantHint")}</p>
          </div>
          <input type="hidden" name="callbackUrl" value={callbackUrl} />
          <button type="submit" className={buttonClass}>
            {t("continue")}
          </button>
        </form>
      </section>
      <section aria-labelledby="staff-heading" className="rounded-lg border border-slate-200 bg-white p-8 shadow-sm">
        <h2 id="staff-heading" className="text-lg font-semibold">
          {t("staff")}
        </h2>
        <p className="mt-2 text-sm text-slate-600">{t("staffIntro")}</p>
        <StaffSignInForm callbackUrl={callbackUrl} />
      </section>
    </main>
  );
}
