"use client";
// Email and password through next-auth's credentials provider, without a
// full-page error round trip: the refusal reason is shown next to the form.
import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { buttonClass, inputClass } from "@/components/ui/card";
import { Field } from "@/components/ui/field";

function messageFor(error: string): string {
  if (error.startsWith("rate-limited")) {
    const seconds = Number(error.split(":")[1]);
    const minutes = Number.isFinite(seconds) ? Math.max(1, Math.ceil(seconds / 60)) : 15;
    return `Too many failed attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
  }
  if (error === "disabled") return "This account is disabled. Ask an owner of the portal to enable it.";
  return "Wrong email or password.";
}

export function StaffSignInForm({ callbackUrl }: { callbackUrl: string }) {
  const router = useRouter();
  const [error, setError] = useState<string>();
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
      setError("The portal could not be reached. Try again.");
      return;
    } finally {
      setIsPending(false);
    }
    if (!result || result.error) {
      setError(messageFor(result?.error ?? "invalid"));
      return;
    }
    router.push(callbackUrl === "/sso/continue" ? "/portal" : callbackUrl);
    router.refresh();
  }

  return (
    // onSubmit catches its own failures, so nothing is left to handle the promise.
    <form onSubmit={(event) => void onSubmit(event)} className="mt-6 space-y-4" noValidate>
      <Field id="email" label="Email" labelClassName="text-slate-800">
        <input id="email" name="email" type="email" required autoComplete="username" className={inputClass} />
      </Field>
      <Field id="password" label="Password" labelClassName="text-slate-800">
        <input id="password" name="password" type="password" required autoComplete="current-password" className={inputClass} />
      </Field>
      {error ? (
        <p role="alert" className="rounded bg-red-50 px-3 py-2 text-sm text-red-800">
          {error}
        </p>
      ) : null}
      <button type="submit" disabled={isPending} className={buttonClass}>
        {isPending ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
