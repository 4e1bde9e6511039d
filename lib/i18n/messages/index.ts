// The message catalogs, one file per namespace and language. English is the
// reference shape (next-intl's AppConfig in lib/i18n/next-intl.d.ts types
// every key against it); lib/i18n/catalogs.test.ts fails when the Chinese
// catalog lacks a key the English one has, or has one it lacks.
import type { Locale } from "@/lib/i18n/config";
import enCommon from "./en/common.json";
import enEvents from "./en/events.json";
import zhCommon from "./zh-CN/common.json";
import zhEvents from "./zh-CN/events.json";

const en = { common: enCommon, events: enEvents };

export type Messages = typeof en;

export const CATALOGS: Record<Locale, Messages> = {
  en,
  "zh-CN": { common: zhCommon, events: zhEvents },
};

export function messagesFor(locale: Locale): Messages {
  return CATALOGS[locale];
}
