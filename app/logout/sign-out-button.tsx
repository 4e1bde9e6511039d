"use client";
import { signOut } from "next-auth/react";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { buttonClass } from "@/components/ui/card";

export function SignOutButton({ callbackUrl }: { callbackUrl: string }) {
  const t = useTranslations("auth.logout");
  const [isPending, setIsPending] = useState(false);
  return (
    <button
      type="button"
      className={buttonClass}
      disabled={isPending}
      onClick={() => {
        setIsPending(true);
        void signOut({ callbackUrl });
      }}
    >
      {isPending ? t("signingOut") : t("button")}
    </button>
  );
}
