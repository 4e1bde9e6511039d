// A centred card for the sign-in and message pages.
import type { ReactNode } from "react";

export function CenteredCard({ title, children, tone = "default" }: { title: string; children: ReactNode; tone?: "default" | "danger" }) {
  return (
    <main className="mx-auto mt-16 w-full max-w-lg px-4">
      <section className={`rounded-lg border bg-white p-8 shadow-sm ${tone === "danger" ? "border-red-200" : "border-slate-200"}`}>
        <h1 className={`text-xl font-semibold ${tone === "danger" ? "text-red-800" : "text-slate-900"}`}>{title}</h1>
        <div className="mt-4 space-y-3 text-sm text-slate-700">{children}</div>
      </section>
    </main>
  );
}

export const buttonClass =
  "inline-flex items-center justify-center rounded-md bg-slate-900 px-4 py-2 text-sm font-medium text-white hover:bg-slate-700 focus:outline-none " +
  "focus-visible:ring-2 focus-visible:ring-slate-500 focus-visible:ring-offset-2 disabled:opacity-50";
export const secondaryButtonClass =
  "inline-flex items-center justify-center rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-medium text-slate-800 hover:bg-slate-50 " +
  "focus:outline-none focus-visible:ring-2 focus-visible:ring-slate-500 disabled:cursor-not-allowed disabled:opacity-50";
export const inputClass =
  "mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm shadow-sm focus:border-slate-500 focus:outline-none focus:ring-1 " +
  "focus:ring-slate-500";
