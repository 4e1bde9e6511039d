// The landing page: what this server is and the addresses to paste into the seller center.
import { useTranslations } from "next-intl";
import { SAAS_PATH } from "@/lib/callbacks/endpoint-catalog";
import { getEnv } from "@/lib/env";

export const dynamic = "force-dynamic";

/** Where the joint-operation Kit calls go: KooGallery appends one of these sync paths to the address. */
const KIT_SYNC_PATH = "/produceAPI/v2/<tenantSync|applicationSync|authSync|singleOrgSync|allOrgSync>";

export default function HomePage() {
  const t = useTranslations("auth.home");
  const env = getEnv();
  const saasUrl = `${env.publicUrl}${SAAS_PATH}`;
  return (
    <main className="mx-auto max-w-3xl px-6 py-16">
      <h1 className="text-3xl font-semibold tracking-tight">{t("title")}</h1>
      <p className="mt-3 text-slate-600">{t("intro")}</p>
      <section className="mt-10 rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        <h2 className="text-lg font-medium">{t("addresses")}</h2>
        <dl className="mt-4 space-y-3 text-sm">
          <div>
            <dt className="font-medium text-slate-700">{t("saas")}</dt>
            <dd className="mt-1 font-mono break-all text-slate-900">{saasUrl}</dd>
          </div>
          <div>
            <dt className="font-medium text-slate-700">{t("kit")}</dt>
            <dd className="mt-1 font-mono break-all text-slate-900">
              {saasUrl}
              {KIT_SYNC_PATH}
            </dd>
          </div>
        </dl>
        {env.isDemo ? <p className="mt-6 text-sm text-amber-700">{t("demo")}</p> : null}
      </section>
    </main>
  );
}
