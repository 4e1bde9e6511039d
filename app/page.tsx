// The landing page: what this server is and the addresses to paste into the seller center.
import { SAAS_PATH } from "@/lib/callbacks/endpoint-catalog";
import { getEnv } from "@/lib/env";

export const dynamic = "force-dynamic";

export default function HomePage() {
  const env = getEnv();
  const saasUrl = `${env.publicUrl}${SAAS_PATH}`;
  return (
    <main className="mx-auto max-w-3xl px-6 py-16">
      <h1 className="text-3xl font-semibold tracking-tight">KooGallery Merchant Portal</h1>
      <p className="mt-3 text-slate-600">
        The merchant end of Huawei Cloud KooGallery: production callbacks, joint-operation syncs, licenses and buyer sign-in.
      </p>
      <section className="mt-10 rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        <h2 className="text-lg font-medium">Seller center addresses</h2>
        <dl className="mt-4 space-y-3 text-sm">
          <div>
            <dt className="font-medium text-slate-700">SaaS production interface (V1 and V2)</dt>
            <dd className="mt-1 font-mono break-all text-slate-900">{saasUrl}</dd>
          </div>
          <div>
            <dt className="font-medium text-slate-700">Joint-operation Kit (KooGallery appends the sync path itself)</dt>
            <dd className="mt-1 font-mono break-all text-slate-900">
              {saasUrl}/produceAPI/v2/&lt;tenantSync|applicationSync|authSync|singleOrgSync|allOrgSync&gt;
            </dd>
          </div>
        </dl>
        {env.isDemo ? <p className="mt-6 text-sm text-amber-700">Demo mode: keys were generated locally and are stored under the data folder.</p> : null}
      </section>
    </main>
  );
}
