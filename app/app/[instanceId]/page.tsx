// /app/<instanceId>: the front-end URL the built-in provisioning adapter hands
// to buyers. A stand-in for the merchant's own application, and like one it
// shows nothing to a visitor it cannot identify: only with a valid `?kg_token=`
// (the SSO hand-off, verified the way a merchant's app would) does it say who
// signed in and whether the instance can be used. Without a token, or with an
// invalid or expired one, every id gets the same neutral page, so the page
// tells nobody which instances exist or what state they are in.
import type { Metadata } from "next";
import { useTranslations } from "next-intl";
import { getTranslations } from "next-intl/server";
import { getDb } from "@/lib/db";
import type { InstanceState } from "@/lib/generated/prisma/client";
import { getTimeFormat } from "@/lib/i18n/server-format";
import { HandoffTokenError, verifyHandoffToken, type HandoffTokenPayload } from "@/lib/sso/handoff-token";

export const dynamic = "force-dynamic";

// The token is in this page's URL: links followed from here must not carry it
// in a Referer header.
export const metadata: Metadata = { referrer: "no-referrer" };

// Each state's title and text are in the catalog (auth.app.states).
const STATE_TONE: Record<InstanceState, string> = {
  PROVISIONING: "text-amber-700",
  ACTIVE: "text-emerald-700",
  FROZEN: "text-sky-700",
  RELEASED: "text-slate-600",
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
  const [t, { date }] = await Promise.all([getTranslations("auth.app"), getTimeFormat()]);
  const { name, userName, role, tenant } = handoff.claims;
  return (
    <main className="mx-auto max-w-xl px-6 py-16">
      <p className="text-sm text-slate-500">{t("instance", { id: instance.id })}</p>
      <h1 className={`mt-2 text-3xl font-semibold ${STATE_TONE[instance.state]}`}>{t(`states.${instance.state}.title`)}</h1>
      <p className="mt-4 text-slate-700">{t(`states.${instance.state}.body`)}</p>
      {instance.expireAt ? (
        <p className="mt-6 text-sm text-slate-500">
          {instance.isTrial ? t("trialEnds", { date: date(instance.expireAt) }) : t("subscriptionEnds", { date: date(instance.expireAt) })}
        </p>
      ) : null}
      <section className="mt-8 rounded-md border border-emerald-200 bg-emerald-50 p-4">
        <p className="font-medium text-emerald-800">{t("signedInAs", { name, userName, role, tenant })}</p>
        <p className="mt-2 text-sm text-slate-600">{t("tokenExplain")}</p>
      </section>
    </main>
  );
}

/** The same for every visitor without a valid hand-off: no instance id, no state, nothing that differs between ids. */
function SignInThroughKooGallery() {
  const t = useTranslations("auth.app");
  return (
    <main className="mx-auto max-w-xl px-6 py-16">
      <h1 className="text-3xl font-semibold text-slate-900">{t("signInTitle")}</h1>
      <p className="mt-4 text-slate-700">{t("signInBody")}</p>
    </main>
  );
}
