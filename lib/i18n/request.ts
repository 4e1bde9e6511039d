// next-intl's request configuration (next.config.mjs points here): the
// language and time zone of this request, and its messages. Server and client
// components read the same catalogs through next-intl; nothing is looked up by hand.
import { cookies, headers } from "next/headers";
import { getRequestConfig } from "next-intl/server";
import { getEnv } from "@/lib/env";
import { messagesFor } from "@/lib/i18n/messages";
import { localeOf, timeZoneOf } from "@/lib/i18n/negotiate";

export default getRequestConfig(async () => {
  const [cookieStore, headerStore] = await Promise.all([cookies(), headers()]);
  const locale = localeOf(cookieStore, headerStore.get("accept-language"));
  return { locale, timeZone: timeZoneOf(cookieStore, getEnv().timeZone), messages: messagesFor(locale), now: new Date() };
});
