// /sso/continue: where every sign-in lands. Staff and tenant admins go to the
// portal; an ordinary user is handed on to their instance's application.
import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { listBuyerInstances } from "@/lib/auth/buyer-instances";
import { getViewer } from "@/lib/auth/viewer";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("auth.continue");
  return { title: t("metaTitle") };
}

export default async function ContinuePage({ searchParams }: { searchParams: Promise<{ missing?: string }> }) {
  const viewer = await getViewer();
  if (!viewer) redirect("/login");
  if (viewer.kind === "staff" || viewer.role === "admin") redirect("/portal");
  const { missing } = await searchParams;
  const instances = await listBuyerInstances(viewer);
  const usable = instances.filter((i) => i.isUsable);
  if (usable.length === 1 && !missing) redirect(`/sso/handoff?instance=${encodeURIComponent(usable[0]!.id)}`);
  const t = await getTranslations("auth.continue");

  return (
    <main className="mx-auto mt-16 max-w-lg rounded-lg border border-slate-200 bg-white p-8 shadow-sm">
      <h1 className="text-xl font-semibold">{t("hello", { name: viewer.name })}</h1>
      {missing ? (
        <p role="alert" className="mt-3 text-sm text-red-700">
          {t("missing")}
        </p>
      ) : null}
      {usable.length === 0 ? (
        <div className="mt-4 space-y-2 text-sm text-slate-700">
          <p>{t("none")}</p>
          <p>{instances.length > 0 ? t("notReady") : t("noPurchase")}</p>
        </div>
      ) : (
        <>
          <p className="mt-3 text-sm text-slate-700">{t("choose")}</p>
          <ul className="mt-3 space-y-2">
            {usable.map((i) => (
              <li key={i.id}>
                <Link
                  className="block rounded border border-slate-200 px-4 py-3 text-sm hover:bg-slate-50"
                  href={`/sso/handoff?instance=${encodeURIComponent(i.id)}`}
                  prefetch={false}
                >
                  {i.productId ?? t("application")} <span className="text-slate-500">({i.id})</span>
                </Link>
              </li>
            ))}
          </ul>
        </>
      )}
      <p className="mt-6 text-sm">
        <Link className="text-slate-600 underline" href="/logout" prefetch={false}>
          {t("signOut")}
        </Link>
      </p>
    </main>
  );
}
