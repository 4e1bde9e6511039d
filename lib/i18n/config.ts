// The portal's languages and display time zones: pure, for server and client.
// The language is the user's choice (the NEXT_LOCALE cookie, set by the
// switcher), else the browser's Accept-Language, else Simplified Chinese;
// the time zone is the user's choice (PORTAL_TZ cookie), else PORTAL_TIME_ZONE.
import { match } from "@formatjs/intl-localematcher";

export const LOCALES = ["zh-CN", "en"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "zh-CN";
/** Each language by its own name (the same in every language). */
export const LOCALE_NAMES: Record<Locale, string> = { "zh-CN": "简体中文", en: "English" };

export const LOCALE_COOKIE = "NEXT_LOCALE";
export const TIME_ZONE_COOKIE = "PORTAL_TZ";
/** A year: the choice is remembered on this browser. */
export const PREFERENCE_MAX_AGE_S = 365 * 24 * 60 * 60;

/** The zones the switcher offers (any valid IANA zone is accepted). */
export const COMMON_TIME_ZONES = [
  "Asia/Shanghai",
  "Asia/Hong_Kong",
  "Asia/Singapore",
  "Asia/Tokyo",
  "Europe/London",
  "Europe/Berlin",
  "America/New_York",
  "UTC",
] as const;

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

export function isTimeZone(value: unknown): value is string {
  if (typeof value !== "string" || value.length === 0 || value.length > 64) return false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** The best of our locales for the languages a browser asks for, in its order of preference ("zh", "zh-TW" → zh-CN). */
export function negotiateLocale(requested: readonly string[]): Locale {
  const valid = requested.filter((tag) => {
    try {
      return Intl.getCanonicalLocales(tag).length > 0;
    } catch {
      return false;
    }
  });
  if (valid.length === 0) return DEFAULT_LOCALE;
  const found = match(valid, LOCALES as unknown as string[], DEFAULT_LOCALE);
  return isLocale(found) ? found : DEFAULT_LOCALE;
}

/** How the portal writes a point in time: date and time to the second, 24-hour (the zone's name follows: zoneName). */
export const TIME_FORMAT = {
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
} as const satisfies Intl.DateTimeFormatOptions;

/**
 * The zone's short name at that moment ("GMT+8", "UTC", "GMT+1"), written after
 * the time: as part of the date format some languages put it between the date
 * and the time.
 */
export function zoneName(at: Date, locale: string, timeZone: string): string {
  return new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: "short" }).formatToParts(at).find((p) => p.type === "timeZoneName")?.value ?? timeZone;
}

/** A day without a time (lists that group by day, date filters). */
export const DATE_FORMAT = { year: "numeric", month: "2-digit", day: "2-digit" } as const satisfies Intl.DateTimeFormatOptions;
