// Small status labels with colours that keep 4.5:1 contrast on their background.
import type { ReactNode } from "react";

const tones = {
  neutral: "bg-slate-100 text-slate-800",
  good: "bg-emerald-100 text-emerald-900",
  warn: "bg-amber-100 text-amber-900",
  bad: "bg-red-100 text-red-900",
  info: "bg-sky-100 text-sky-900",
} as const;

export type BadgeTone = keyof typeof tones;

/** `className` places the badge (a margin), never restyles it. */
export function Badge({ tone = "neutral", className = "", children }: { tone?: BadgeTone; className?: string; children: ReactNode }) {
  return <span className={`inline-flex items-center rounded px-1.5 py-0.5 text-xs font-medium ${tones[tone]} ${className}`.trim()}>{children}</span>;
}

export function stateTone(state: string): BadgeTone {
  switch (state) {
    case "ACTIVE":
      return "good";
    case "FROZEN":
    case "PROVISIONING":
      return "warn";
    case "RELEASED":
      return "neutral";
    default:
      return "info";
  }
}
