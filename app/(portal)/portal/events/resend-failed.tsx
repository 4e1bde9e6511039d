"use client";
// "Resend failed…" for operators: over the list's time range (and endpoint and
// type, when chosen), opening the dialog runs the dry run and says how many
// deliveries would go again to which endpoints; confirming queues them.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { eventKeys, eventMutations, type BulkResendJson } from "@/components/portal/event-queries";
import { ConfirmAction } from "@/components/ui/confirm-action";

export function ResendFailed({ from, to, endpointId, type }: { from?: string; to?: string; endpointId?: string; type?: string }) {
  const t = useTranslations("events.bulk");
  /** What a dry run found or a run queued, per endpoint, in the reader's words (a disabled endpoint's deliveries wait). */
  const words = (r: BulkResendJson) => {
    const main = r.dryRun
      ? r.count === 0
        ? t("none")
        : t("plan", { count: r.count, list: r.byEndpoint.map((e) => t("toEndpoint", { count: e.count, name: e.name })).join(t("listSeparator")) })
      : t("queued", { count: r.count });
    const disabled = r.byEndpoint.filter((e) => !e.isEnabled).map((e) => e.name);
    return disabled.length > 0 ? `${main} ${t("disabledNote", { names: disabled.join(", ") })}` : main;
  };
  const queryClient = useQueryClient();
  const [outcome, setOutcome] = useState<BulkResendJson>();
  const range = from && to ? { from, to, endpointId, type } : undefined;
  const dryRun = useMutation({ mutationFn: () => eventMutations.resendFailed(range!, true) });
  return (
    <div className="flex flex-wrap items-center gap-4">
      <ConfirmAction
        label={t("button")}
        title={t("title")}
        confirmLabel={dryRun.data ? t("confirm", { count: dryRun.data.count }) : t("confirmPlain")}
        isDisabled={!range}
        isConfirmDisabled={!dryRun.data || dryRun.data.count === 0}
        onOpen={() => {
          setOutcome(undefined);
          dryRun.mutate();
        }}
        onConfirm={async () => {
          setOutcome(await eventMutations.resendFailed(range!, false));
          await queryClient.invalidateQueries({ queryKey: eventKeys.all });
          await queryClient.invalidateQueries({ queryKey: eventKeys.endpoints });
        }}
      >
        <div aria-live="polite">
          {dryRun.isPending ? <p>{t("counting")}</p> : null}
          {dryRun.isError ? (
            <p role="alert" className="rounded bg-red-50 px-3 py-2 text-red-800">
              {dryRun.error.message}
            </p>
          ) : null}
          {dryRun.data ? <p className="font-medium text-slate-900">{words(dryRun.data)}</p> : null}
          <p className="mt-2 text-xs text-slate-600">{t("explain")}</p>
        </div>
      </ConfirmAction>
      {!range ? <p className="text-xs text-slate-600">{t("chooseRange")}</p> : null}
      {outcome ? (
        <p role="status" className="rounded bg-slate-100 px-3 py-2 text-sm text-slate-800">
          {words(outcome)}
        </p>
      ) : null}
    </div>
  );
}
