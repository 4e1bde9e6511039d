"use client";
// "Retry matching…" for operators: opening the dialog runs the dry run over the
// list's filter and shows what would happen; confirming runs the dry run's
// calls oldest first, one request per call (the server plans each again, so a
// call that succeeded meanwhile is not re-sent). The dialog shows how many are
// done, succeeded and failed, and "Stop" ends the run after the call in
// flight; what was not run is said with the outcome.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { useEffect, useRef, useState } from "react";
import { ConfirmAction } from "@/components/ui/confirm-action";
import { callbackKeys, callbackMutations, type BulkRetryResultJson, type CallbackFilter } from "@/components/portal/callback-queries";
import { useTimeFormat } from "@/components/i18n/use-time-format";
import { endpointEntryNamed, kitNameOfEndpoint } from "@/lib/callbacks/endpoint-catalog";

const SHOWN = 20;

/** How far a run is: calls sent, of the dry run's, and how they ended; `isStopping` once "Stop" was pressed. */
type Progress = { done: number; total: number; succeeded: number; failed: number; isStopping: boolean };
/** The outcome of a run, for the line beside the button. */
type Outcome = { ran: number; succeeded: number; failed: number; notRun: number; isStopped: boolean };

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

/** While the run is under way: calls done of the total, how they ended, the time so far, and "Stop". */
function Running({ progress, startedAt, onStop }: { progress: Progress; startedAt: number; onStop: () => void }) {
  const t = useTranslations("callbacks.bulk");
  const [now, setNow] = useState(startedAt);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return (
    <div className="space-y-2 rounded bg-slate-50 px-3 py-2">
      <p className="font-medium text-slate-900">{t("running", { count: progress.total })}</p>
      <progress className="h-2 w-full" aria-label={t("progressLabel")} value={progress.done} max={Math.max(1, progress.total)} />
      <p className="text-sm text-slate-800">
        {t("progress", { done: progress.done, total: progress.total, succeeded: progress.succeeded, failed: progress.failed })}
      </p>
      {/* Not announced every second: the live region around it says how far the run is. */}
      <p aria-live="off" className="text-xs text-slate-600">
        {t("elapsed", { seconds: Math.max(0, Math.round((now - startedAt) / 1000)) })} · {t("runningNote")}
      </p>
      <button type="button" className="text-sm underline" onClick={onStop} disabled={progress.isStopping}>
        {progress.isStopping ? t("stopping") : t("stop")}
      </button>
    </div>
  );
}

export function BulkRetry({ filter }: { filter: CallbackFilter }) {
  const t = useTranslations("callbacks.bulk");
  const queryClient = useQueryClient();
  const dryRun = useMutation({ mutationFn: () => callbackMutations.retryMatching(filter, true) });
  const [outcome, setOutcome] = useState<Outcome>();
  const [runStartedAt, setRunStartedAt] = useState<number>();
  const [progress, setProgress] = useState<Progress>();
  const isStopRequested = useRef(false);
  const wouldRun = dryRun.data?.counts.wouldRun ?? 0;

  /** The dry run's calls, oldest first (the order they must apply in), one request each; stops between calls when asked. */
  async function run(ids: string[]) {
    isStopRequested.current = false;
    let state: Progress = { done: 0, total: ids.length, succeeded: 0, failed: 0, isStopping: false };
    setProgress(state);
    setRunStartedAt(Date.now());
    try {
      for (const id of ids) {
        if (isStopRequested.current) break;
        const part = await callbackMutations.retryPart(filter, [id]);
        state = { ...state, done: state.done + 1, succeeded: state.succeeded + part.counts.succeeded, failed: state.failed + part.counts.failed };
        setProgress(state);
      }
    } finally {
      const ran = state.succeeded + state.failed;
      setOutcome({ ran, succeeded: state.succeeded, failed: state.failed, notRun: ids.length - state.done, isStopped: state.done < ids.length });
      setRunStartedAt(undefined);
      setProgress(undefined);
      await queryClient.invalidateQueries({ queryKey: callbackKeys.all });
    }
  }

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
        onConfirm={() => run((dryRun.data?.items ?? []).filter((i) => i.decision === "run").map((i) => i.id))}
      >
        <div aria-live="polite">
          {dryRun.isPending ? <p>{t("checking")}</p> : null}
          {dryRun.isError ? (
            <p role="alert" className="rounded bg-red-50 px-3 py-2 text-red-800">
              {dryRun.error.message}
            </p>
          ) : null}
          {dryRun.data && runStartedAt === undefined ? <Counts result={dryRun.data} /> : null}
          {runStartedAt !== undefined && progress ? (
            <Running
              progress={progress}
              startedAt={runStartedAt}
              onStop={() => {
                isStopRequested.current = true;
                setProgress((p) => (p ? { ...p, isStopping: true } : p));
              }}
            />
          ) : null}
        </div>
      </ConfirmAction>
      {outcome ? (
        <p role="status" className="rounded bg-slate-100 px-3 py-2 text-sm text-slate-800">
          {outcome.isStopped
            ? t("stopped", { ran: outcome.ran, succeeded: outcome.succeeded, failed: outcome.failed, notRun: outcome.notRun })
            : t("finished", { ran: outcome.ran, succeeded: outcome.succeeded, failed: outcome.failed })}
        </p>
      ) : null}
    </div>
  );
}
