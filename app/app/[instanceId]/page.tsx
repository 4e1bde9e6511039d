// /app/<instanceId>: the front-end URL the built-in provisioning adapter hands
// to buyers. A stand-in for the merchant's own application, and like one it
// shows nothing to a visitor it cannot identify: only with a valid `?kg_token=`
// (the SSO hand-off, verified the way a merchant's app would) does it say who
// signed in and whether the instance can be used. Without a token, or with an
// invalid or expired one, every id gets the same neutral page, so the page
// tells nobody which instances exist or what state they are in.
import type { Metadata } from "next";
import { getDb } from "@/lib/db";
import { HandoffTokenError, verifyHandoffToken, type HandoffTokenPayload } from "@/lib/sso/handoff-token";

export const dynamic = "force-dynamic";

// The token is in this page's URL: links followed from here must not carry it
// in a Referer header.
export const metadata: Metadata = { referrer: "no-referrer" };

const STATE_TEXT: Record<string, { title: string; body: string; tone: string }> = {
  PROVISIONING: { title: "Being prepared", body: "Your instance is being set up. This page will work in a few minutes.", tone: "text-amber-700" },
  ACTIVE: { title: "Ready", body: "Your instance is active. Sign in with the administrator account from your KooGallery order.", tone: "text-emerald-700" },
  FROZEN: {
    title: "Frozen",
    body: "This instance is frozen, usually because the subscription expired. Renew it in KooGallery to continue; your data is kept.",
    tone: "text-sky-700",
  },
  RELEASED: { title: "Released", body: "This instance has been released and can no longer be used.", tone: "text-slate-600" },
};

type Handoff = { isValid: true; claims: HandoffTokenPayload } | { isValid: false };

async function checkHandoff(token: string | string[] | undefined, instanceId: string): Promise<Handoff | undefined> {
  if (token === undefined) return undefined;
  // A repeated parameter is not something we produce: refuse it rather than guess.
  if (Array.isArray(token)) return { isValid: false };
  try {
    return { isValid: true, claims: await verifyHandoffToken(token, { instanceId }) };
  } catch (error) {
    if (error instanceof HandoffTokenError) return { isValid: false };
    throw error;
  }
}

export default async function InstanceLandingPage({
  params,
  searchParams,
}: {
  params: Promise<{ instanceId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { instanceId } = await params;
  // The token first: nothing about the instance is looked up for a visitor without one.
  const handoff = await checkHandoff((await searchParams).kg_token, instanceId);
  if (!handoff?.isValid) return <SignInThroughKooGallery />;
  const db = await getDb();
  const instance = await db.instance.findUnique({ where: { id: instanceId }, select: { id: true, state: true, expireAt: true, isTrial: true } });
  if (!instance) return <SignInThroughKooGallery />;
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
      <section className="mt-8 rounded-md border border-emerald-200 bg-emerald-50 p-4">
        <p className="font-medium text-emerald-800">
          Signed in as {handoff.claims.name} ({handoff.claims.userName}), role {handoff.claims.role}, tenant {handoff.claims.tenant}
        </p>
        <p className="mt-2 text-sm text-slate-600">
          Your application receives this from KooGallery sign-in as a signed token and checks it against the portal&apos;s published keys.
        </p>
      </section>
    </main>
  );
}

/** The same for every visitor without a valid hand-off: no instance id, no state, nothing that differs between ids. */
function SignInThroughKooGallery() {
  return (
    <main className="mx-auto max-w-xl px-6 py-16">
      <h1 className="text-3xl font-semibold text-slate-900">Sign in through KooGallery</h1>
      <p className="mt-4 text-slate-700">
        Open this application from KooGallery (华为云云商店): it signs you in and brings you here. A sign-in link works once and only for a minute, so if you
        followed an old link or reloaded the page, open the application from KooGallery again.
      </p>
    </main>
  );
}
