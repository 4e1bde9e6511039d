"use client";
// One logged call: summary, KooGallery's retry window, the signature check,
// the masked request and response, what the handler did, the retry chain, and
// for operators a "Retry" of a failed call that re-runs the stored call and
// links the new log, or a "Re-apply…" of a call that succeeded, which asks why.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useId, useState, type ReactNode } from "react";
import { Badge, stateTone } from "@/components/ui/badge";
import { ConfirmAction } from "@/components/ui/confirm-action";
import { callbackKeys, callbackMutations, callbackQueries, type CallbackLogDetailJson, type CallbackLogItem } from "@/components/portal/callback-queries";
import { ResultCodeBadge, VerificationBadge } from "@/components/portal/callbacks/callback-badges";
import { formatDuration, formatTime } from "@/components/portal/format";
import { protocolOfEndpointName } from "@/lib/callbacks/endpoint-catalog";

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section aria-labelledby={id} className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 id={id} className="text-lg font-semibold">
        {title}
      </h2>
      <div className="mt-3 text-sm text-slate-800">{children}</div>
    </section>
  );
}

function Facts({ rows }: { rows: [string, ReactNode][] }) {
  return (
    <dl className="grid gap-x-6 gap-y-1 sm:grid-cols-[max-content_1fr]">
      {rows.map(([term, value]) => (
        <div key={term} className="contents">
          <dt className="font-medium text-slate-700">{term}</dt>
          <dd className="break-all">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function Json({ label, value }: { label: string; value: unknown }) {
  return (
    // Focusable and labelled: the block scrolls, and keyboard users must be able to scroll it.
    <pre
      role="region"
      aria-label={label}
      tabIndex={0}
      className={
        "max-h-96 overflow-auto rounded bg-slate-50 p-3 font-mono text-xs text-slate-900 focus:outline-none focus-visible:ring-2 " +
        "focus-visible:ring-slate-500"
      }
    >
      {value === null || value === undefined ? "(empty)" : typeof value === "string" ? value : JSON.stringify(value, null, 2)}
    </pre>
  );
}

function LogLink({ log, children }: { log: Pick<CallbackLogItem, "id">; children: ReactNode }) {
  return (
    <Link href={`/portal/callbacks/${log.id}`} className="underline underline-offset-2">
      {children}
    </Link>
  );
}

function Summary({ log }: { log: CallbackLogDetailJson }) {
  return (
    <Section id="summary-heading" title="Summary">
      <Facts
        rows={[
          [
            "Received",
            <time key="t" dateTime={log.receivedAt}>
              {formatTime(log.receivedAt)}
            </time>,
          ],
          ["Endpoint", <span key="e" className="font-mono">{`${log.method} ${log.endpoint}`}</span>],
          ["Activity", log.activity ?? "—"],
          ["Generation", log.generation],
          [
            "Result",
            <span key="r" className="inline-flex flex-wrap items-center gap-2">
              <ResultCodeBadge code={log.resultCode} />
              {log.resultMsg ?? ""}
            </span>,
          ],
          ["Verification", <VerificationBadge key="v" outcome={log.verification} />],
          ["Latency", `${log.latencyMs} ms`],
          ["Test call", log.isTest ? "yes (testFlag)" : "no"],
        ]}
      />
    </Section>
  );
}

function RetryWindowNote({ log }: { log: CallbackLogDetailJson }) {
  const w = log.retryWindow;
  if (!w) return null;
  const cadence = w.everyMinutes ? `, every ${w.everyMinutes} min,` : "";
  let text: string;
  if (w.isSettled)
    text = `KooGallery re-sends this call for ${w.windowHours} h${cadence} from its first attempt, but the request has since succeeded: nothing is pending.`;
  else if (w.isOpen)
    text =
      `KooGallery keeps re-sending this call${cadence} until ${formatTime(w.closesAt)}: ${formatDuration(w.remainingSeconds * 1000)} left ` +
      `(${w.windowHours} h from its first attempt at ${formatTime(w.firstAttemptAt)}). After that ${w.afterWindow}.`;
  else text = `KooGallery's ${w.windowHours} h window closed at ${formatTime(w.closesAt)}: ${w.afterWindow}.`;
  const tone = w.isSettled
    ? "border-emerald-200 bg-emerald-50 text-emerald-900"
    : w.isOpen && w.isPurchase
      ? "border-amber-200 bg-amber-50 text-amber-900"
      : "border-slate-200 bg-slate-50 text-slate-800";
  return (
    <section aria-labelledby="window-heading" className={`rounded-lg border p-4 text-sm ${tone}`}>
      <h2 id="window-heading" className="text-lg font-semibold">
        KooGallery&apos;s retry window{w.isPurchase ? " (purchase)" : ""}
      </h2>
      <p className="mt-2">{text}</p>
      <p className="mt-1 text-xs">Source: {w.source}.</p>
    </section>
  );
}

function SignatureCheck({ log }: { log: CallbackLogDetailJson }) {
  const s = log.signature;
  const rows: [string, ReactNode][] = [
    ["Outcome", <VerificationBadge key="o" outcome={s.outcome} />],
    ["Scheme", s.scheme],
  ];
  if (s.keyLabel) rows.push(["Key that matched", s.keyLabel]);
  if (s.keysTried.length > 0) rows.push(["Keys tried", s.keysTried.join(", ")]);
  if (s.canonicalFormLabel) rows.push(["Payload form that matched", s.canonicalFormLabel]);
  if (s.skewSeconds !== null) rows.push(["Timestamp skew", `${s.skewSeconds} s${s.windowSeconds !== null ? ` (allowed ±${s.windowSeconds} s)` : ""}`]);
  for (const t of s.skewByTimeZone) rows.push([`Skew read as ${t.timeZone}`, `${t.skewSeconds} s`]);
  if (s.timeZone) rows.push(["timeStamp read as", s.timeZone]);
  if (s.nonce)
    rows.push([
      "Nonce",
      <span key="n" className="font-mono text-xs">
        {s.nonce}
      </span>,
    ]);
  if (s.retryOfId)
    rows.push([
      "Re-run of",
      <LogLink key="r" log={{ id: s.retryOfId }}>
        the original call
      </LogLink>,
    ]);
  if (s.retryActor) rows.push(["Re-run by", s.retryActor]);
  if (s.isReapply) rows.push(["Re-applied because", s.reapplyReason ?? "(the reason is shown to merchant staff)"]);
  return (
    <Section id="signature-heading" title="Signature check">
      <p className="mb-3">{s.summary}</p>
      {s.failure ? <p className="mb-3 rounded bg-red-50 px-3 py-2 text-red-900">{s.failure}</p> : null}
      <Facts rows={rows} />
    </Section>
  );
}

function Handler({ log }: { log: CallbackLogDetailJson }) {
  const h = log.handler;
  const filterLink = (id: string) => `/portal/callbacks?q=${encodeURIComponent(id)}`;
  const rows: [string, ReactNode][] = [["Note", h.note ?? "—"]];
  if (h.instance) {
    rows.push([
      "Instance",
      <span key="i" className="inline-flex flex-wrap items-center gap-2">
        <Link href={filterLink(h.instance.id)} className="font-mono underline">
          {h.instance.id}
        </Link>
        {h.instance.state ? (
          <Badge tone={stateTone(h.instance.state)}>{h.instance.state.toLowerCase()}</Badge>
        ) : (
          <span className="text-slate-700">{h.instance.isKnown ? "" : "(no such instance here)"}</span>
        )}
      </span>,
    ]);
  }
  if (h.order)
    rows.push([
      "Order",
      <Link key="o" href={filterLink(h.order.orderId)} className="font-mono underline">
        {h.order.orderLineId ? `${h.order.orderId} / ${h.order.orderLineId}` : h.order.orderId}
      </Link>,
    ]);
  if (h.tenant) {
    rows.push([
      "Tenant",
      h.tenant.tenantRowId ? (
        <Link key="t" href={`/portal/tenants/${h.tenant.tenantRowId}`} className="underline">
          {h.tenant.name ?? h.tenant.tenantId}
        </Link>
      ) : (
        <Link key="t" href={filterLink(h.tenant.tenantId)} className="font-mono underline">
          {h.tenant.tenantId}
        </Link>
      ),
    ]);
  }
  return (
    <Section id="handler-heading" title="What the handler did">
      <Facts rows={rows} />
      {h.instanceEvents.length + h.syncEvents.length > 0 ? (
        <>
          <h3 className="mt-4 font-semibold">Recorded changes</h3>
          <ul className="mt-1 list-disc pl-5">
            {h.instanceEvents.map((e) => (
              <li key={e.id}>
                {e.kind.toLowerCase().replace(/_/g, " ")}
                {e.toState ? ` → ${e.toState.toLowerCase()}` : ""} by {e.actor}
              </li>
            ))}
            {h.syncEvents.map((e) => (
              <li key={e.id}>
                {e.kind}
                {e.counts && typeof e.counts === "object" && !Array.isArray(e.counts)
                  ? `: ${Object.entries(e.counts)
                      .map(([k, v]) => `${k} ${String(v)}`)
                      .join(", ")}`
                  : ""}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </Section>
  );
}

function RetryChain({ log }: { log: CallbackLogDetailJson }) {
  return (
    <Section id="retries-heading" title="Retries">
      {log.original ? (
        <p className="mb-2">
          This call re-ran <LogLink log={log.original}>the call of {formatTime(log.original.receivedAt)}</LogLink> (
          <ResultCodeBadge code={log.original.resultCode} />
          ).
        </p>
      ) : null}
      {log.appliedById ? (
        <p className="mb-2">
          Already applied: <LogLink log={{ id: log.appliedById }}>a later call of the same request succeeded</LogLink>.
        </p>
      ) : null}
      {!log.appliedById && log.supersededById ? (
        <p className="mb-2">
          Superseded:{" "}
          <LogLink log={{ id: log.supersededById }}>
            a newer call for the same {protocolOfEndpointName(log.endpoint) === "kit" ? "tenant and sync" : "instance"} succeeded
          </LogLink>{" "}
          since; a re-run of this older one is skipped if it is older than what was applied.
        </p>
      ) : null}
      {log.retries.length === 0 ? (
        <p>Not re-run yet.</p>
      ) : (
        <ul className="space-y-1">
          {log.retries.map((r) => (
            <li key={r.id} className="flex flex-wrap items-center gap-2">
              <LogLink log={r}>{formatTime(r.receivedAt)}</LogLink>
              <ResultCodeBadge code={r.resultCode} />
              <span>{r.resultMsg ?? ""}</span>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

const MAX_REASON = 500;

function RetryButton({ log }: { log: CallbackLogDetailJson }) {
  const queryClient = useQueryClient();
  const reasonId = useId();
  const [reason, setReason] = useState("");
  const isSucceeded = log.resultCode === "000000";
  const retry = useMutation({
    mutationFn: () => (isSucceeded ? callbackMutations.reapplyOne(log.id, reason.trim()) : callbackMutations.retryOne(log.id)),
    // The original gains a retry; lists gain a row.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: callbackKeys.all }),
  });
  if (!log.canRetry) return <p className="text-sm text-slate-700">{log.cannotRetryReason}</p>;
  return (
    <div className="flex flex-wrap items-center gap-4">
      {isSucceeded ? (
        // A call that succeeded is not retried: applying it again is a deliberate, recorded act.
        <ConfirmAction
          label="Re-apply…"
          title="Apply this successful call again?"
          confirmLabel="Re-apply now"
          isConfirmDisabled={reason.trim() === "" || reason.trim().length > MAX_REASON}
          onOpen={() => setReason("")}
          onConfirm={async () => {
            await retry.mutateAsync();
          }}
        >
          <p>
            This call already succeeded. Its stored request is run through the handler again, as you, and logged as a new call linked to this one with your name
            and reason.
          </p>
          <p className="mt-2">A call older than what was applied since is skipped (answered 000000, nothing changed).</p>
          <label htmlFor={reasonId} className="mt-3 block font-medium text-slate-800">
            Why must it be applied again? (required)
          </label>
          <textarea
            id={reasonId}
            className="mt-1 w-full rounded border border-slate-300 p-2 text-sm"
            rows={3}
            maxLength={MAX_REASON}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
        </ConfirmAction>
      ) : (
        <ConfirmAction
          label="Retry"
          title="Re-run this callback?"
          confirmLabel="Re-run now"
          onConfirm={async () => {
            await retry.mutateAsync();
          }}
        >
          <p>The stored request is run through the same handler again, as you. It is logged as a new call linked to this one.</p>
          {log.appliedById ? (
            <p className="mt-2 font-medium">This request has already succeeded; a re-run is harmless (handlers are idempotent) but changes nothing.</p>
          ) : null}
        </ConfirmAction>
      )}
      {retry.data ? (
        <p role="status" className="inline-flex flex-wrap items-center gap-2 text-sm">
          Re-run answered <ResultCodeBadge code={retry.data.resultCode} /> {retry.data.resultMsg ?? ""}
          {retry.data.logId ? <LogLink log={{ id: retry.data.logId }}>Open the new log</LogLink> : null}
        </p>
      ) : null}
    </div>
  );
}

export function CallbackLogDetailView({ logId, canOperate }: { logId: string; canOperate: boolean }) {
  const query = useQuery(callbackQueries.detail(logId));
  if (query.isPending) return <p aria-live="polite">Loading…</p>;
  if (query.isError)
    return (
      <p role="alert" className="rounded bg-red-50 px-3 py-2 text-sm text-red-800">
        {query.error.message}
      </p>
    );
  const log = query.data;
  return (
    <div className="space-y-6">
      {canOperate ? <RetryButton log={log} /> : null}
      <RetryWindowNote log={log} />
      <div className="grid gap-6 lg:grid-cols-2">
        <Summary log={log} />
        <SignatureCheck log={log} />
      </div>
      <Section id="request-heading" title="Request">
        <Json label="Request, masked" value={log.request} />
      </Section>
      <Section id="response-heading" title="Response">
        <Json label="Response, masked" value={log.response} />
      </Section>
      <div className="grid gap-6 lg:grid-cols-2">
        <Handler log={log} />
        <RetryChain log={log} />
      </div>
    </div>
  );
}
