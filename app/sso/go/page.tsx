// /sso/go: posts next-auth's KooGallery sign-in (it needs a CSRF token, so a page rather than a redirect).
import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { SsoGo } from "./sso-go";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("auth.go");
  return { title: t("metaTitle") };
}

export default async function SsoGoPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string }> }) {
  const { callbackUrl } = await searchParams;
  const t = await getTranslations("auth.go");
  return (
    <main className="mx-auto mt-24 max-w-md rounded-lg border border-slate-200 bg-white p-8 shadow-sm">
      <h1 className="text-lg font-semibold">{t("title")}</h1>
      <SsoGo callbackUrl={callbackUrl ?? "/sso/continue"} />
    </main>
  );
}
