"use client";
// Fetches next-auth's CSRF token and submits the sign-in form once; the
// button stays for browsers that block the automatic submit.
import { useTranslations } from "next-intl";
import { useEffect, useRef, useState } from "react";

export function SsoGo({ callbackUrl }: { callbackUrl: string }) {
  const t = useTranslations("auth.go");
  const form = useRef<HTMLFormElement>(null);
  const [csrfToken, setCsrfToken] = useState<string>();
  const [isUnreachable, setIsUnreachable] = useState(false);

  useEffect(() => {
    let cancelled = false;
    fetch("/api/auth/csrf", { credentials: "same-origin" })
      .then((r) => r.json() as Promise<{ csrfToken?: string }>)
      .then((body) => {
        if (!cancelled && body.csrfToken) setCsrfToken(body.csrfToken);
      })
      .catch(() => setIsUnreachable(true));
    return () => {
      cancelled = true;
    };
  }, []);

  useEffect(() => {
    if (csrfToken) form.current?.submit();
  }, [csrfToken]);

  return (
    <form ref={form} method="post" action="/api/auth/signin/koogallery" className="mt-4 space-y-3">
      <input type="hidden" name="csrfToken" value={csrfToken ?? ""} />
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <p className="text-sm text-slate-600">{t("explain")}</p>
      {isUnreachable ? (
        <p role="alert" className="text-sm text-red-700">
          {t("unreachable")}
        </p>
      ) : null}
      <button type="submit" disabled={!csrfToken} className="rounded bg-slate-900 px-4 py-2 text-sm font-medium text-white disabled:opacity-50">
        {t("continue")}
      </button>
    </form>
  );
}
