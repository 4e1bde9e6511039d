// The words of an alert, in either language, from the alertText catalog:
// an alert is stored with its rule and its parameters (ids, names, counts,
// times as ISO-8601), and its title and body are rendered where they are read:
// in the language and zone of the person on the alerts page, and in
// ALERT_LANGUAGE and PORTAL_TIME_ZONE for the channels (e-mail, robots,
// webhook). Times are formatted here, in the reader's zone; error texts from
// other systems are shown as they came (already redacted).
import { createTranslator } from "next-intl";
import type { AlertRuleName } from "@/lib/alerts/rule-catalog";
import { TIME_FORMAT, zoneName, type Locale } from "@/lib/i18n/config";
import { CATALOGS } from "@/lib/i18n/messages";

/** A parameter: text, a number, or a time (ISO-8601, by a key ending in `At`). */
export type AlertParams = Record<string, string | number>;

/** What an alert says, before it is put into words. */
export type AlertText = { rule: AlertRuleName; params: AlertParams };

export type Reader = { locale: Locale; timeZone: string };

function translator(locale: Locale) {
  return createTranslator({ locale, messages: CATALOGS[locale], namespace: "alertText" });
}

/** As the portal shows times everywhere: its shape, then the zone's name ("2026/12/07 11:00:00 GMT+8"). */
function formatTime(iso: string, reader: Reader): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  return `${new Intl.DateTimeFormat(reader.locale, { ...TIME_FORMAT, timeZone: reader.timeZone }).format(at)} ${zoneName(at, reader.locale, reader.timeZone)}`;
}

/** Times in the reader's zone; everything else as it is. */
function localized(params: AlertParams, reader: Reader): AlertParams {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, typeof v === "string" && k.endsWith("At") ? formatTime(v, reader) : v]));
}

/** A catalog phrase put into a parameter (what happens after a retry window, which interface), as `phrase:<key>`. */
export type PhraseKey = `afterWindow.${"refunded" | "upgradeRefunded" | "notResent" | "other"}` | `family.${"saas" | "kit"}`;

export function phrase(key: PhraseKey): string {
  return `phrase:${key}`;
}

/** The title and body for one reader: phrases in their language, times in their zone. */
export function renderAlert(text: AlertText, reader: Reader): { title: string; body: string } {
  const t = translator(reader.locale);
  const values = Object.fromEntries(
    Object.entries(localized(text.params, reader)).map(([k, v]) => [k, typeof v === "string" && v.startsWith("phrase:") ? t(v.slice(7) as PhraseKey) : v]),
  );
  return { title: t(`rules.${text.rule}.title`, values), body: t(`rules.${text.rule}.body`, values) };
}

/** The frame every channel puts around a message: the heading's mark, the link line and the e-mail's footer. */
export function alertFrame(locale: Locale) {
  const t = translator(locale);
  return {
    heading: (kind: "fired" | "resolved" | "test", title: string) => t(`frame.${kind}`, { title }),
    open: (link: string) => t("frame.open", { link }),
    openLink: () => t("frame.openLink"),
    footer: (rule: string, subject: string) => t("frame.footer", { rule, subject }),
  };
}

/** The "send test" message of a channel. */
export function testAlertText(channel: string, by: string, locale: Locale): { title: string; body: string } {
  const t = translator(locale);
  return { title: t("test.title", { channel }), body: t("test.body", { by }) };
}
