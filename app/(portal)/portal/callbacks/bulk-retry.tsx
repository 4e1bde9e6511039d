"use client";
// "Retry matching…" for operators: opening the dialog runs the dry run over the
// list's filter and shows what would happen; confirming runs it for real (the
// server plans again, so nothing that succeeded meanwhile is re-sent).
import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { ConfirmAction } from "@/components/ui/confirm-action";
import { callbackKeys, callbackMutations, type BulkRetryResultJson, type CallbackFilter } from "@/components/portal/callback-queries";
import { formatTime } from "@/components/portal/format";

const SHOWN = 20;

type BulkRetryItemJson = BulkRetryResultJson["items"][number];

/** The first calls of one decision, each linked to its log, with the reason (and the newer call that supersedes it). */
function CallList({ summary, items }: { summary: string; items: BulkRetryItemJson[] }) {
  if (items.length === 0) return null;
  return (
    <details>
      <summary className="cursor-pointer">{summary}</summary>
      <ul className="mt-1 max-h-40 list-disc overflow-auto pl-5 text-xs">
        {items.slice(0, SHOWN).map((i) => (
          <li key={i.id}>
            <Link href={`/portal/callbacks/${i.id}`} className="underline">
              {formatTime(i.receivedAt)} {i.activity ?? i.endpoint}
            </Link>
            : {i.reason}
            {i.supersededById ? (
              <>
                {" "}
                (
                <Link href={`/portal/callbacks/${i.supersededById}`} className="underline">
                  the newer call
                </Link>
                )
              </>
            ) : null}
          </li>
        ))}
        {items.length > SHOWN ? <li>and {items.length - SHOWN} more</li> : null}
      </ul>
    </details>
  );
}

function Counts({ result }: { result: BulkRetryResultJson }) {
  const c = result.counts;
  const cannot = result.items.filter((i) => i.decision === "cannotRetry");
  const superseded = result.items.filter((i) => i.decision === "superseded");
  return (
    <div className="space-y-2">
      <p className="font-medium text-slate-900">
        {`${c.wouldRun} ${result.isDryRun ? "would run" : "re-run"}, ${c.alreadyApplied} already applied, `}
        {`${c.superseded} superseded by a newer call, ${c.cannotRetry} cannot be retried`}
        {c.duplicates > 0 ? `, ${c.duplicates} repeat${c.duplicates === 1 ? "" : "s"} of another call in the run` : ""}.
      </p>
      {result.isCapped ? (
        <p className="rounded bg-amber-50 px-3 py-2 text-amber-900">
          More failed calls match than the limit of {result.limit}: only the newest {result.limit} are considered. Narrow the filter (e.g. the time range) to
          reach the rest.
        </p>
      ) : null}
      <CallList summary="Which are superseded (not run)" items={superseded} />
      <CallList summary="Which cannot be retried" items={cannot} />
      <p className="text-xs text-slate-600">
        Only failed calls are re-run, oldest first, one at a time; each re-run is logged as its own call linked to the original.
      </p>
    </div>
  );
}

export function BulkRetry({ filter }: { filter: CallbackFilter }) {
  const queryClient = useQueryClient();
  const dryRun = useMutation({ mutationFn: () => callbackMutations.retryMatching(filter, true) });
  const [outcome, setOutcome] = useState<BulkRetryResultJson>();
  const wouldRun = dryRun.data?.counts.wouldRun ?? 0;
  return (
    <div className="flex flex-wrap items-center gap-4">
      <ConfirmAction
        label="Retry matching…"
        title="Re-run the failed callbacks that match?"
        confirmLabel={dryRun.data ? `Re-run ${wouldRun}` : "Re-run"}
        isConfirmDisabled={!dryRun.data || wouldRun === 0}
        onOpen={() => {
          setOutcome(undefined);
          dryRun.mutate();
        }}
        onConfirm={async () => {
          const result = await callbackMutations.retryMatching(filter, false);
          setOutcome(result);
          await queryClient.invalidateQueries({ queryKey: callbackKeys.all });
        }}
      >
        <div aria-live="polite">
          {dryRun.isPending ? <p>Checking what would run…</p> : null}
          {dryRun.isError ? (
            <p role="alert" className="rounded bg-red-50 px-3 py-2 text-red-800">
              {dryRun.error.message}
            </p>
          ) : null}
          {dryRun.data ? <Counts result={dryRun.data} /> : null}
        </div>
      </ConfirmAction>
      {outcome ? (
        <p role="status" className="rounded bg-slate-100 px-3 py-2 text-sm text-slate-800">
          {outcome.message}
        </p>
      ) : null}
    </div>
  );
}
