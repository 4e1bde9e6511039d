"use client";
// "Retry matching…" for operators: opening the dialog runs the dry run over the
// list's filter and shows what would happen; confirming runs it for real (the
// server plans again, so nothing that succeeded meanwhile is re-sent). The run
// is one request that re-runs the calls one after the other on the server: the
// dialog shows that it is working and for how long, not call by call, and
// closing it does not stop the run (that would need the server to report and
// to check for a cancel between calls).
import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { ConfirmAction } from "@/components/ui/confirm-action";
import { callbackKeys, callbackMutations, type BulkRetryResultJson, type CallbackFilter } from "@/components/portal/callback-queries";
import { useTimeFormat } from "@/components/i18n/use-time-format";
import { endpointEntryNamed, kitNameOfEndpoint } from "@/lib/callbacks/endpoint-catalog";

const SHOWN = 20;

type BulkRetryItemJson = BulkRetryResultJson["items"][number];

/** Why a call is not run, from its decision and endpoint (the server's reason is English prose). */
function useReason(): (item: BulkRetryItemJson) => string | null {
  const t = useTranslations("callbacks.bulk.reason");
  return (item) => {
    if (item.decision === "superseded") {
      const kitName = kitNameOfEndpoint(item.endpoint);
      return kitName ? t("supersededKit", { kitName }) : t("supersededInstance");
    }
    if (item.decision === "cannotRetry") return endpointEntryNamed(item.endpoint) ? t("notStored") : t("unsupported", { endpoint: item.endpoint });
    return item.reason;
  };
}

/** The first calls of one decision, each linked to its log, with the reason (and the newer call that supersedes it). */
function CallList({ summary, items }: { summary: string; items: BulkRetryItemJson[] }) {
  const t = useTranslations("callbacks.bulk");
  const { time } = useTimeFormat();
  const reasonOf = useReason();
  if (items.length === 0) return null;
  return (
    <details>
      <summary className="cursor-pointer">{summary}</summary>
      <ul className="mt-1 max-h-40 list-disc overflow-auto pl-5 text-xs">
        {items.slice(0, SHOWN).map((i) => (
          <li key={i.id}>
            <Link href={`/portal/callbacks/${i.id}`} className="underline">
              {t("callsList", { time: time(i.receivedAt), name: i.activity ?? i.endpoint })}
            </Link>
            : {reasonOf(i)}
            {i.supersededById ? (
              <>
                {" "}
                (
                <Link href={`/portal/callbacks/${i.supersededById}`} className="underline">
                  {t("newerCall")}
                </Link>
                )
              </>
            ) : null}
          </li>
        ))}
        {items.length > SHOWN ? <li>{t("more", { count: items.length - SHOWN })}</li> : null}
      </ul>
    </details>
  );
}

/** The counts of a dry run or a run, in the viewer's language. */
function useCountsText(): (result: BulkRetryResultJson) => string {
  const t = useTranslations("callbacks.bulk");
  return (result) => {
    const c = result.counts;
    const shared = { alreadyApplied: c.alreadyApplied, superseded: c.superseded, cannotRetry: c.cannotRetry, duplicates: c.duplicates };
    const text = result.isDryRun
      ? t("plan", { wouldRun: c.wouldRun, ...shared })
      : t("done", { ran: c.wouldRun, succeeded: c.succeeded, failed: c.failed, ...shared });
    return result.isCapped ? `${text} ${t("capped", { limit: result.limit })}` : text;
  };
}

function Counts({ result }: { result: BulkRetryResultJson }) {
  const t = useTranslations("callbacks.bulk");
  const c = result.counts;
  const cannot = result.items.filter((i) => i.decision === "cannotRetry");
  const superseded = result.items.filter((i) => i.decision === "superseded");
  return (
    <div className="space-y-2">
      <p className="font-medium text-slate-900">
        {t("plan", { wouldRun: c.wouldRun, alreadyApplied: c.alreadyApplied, superseded: c.superseded, cannotRetry: c.cannotRetry, duplicates: c.duplicates })}
      </p>
      {result.isCapped ? <p className="rounded bg-amber-50 px-3 py-2 text-amber-900">{t("capped", { limit: result.limit })}</p> : null}
      <CallList summary={t("whichSuperseded")} items={superseded} />
      <CallList summary={t("whichCannot")} items={cannot} />
      <p className="text-xs text-slate-600">{t("explain")}</p>
    </div>
  );
}

/** While the run is under way: an indeterminate bar, the seconds it has taken so far, and what closing the dialog does. */
function Running({ count, startedAt }: { count: number; startedAt: number }) {
  const t = useTranslations("callbacks.bulk");
  const [now, setNow] = useState(startedAt);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return (
    <div className="space-y-2 rounded bg-slate-50 px-3 py-2">
      <p className="font-medium text-slate-900">{t("running", { count })}</p>
      {/* No value: indeterminate, the server does not report how far it is. */}
      <progress className="h-2 w-full" aria-label={t("progressLabel")} />
      {/* Not announced every second: the live region around it says that the run started. */}
      <p aria-live="off" className="text-xs text-slate-600">
        {t("elapsed", { seconds: Math.max(0, Math.round((now - startedAt) / 1000)) })} · {t("runningNote")}
      </p>
    </div>
  );
}

export function BulkRetry({ filter }: { filter: CallbackFilter }) {
  const t = useTranslations("callbacks.bulk");
  const countsText = useCountsText();
  const queryClient = useQueryClient();
  const dryRun = useMutation({ mutationFn: () => callbackMutations.retryMatching(filter, true) });
  const [outcome, setOutcome] = useState<BulkRetryResultJson>();
  const [runStartedAt, setRunStartedAt] = useState<number>();
  const wouldRun = dryRun.data?.counts.wouldRun ?? 0;
  return (
    <div className="flex flex-wrap items-center gap-4">
      <ConfirmAction
        label={t("button")}
        title={t("title")}
        confirmLabel={dryRun.data ? t("confirm", { count: wouldRun }) : t("confirmPlain")}
        isConfirmDisabled={!dryRun.data || wouldRun === 0}
        onOpen={() => {
          setOutcome(undefined);
          dryRun.mutate();
        }}
        onConfirm={async () => {
          setRunStartedAt(Date.now());
          try {
            const result = await callbackMutations.retryMatching(filter, false);
            setOutcome(result);
            await queryClient.invalidateQueries({ queryKey: callbackKeys.all });
          } finally {
            setRunStartedAt(undefined);
          }
        }}
      >
        <div aria-live="polite">
          {dryRun.isPending ? <p>{t("checking")}</p> : null}
          {dryRun.isError ? (
            <p role="alert" className="rounded bg-red-50 px-3 py-2 text-red-800">
              {dryRun.error.message}
            </p>
          ) : null}
          {dryRun.data && runStartedAt === undefined ? <Counts result={dryRun.data} /> : null}
          {runStartedAt !== undefined ? <Running count={wouldRun} startedAt={runStartedAt} /> : null}
        </div>
      </ConfirmAction>
      {outcome ? (
        <p role="status" className="rounded bg-slate-100 px-3 py-2 text-sm text-slate-800">
          {countsText(outcome)}
        </p>
      ) : null}
    </div>
  );
}
