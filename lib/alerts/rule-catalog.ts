// The alert rules, their defaults and what owners may change (AlertRuleSetting
// overrides them per rule). Pure: lib/alerts/rules.ts evaluates them.
import type { Db, Tx } from "@/lib/db";

export type RuleThreshold = { label: string; unit: string; default: number; min: number; max: number };

export type RuleDefinition = {
  label: string;
  description: string;
  isEnabledByDefault: boolean;
  threshold?: RuleThreshold;
  /** Whether the condition can clear (then a "resolved" message goes out); a one-off event cannot. */
  canResolve: boolean;
};

export const ALERT_RULES = {
  "provisioning-failed": {
    label: "Provisioning failed",
    description: "The merchant's backend refused an instance for good; KooGallery is answered 000005 and fails the order.",
    isEnabledByDefault: true,
    canResolve: true,
  },
  "order-window-closing": {
    label: "KooGallery retry window closing",
    description: "An order's callback keeps failing and KooGallery's retry window is about to close.",
    isEnabledByDefault: true,
    threshold: { label: "Alert when less than this is left", unit: "minutes", default: 60, min: 5, max: 170 },
    canResolve: true,
  },
  "order-window-closed": {
    label: "KooGallery retry window closed",
    description: "KooGallery stopped retrying a failing order: a purchase or upgrade is refunded, a renewal is not applied.",
    isEnabledByDefault: true,
    canResolve: false,
  },
  "job-dead": {
    label: "Background job gave up",
    description: "A background job (order query, provisioning) used all its attempts and is DEAD.",
    isEnabledByDefault: true,
    canResolve: true,
  },
  "endpoint-failing": {
    label: "Merchant webhook endpoint failing",
    description: "Events to one of the merchant's endpoints have failed for longer than the threshold.",
    isEnabledByDefault: true,
    threshold: { label: "Failing for at least", unit: "minutes", default: 60, min: 5, max: 4320 },
    canResolve: true,
  },
  "endpoint-disabled": {
    label: "Merchant webhook endpoint disabled",
    description: "An endpoint was disabled after failing too long: its events are no longer delivered.",
    isEnabledByDefault: true,
    canResolve: true,
  },
  "monthly-failed-orders": {
    label: "Failed orders this month",
    description: "Real (non-test) failed orders of one product this calendar month (China time) reach the threshold; KooGallery delists above 5.",
    isEnabledByDefault: true,
    threshold: { label: "Alert at", unit: "failed orders", default: 3, min: 1, max: 5 },
    canResolve: false,
  },
  "signature-refusals": {
    label: "Calls refused for their signature",
    description: "More Kit or SaaS calls than the threshold were refused for a bad signature within 10 minutes (a key mismatch after a key change?).",
    isEnabledByDefault: true,
    threshold: { label: "Alert above", unit: "refusals in 10 minutes", default: 5, min: 1, max: 10_000 },
    canResolve: true,
  },
  "instance-expiring": {
    label: "Instance expiring without renewal",
    description: "An active instance expires within the threshold and no renewal has moved its expiry.",
    isEnabledByDefault: false,
    threshold: { label: "Alert this long before expiry", unit: "days", default: 7, min: 1, max: 60 },
    canResolve: true,
  },
} as const satisfies Record<string, RuleDefinition>;

export type AlertRuleName = keyof typeof ALERT_RULES;
export const ALERT_RULE_NAMES = Object.keys(ALERT_RULES) as AlertRuleName[];

export function isAlertRuleName(value: string): value is AlertRuleName {
  return Object.hasOwn(ALERT_RULES, value);
}

export type RuleSetting = { rule: AlertRuleName; isEnabled: boolean; threshold: number | null };

/** Every rule's setting: the owner's row where there is one, else the defaults. */
export async function readRuleSettings(db: Tx | Db): Promise<Record<AlertRuleName, RuleSetting>> {
  const rows = await db.alertRuleSetting.findMany();
  const byRule = new Map(rows.map((r) => [r.rule, r]));
  return Object.fromEntries(
    ALERT_RULE_NAMES.map((rule) => {
      const def: RuleDefinition = ALERT_RULES[rule];
      const row = byRule.get(rule);
      const threshold = def.threshold ? (row?.threshold ?? def.threshold.default) : null;
      return [rule, { rule, isEnabled: row?.isEnabled ?? def.isEnabledByDefault, threshold }];
    }),
  ) as Record<AlertRuleName, RuleSetting>;
}
