// /auth/error: next-auth's error page. The auth route adds `reason` when it
// knows why a KooGallery callback failed (expired or reused code, tampered state…).
import Link from "next/link";
import { buttonClass, CenteredCard } from "@/components/ui/card";
import { isSsoFailure, SSO_FAILURE_TEXT } from "@/lib/auth/sso-failure";

export const dynamic = "force-dynamic";

const NEXT_AUTH_ERRORS: Record<string, { title: string; advice: string }> = {
  Configuration: { title: "Sign-in is misconfigured", advice: "The portal's sign-in settings are incomplete. The merchant has been told; try again later." },
  AccessDenied: { title: "Access denied", advice: "Your account may not sign in here." },
  Verification: { title: "The sign-in link is no longer valid", advice: "Start the sign-in again." },
  OAuthSignin: { title: "Could not start the KooGallery sign-in", advice: "Try again in a minute; if it keeps happening, contact the merchant." },
  SessionRequired: { title: "Please sign in", advice: "This page needs you to be signed in." },
};

export default async function AuthErrorPage({ searchParams }: { searchParams: Promise<{ error?: string; reason?: string; tenant?: string }> }) {
  const { error, reason, tenant } = await searchParams;
  const text = isSsoFailure(reason) ? SSO_FAILURE_TEXT[reason] : (error && NEXT_AUTH_ERRORS[error]) || SSO_FAILURE_TEXT.unknown;
  return (
    <CenteredCard title={text.title} tone="danger">
      <p>{text.advice}</p>
      {reason ? <p className="text-xs text-slate-500">Reason code: {isSsoFailure(reason) ? reason : "unknown"}</p> : null}
      <div className="pt-2">
        <Link href={tenant ? `/login?tenant=${encodeURIComponent(tenant)}` : "/login"} className={buttonClass} prefetch={false}>
          Back to sign-in
        </Link>
      </div>
    </CenteredCard>
  );
}
