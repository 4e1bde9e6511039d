"use client";
// The language and time-zone switcher: remembered on this browser (cookies set
// by /api/preferences), then the page re-renders on the server in the new
// language and zone.
import { useLocale, useTimeZone, useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useId, useState, useTransition } from "react";
import { COMMON_TIME_ZONES, LOCALE_NAMES, LOCALES } from "@/lib/i18n/config";

const selectClass = "rounded-md border border-slate-300 bg-white px-2 py-1 text-sm";

export function PreferencesSwitcher({ showTimeZone = true }: { showTimeZone?: boolean }) {
  const t = useTranslations("common.preferences");
  const locale = useLocale();
  const timeZone = useTimeZone() ?? "Asia/Shanghai";
  const router = useRouter();
  const [isPending, startTransition] = useTransition();
  const [error, setError] = useState<string>();
  const id = useId();
  const zones = COMMON_TIME_ZONES.includes(timeZone as (typeof COMMON_TIME_ZONES)[number]) ? COMMON_TIME_ZONES : [timeZone, ...COMMON_TIME_ZONES];

  async function save(change: { locale?: string; timeZone?: string }) {
    setError(undefined);
    const res = await fetch("/api/preferences", {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(change),
    });
    if (!res.ok) {
      const body = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
      setError(body.error?.message ?? String(res.status));
      return;
    }
    startTransition(() => router.refresh());
  }

  return (
    <div className="flex items-center gap-2 text-sm" aria-busy={isPending}>
      <label htmlFor={`${id}-locale`} className="sr-only">
        {t("language")}
      </label>
      <select id={`${id}-locale`} className={selectClass} value={locale} onChange={(e) => void save({ locale: e.target.value })}>
        {LOCALES.map((l) => (
          <option key={l} value={l} lang={l}>
            {LOCALE_NAMES[l]}
          </option>
        ))}
      </select>
      {showTimeZone ? (
        <>
          <label htmlFor={`${id}-tz`} className="sr-only">
            {t("timeZone")}
          </label>
          <select id={`${id}-tz`} className={selectClass} value={timeZone} onChange={(e) => void save({ timeZone: e.target.value })}>
            {zones.map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </select>
        </>
      ) : null}
      {error ? (
        <span role="alert" className="text-red-800">
          {error}
        </span>
      ) : null}
    </div>
  );
}
