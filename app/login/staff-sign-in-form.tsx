"use client";
// Email and password through next-auth's credentials provider, without a
// full-page error round trip: the refusal reason is shown next to the form.
import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import { buttonClass, inputClass } from "@/components/ui/card";
import { Field } from "@/components/ui/field";

/** What went wrong, as a key of auth.login.errors (and its argument). */
type Problem = { key: "rateLimited"; minutes: number } | { key: "disabled" | "invalid" | "unreachable" };

/** The refusal next-auth reports: "rate-limited:<seconds>", "disabled", anything else is a wrong email or password. */
function refusalOf(error: string): Problem {
  if (error.startsWith("rate-limited")) {
    const seconds = Number(error.split(":")[1]);
    return { key: "rateLimited", minutes: Number.isFinite(seconds) ? Math.max(1, Math.ceil(seconds / 60)) : 15 };
  }
  return { key: error === "disabled" ? "disabled" : "invalid" };
}

export function StaffSignInForm({ callbackUrl }: { callbackUrl: string }) {
  const t = useTranslations("auth.login");
  const router = useRouter();
  // What went wrong, translated when shown (so it follows a change of language).
  const [error, setError] = useState<Problem>();
  const [isPending, setIsPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    setIsPending(true);
    setError(undefined);
    let result: Awaited<ReturnType<typeof signIn>>;
    try {
      result = await signIn("staff", {
        email: String(data.get("email") ?? ""),
        password: String(data.get("password") ?? ""),
        redirect: false,
        callbackUrl,
      });
    } catch {
      // A network failure must not leave the button stuck on "Signing in…".
      setError({ key: "unreachable" });
      return;
    } finally {
      setIsPending(false);
    }
    if (!result || result.error) {
      setError(refusalOf(result?.error ?? "invalid"));
      return;
    }
    router.push(callbackUrl === "/sso/continue" ? "/portal" : callbackUrl);
    router.refresh();
  }

  return (
    // onSubmit catches its own failures, so nothing is left to handle the promise.
    <form onSubmit={(event) => void onSubmit(event)} className="mt-6 space-y-4" noValidate>
      <Field id="email" label={t("email")} labelClassName="text-slate-800">
        <input id="email" name="email" type="email" required autoComplete="username" className={inputClass} />
      </Field>
      <Field id="password" label={t("password")} labelClassName="text-slate-800">
        <input id="password" name="password" type="password" required autoComplete="current-password" className={inputClass} />
      </Field>
      {error ? (
        <p role="alert" className="rounded bg-red-50 px-3 py-2 text-sm text-red-800">
          {error.key === "rateLimited" ? t("errors.rateLimited", { minutes: error.minutes }) : t(`errors.${error.key}`)}
        </p>
      ) : null}
      <button type="submit" disabled={isPending} className={buttonClass}>
        {isPending ? t("signingIn") : t("signIn")}
      </button>
    </form>
  );
}
