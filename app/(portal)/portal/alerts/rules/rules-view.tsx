"use client";
// The rules: what each watches, whether it is on, and its threshold. Owners
// switch a rule on or off and change its threshold within the rule's bounds.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { alertQueries, type RuleItem } from "@/components/portal/alert-queries";
import { sendJson } from "@/components/portal/queries";
import { QueryState } from "@/components/portal/query-state";
import { Badge } from "@/components/ui/badge";
import { inputClass, secondaryButtonClass } from "@/components/ui/card";
import type { ALERT_RULES, AlertRuleName } from "@/lib/alerts/rule-catalog";

/** The rules that have a threshold owners may change (their wording is in the catalog under alerts.rules.thresholds). */
type ThresholdRule = { [K in AlertRuleName]: (typeof ALERT_RULES)[K] extends { threshold: object } ? K : never }[AlertRuleName];

function RuleRow({ rule, canConfigure }: { rule: RuleItem; canConfigure: boolean }) {
  const t = useTranslations("alerts.rules");
  const queryClient = useQueryClient();
  const [threshold, setThreshold] = useState(String(rule.threshold ?? ""));
  const save = useMutation({
    mutationFn: (change: { isEnabled?: boolean; threshold?: number }) =>
      sendJson<{ items: RuleItem[] }>("/api/portal/alerts/rules", "PATCH", { rule: rule.rule, ...change }),
    onSuccess: (answer) => queryClient.setQueryData(alertQueries.rules().queryKey, answer),
  });
  const spec = rule.thresholdSpec;
  const name = rule.rule as ThresholdRule;
  const label = t(`catalog.${rule.rule}.label`);
  return (
    <li className="py-3">
      <div className="flex flex-wrap items-center gap-2">
        <span className="font-medium">{label}</span>
        {rule.isEnabled ? <Badge tone="good">{t("on")}</Badge> : <Badge tone="warn">{t("off")}</Badge>}
        {rule.canResolve ? null : <Badge>{t("oneOff")}</Badge>}
      </div>
      <p className="mt-1 text-sm text-slate-700">{t(`catalog.${rule.rule}.description`)}</p>
      {spec && rule.threshold !== null ? (
        <p className="text-sm">
          {t.rich(`thresholds.${name}.current`, {
            value: rule.threshold,
            num: (chunks) => <span className="font-medium tabular-nums">{chunks}</span>,
          })}
        </p>
      ) : null}
      {canConfigure ? (
        <div className="mt-2 flex flex-wrap items-end gap-2">
          <button type="button" className={secondaryButtonClass} disabled={save.isPending} onClick={() => save.mutate({ isEnabled: !rule.isEnabled })}>
            {rule.isEnabled ? t("turnOff") : t("turnOn")}
          </button>
          {spec ? (
            <form
              className="flex items-end gap-2"
              onSubmit={(e) => {
                e.preventDefault();
                save.mutate({ threshold: Number(threshold) });
              }}
            >
              <label className="text-sm">
                <span className="sr-only">{t("inputLabel", { rule: label, threshold: t(`thresholds.${name}.input`) })}</span>
                <input
                  className={`${inputClass} w-28`}
                  type="number"
                  min={spec.min}
                  max={spec.max}
                  value={threshold}
                  onChange={(e) => setThreshold(e.target.value)}
                />
              </label>
              <button type="submit" className={secondaryButtonClass} disabled={save.isPending}>
                {t("saveThreshold")}
              </button>
            </form>
          ) : null}
        </div>
      ) : null}
      {save.isError ? (
        <p role="alert" className="mt-2 rounded bg-red-50 px-3 py-2 text-sm text-red-800">
          {save.error.message}
        </p>
      ) : null}
    </li>
  );
}

export function RulesView({ canConfigure }: { canConfigure: boolean }) {
  const t = useTranslations("alerts.rules");
  const query = useQuery(alertQueries.rules());
  const items = query.data?.items ?? [];
  return (
    <section aria-labelledby="rules-heading" className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="rules-heading" className="text-lg font-semibold">
        {t("heading")}
      </h2>
      <p className="mt-1 text-sm text-slate-700">{t("explain")}</p>
      <QueryState query={query} isEmpty={items.length === 0} empty={t("empty")}>
        <ul className="mt-2 divide-y divide-slate-100">
          {items.map((r) => (
            <RuleRow key={`${r.rule}:${r.threshold ?? ""}`} rule={r} canConfigure={canConfigure} />
          ))}
        </ul>
      </QueryState>
    </section>
  );
}
