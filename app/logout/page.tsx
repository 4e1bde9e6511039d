// /logout: ends the portal session (next-auth sign-out is a POST with its CSRF token).
import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { CenteredCard } from "@/components/ui/card";
import { getViewer } from "@/lib/auth/viewer";
import { SignOutButton } from "./sign-out-button";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("auth.logout");
  return { title: t("title") };
}

export default async function LogoutPage() {
  const viewer = await getViewer();
  const t = await getTranslations("auth.logout");
  const after = viewer?.kind === "buyer" ? `/signed-out?tenant=${encodeURIComponent(viewer.tenantId)}` : "/signed-out";
  return (
    <CenteredCard title={t("title")}>
      <p>{viewer ? t("signedInAs", { name: viewer.name }) : t("notSignedIn")}</p>
      <SignOutButton callbackUrl={after} />
    </CenteredCard>
  );
}
