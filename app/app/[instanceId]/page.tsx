// /app/<instanceId>: the front-end URL the built-in provisioning adapter hands
// to buyers. A stand-in for the merchant's own application: it says which
// instance this is and whether it can be used, nothing more (no account data).
import { notFound } from "next/navigation";
import { getDb } from "@/lib/db";

export const dynamic = "force-dynamic";

const STATE_TEXT: Record<string, { title: string; body: string; tone: string }> = {
  PROVISIONING: { title: "Being prepared", body: "Your instance is being set up. This page will work in a few minutes.", tone: "text-amber-700" },
  ACTIVE: { title: "Ready", body: "Your instance is active. Sign in with the administrator account from your KooGallery order.", tone: "text-emerald-700" },
  FROZEN: { title: "Frozen", body: "This instance is frozen, usually because the subscription expired. Renew it in KooGallery to continue; your data is kept.", tone: "text-sky-700" },
  RELEASED: { title: "Released", body: "This instance has been released and can no longer be used.", tone: "text-slate-600" },
};

export default async function InstanceLandingPage({ params }: { params: Promise<{ instanceId: string }> }) {
  const { instanceId } = await params;
  const db = await getDb();
  const instance = await db.instance.findUnique({ where: { id: instanceId }, select: { id: true, state: true, expireAt: true, isTrial: true } });
  if (!instance) notFound();
  const text = STATE_TEXT[instance.state] ?? STATE_TEXT.ACTIVE!;
  return (
    <main className="mx-auto max-w-xl px-6 py-16">
      <p className="text-sm text-slate-500">Instance {instance.id}</p>
      <h1 className={`mt-2 text-3xl font-semibold ${text.tone}`}>{text.title}</h1>
      <p className="mt-4 text-slate-700">{text.body}</p>
      {instance.expireAt ? (
        <p className="mt-6 text-sm text-slate-500">
          {instance.isTrial ? "Trial ends" : "Subscription ends"} {instance.expireAt.toISOString().slice(0, 10)} (UTC)
        </p>
      ) : null}
    </main>
  );
}
