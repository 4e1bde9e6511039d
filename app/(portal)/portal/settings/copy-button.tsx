"use client";
// Copies a value to the clipboard and says so to screen readers too.
import { useTranslations } from "next-intl";
import { useState } from "react";
import { secondaryButtonClass } from "@/components/ui/card";

export function CopyButton({ value, label }: { value: string; label: string }) {
  const t = useTranslations("settings.copy");
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setState("copied");
    } catch {
      setState("failed");
    }
    setTimeout(() => setState("idle"), 2000);
  };
  return (
    <>
      <button type="button" className={`${secondaryButtonClass} px-2 py-1 text-xs`} onClick={() => void copy()}>
        {t.rich("button", { label, hidden: (chunks) => <span className="sr-only">{chunks}</span> })}
      </button>
      <span aria-live="polite" className="text-xs text-slate-700">
        {state === "copied" ? t("copied") : state === "failed" ? t("failed") : ""}
      </span>
    </>
  );
}
