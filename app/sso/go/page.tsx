// /sso/go: posts next-auth's KooGallery sign-in (it needs a CSRF token, so a page rather than a redirect).
import { SsoGo } from "./sso-go";

export const dynamic = "force-dynamic";

export default async function SsoGoPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string }> }) {
  const { callbackUrl } = await searchParams;
  return (
    <main className="mx-auto mt-24 max-w-md rounded-lg border border-slate-200 bg-white p-8 shadow-sm">
      <h1 className="text-lg font-semibold">Signing you in with KooGallery…</h1>
      <SsoGo callbackUrl={callbackUrl ?? "/sso/continue"} />
    </main>
  );
}
