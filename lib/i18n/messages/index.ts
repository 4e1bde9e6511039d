// The message catalogs, one file per namespace and language. English is the
// reference shape (next-intl's AppConfig in lib/i18n/next-intl.d.ts types
// every key against it); lib/i18n/catalogs.test.ts fails when the Chinese
// catalog lacks a key the English one has, or has one it lacks.
import type { Locale } from "@/lib/i18n/config";
import enAlerts from "./en/alerts.json";
import enAlertText from "./en/alertText.json";
import enApiErrors from "./en/apiErrors.json";
import enAudit from "./en/audit.json";
import enAuth from "./en/auth.json";
import enCallbacks from "./en/callbacks.json";
import enCommon from "./en/common.json";
import enDashboard from "./en/dashboard.json";
import enEvents from "./en/events.json";
import enInstances from "./en/instances.json";
import enSettings from "./en/settings.json";
import enStaff from "./en/staff.json";
import enTenants from "./en/tenants.json";
import zhAlerts from "./zh-CN/alerts.json";
import zhAlertText from "./zh-CN/alertText.json";
import zhApiErrors from "./zh-CN/apiErrors.json";
import zhAudit from "./zh-CN/audit.json";
import zhAuth from "./zh-CN/auth.json";
import zhCallbacks from "./zh-CN/callbacks.json";
import zhCommon from "./zh-CN/common.json";
import zhDashboard from "./zh-CN/dashboard.json";
import zhEvents from "./zh-CN/events.json";
import zhInstances from "./zh-CN/instances.json";
import zhSettings from "./zh-CN/settings.json";
import zhStaff from "./zh-CN/staff.json";
import zhTenants from "./zh-CN/tenants.json";

const en = {
  common: enCommon,
  dashboard: enDashboard,
  settings: enSettings,
  staff: enStaff,
  instances: enInstances,
  tenants: enTenants,
  callbacks: enCallbacks,
  events: enEvents,
  alerts: enAlerts,
  alertText: enAlertText,
  apiErrors: enApiErrors,
  audit: enAudit,
  auth: enAuth,
};

export type Messages = typeof en;

export const CATALOGS: Record<Locale, Messages> = {
  en,
  "zh-CN": {
    common: zhCommon,
    dashboard: zhDashboard,
    settings: zhSettings,
    staff: zhStaff,
    instances: zhInstances,
    tenants: zhTenants,
    callbacks: zhCallbacks,
    events: zhEvents,
    alerts: zhAlerts,
    alertText: zhAlertText,
    apiErrors: zhApiErrors,
    audit: zhAudit,
    auth: zhAuth,
  },
};

export function messagesFor(locale: Locale): Messages {
  return CATALOGS[locale];
}
