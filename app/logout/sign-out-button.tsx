"use client";
import { signOut } from "next-auth/react";
import { useState } from "react";
import { buttonClass } from "@/components/ui/card";

export function SignOutButton({ callbackUrl }: { callbackUrl: string }) {
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
      {isPending ? "Signing out…" : "Sign out of the portal"}
    </button>
  );
}
