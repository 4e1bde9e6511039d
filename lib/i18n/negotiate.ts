// The request's language and time zone, read on the server from the cookies
// the switcher sets and the Accept-Language header (negotiator parses it).
import Negotiator from "negotiator";
import { DEFAULT_LOCALE, isLocale, isTimeZone, LOCALE_COOKIE, negotiateLocale, TIME_ZONE_COOKIE, type Locale } from "@/lib/i18n/config";

type CookieReader = { get(name: string): { value: string } | undefined };

export function localeOf(cookies: CookieReader, acceptLanguage: string | null): Locale {
  const chosen = cookies.get(LOCALE_COOKIE)?.value;
  if (isLocale(chosen)) return chosen;
  if (!acceptLanguage) return DEFAULT_LOCALE;
  return negotiateLocale(new Negotiator({ headers: { "accept-language": acceptLanguage } }).languages());
}

export function timeZoneOf(cookies: CookieReader, fallback: string): string {
  const chosen = cookies.get(TIME_ZONE_COOKIE)?.value;
  return isTimeZone(chosen) ? chosen : fallback;
}
