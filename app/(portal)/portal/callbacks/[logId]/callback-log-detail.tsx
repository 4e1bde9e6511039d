"use client";
// One logged call: summary, KooGallery's retry window, the signature check,
// the masked request and response, what the handler did, the retry chain, and
// for operators a "Retry" of a failed call that re-runs the stored call and
// links the new log, or a "Re-apply…" of a call that succeeded, which asks why.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useFormatter, useTranslations } from "next-intl";
import { useId, useState, type ReactNode } from "react";
import { Badge, stateTone } from "@/components/ui/badge";
import { ConfirmAction } from "@/components/ui/confirm-action";
import { callbackKeys, callbackMutations, callbackQueries, type CallbackLogDetailJson, type CallbackLogItem } from "@/components/portal/callback-queries";
import { ResultCodeBadge, useResultMeaning, useVerificationLabel, VerificationBadge } from "@/components/portal/callbacks/callback-badges";
import { useTimeFormat } from "@/components/i18n/use-time-format";
import { endpointEntryNamed, protocolOfEndpointName } from "@/lib/callbacks/endpoint-catalog";

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
  const t = useTranslations("callbacks.detail");
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
      {value === null || value === undefined ? t("empty") : typeof value === "string" ? value : JSON.stringify(value, null, 2)}
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
  const t = useTranslations("callbacks.detail");
  const { time, relative } = useTimeFormat();
  const meaning = useResultMeaning();
  const rows: [string, ReactNode][] = [
    [
      t("received"),
      <time key="t" dateTime={log.receivedAt} title={relative(log.receivedAt)}>
        {time(log.receivedAt)}
      </time>,
    ],
    [
      t("endpoint"),
      <span key="e" className="font-mono">
        {log.method} {log.endpoint}
      </span>,
    ],
    [t("activity"), log.activity ?? t("none")],
    [t("generation"), log.generation],
    [
      t("result"),
      <span key="r" className="inline-flex flex-wrap items-center gap-2">
        <ResultCodeBadge code={log.resultCode} />
        {meaning(log.resultCode)}
      </span>,
    ],
  ];
  // What KooGallery was sent, as sent (protocol text, not translated).
  if (log.resultMsg)
    rows.push([
      t("resultMsgSent"),
      <span key="m" className="font-mono text-xs">
        {log.resultMsg}
      </span>,
    ]);
  rows.push(
    [t("verification"), <VerificationBadge key="v" outcome={log.verification} />],
    [t("latency"), t("ms", { ms: log.latencyMs })],
    [t("testCall"), log.isTest ? t("testYes") : t("testNo")],
  );
  return (
    <Section id="summary-heading" title={t("summary")}>
      <Facts rows={rows} />
    </Section>
  );
}

/** "2 h 5 min", "12 min", "< 1 min", "3 d 4 h", in the viewer's language. */
function useDuration(): (seconds: number) => string {
  const t = useTranslations("callbacks.detail.duration");
  return (seconds) => {
    const minutes = Math.floor(seconds / 60);
    if (minutes < 1) return t("underMinute");
    const hours = Math.floor(minutes / 60);
    if (hours === 0) return t("minutes", { minutes });
    if (hours < 48) return t("hours", { hours, minutes: minutes % 60 });
    return t("days", { days: Math.floor(hours / 24), hours: hours % 24 });
  };
}

type AfterWindow = "refunded" | "upgradeRefunded" | "renewalNotResent" | "notResent";
type WindowSource = "newInstance" | "upgrade" | "refreshInstance" | "expireInstance" | "releaseInstance";

/** Per activity with a documented window (lib/koogallery/retry-windows.ts): what follows it, and KooGallery's page that says so. */
const WINDOW_TEXTS: Record<string, { after: AfterWindow; source: WindowSource }> = {
  newInstance: { after: "refunded", source: "newInstance" },
  upgradeInstance: { after: "upgradeRefunded", source: "upgrade" },
  upgrade: { after: "upgradeRefunded", source: "upgrade" },
  refreshInstance: { after: "renewalNotResent", source: "refreshInstance" },
  expireInstance: { after: "notResent", source: "expireInstance" },
  releaseInstance: { after: "notResent", source: "releaseInstance" },
};

function RetryWindowNote({ log }: { log: CallbackLogDetailJson }) {
  const t = useTranslations("callbacks.detail.window");
  const { time } = useTimeFormat();
  const duration = useDuration();
  const w = log.retryWindow;
  if (!w) return null;
  const texts = log.activity && Object.hasOwn(WINDOW_TEXTS, log.activity) ? WINDOW_TEXTS[log.activity] : undefined;
  // An activity the table above does not know yet: the server's English words.
  const after = texts ? t(`after.${texts.after}`) : w.afterWindow;
  const source = texts ? t(`sources.${texts.source}`) : w.source;
  const every = w.everyMinutes ?? 0;
  const text = w.isSettled
    ? t("settled", { hours: w.windowHours, every })
    : w.isOpen
      ? t("open", {
          every,
          closesAt: time(w.closesAt),
          left: duration(w.remainingSeconds),
          hours: w.windowHours,
          firstAttemptAt: time(w.firstAttemptAt),
          after,
        })
      : t("closed", { hours: w.windowHours, closesAt: time(w.closesAt), after });
  const tone = w.isSettled
    ? "border-emerald-200 bg-emerald-50 text-emerald-900"
    : w.isOpen && w.isPurchase
      ? "border-amber-200 bg-amber-50 text-amber-900"
      : "border-slate-200 bg-slate-50 text-slate-800";
  return (
    <section aria-labelledby="window-heading" className={`rounded-lg border p-4 text-sm ${tone}`}>
      <h2 id="window-heading" className="text-lg font-semibold">
        {w.isPurchase ? t("headingPurchase") : t("heading")}
      </h2>
      <p className="mt-2">{text}</p>
      <p className="mt-1 text-xs">{t("source", { source })}</p>
    </section>
  );
}

const KEY_NAMES = ["basic", "kit", "licenseCode"] as const;
const FORM_NAMES = ["top-sorted", "raw", "deep-sorted", "top-sorted-java-numbers", "form", "spaces-as-plus", "literal-plus"] as const;

function isOneOf<T extends string>(names: readonly T[], value: string | null): value is T {
  return value !== null && (names as readonly string[]).includes(value);
}

/** The signature check in the viewer's language, from the check's fields (the server's summary is English). */
function useSignatureTexts(): (
  s: CallbackLogDetailJson["signature"],
  log: CallbackLogDetailJson,
) => { summary: string; failure: string | null; scheme: string } {
  const t = useTranslations("callbacks.detail.signature");
  const format = useFormatter();
  const keyLabel = (name: string | null) => (isOneOf(KEY_NAMES, name) ? t(`keys.${name}`) : name);
  return (s, log) => {
    const isKit = protocolOfEndpointName(log.endpoint) === "kit";
    const isV2 = log.generation === "V2";
    const scheme = t(`schemes.${isKit ? (isV2 ? "kitV2" : "kitV1") : isV2 ? "saasV2" : "saasV1"}`);
    const key = keyLabel(s.keyName) ?? t("aConfiguredKey");
    const window = s.windowSeconds !== null ? String(s.windowSeconds) : "?";
    switch (s.outcome) {
      case "OK":
        return { scheme, summary: t("summaries.OK", { key }), failure: null };
      case "RETRY":
        return { scheme, summary: s.isReapply ? t("summaries.REAPPLY") : t("summaries.RETRY"), failure: null };
      case "MISSING_CREDENTIALS":
        return {
          scheme,
          summary: t("summaries.MISSING_CREDENTIALS"),
          failure: s.missing.length > 0 ? t("failures.missingNamed", { missing: format.list(s.missing) }) : t("failures.missingOther"),
        };
      case "BAD_TIMESTAMP":
        return {
          scheme,
          summary: t("summaries.BAD_TIMESTAMP"),
          failure:
            s.skewByTimeZone.length > 0
              ? t("failures.timestampReadings", { window })
              : s.skewSeconds === null
                ? t("failures.timestampUnreadable")
                : s.skewSeconds >= 0
                  ? t("failures.timestampOld", { seconds: s.skewSeconds, window })
                  : t("failures.timestampFuture", { seconds: -s.skewSeconds, window }),
        };
      case "BAD_SIGNATURE": {
        const tried = s.keysTried.map((k) => keyLabel(k) ?? k);
        return {
          scheme,
          summary: t("summaries.BAD_SIGNATURE"),
          failure: t("failures.badSignature", { tried: tried.length > 0 ? format.list(tried) : "none" }),
        };
      }
      case "REPLAYED_NONCE":
        return { scheme, summary: t("summaries.REPLAYED_NONCE", { key }), failure: t("failures.replayed", { nonce: s.nonce ?? "?" }) };
      case "MALFORMED":
        // The failure is what the screening found, recorded with the call.
        return { scheme, summary: t("summaries.MALFORMED"), failure: s.failure };
      case "TOO_LARGE":
        return { scheme, summary: t("summaries.TOO_LARGE"), failure: t("failures.tooLarge") };
      case "COUNTED":
        return { scheme, summary: t("summaries.COUNTED"), failure: t("failures.counted") };
      default:
        return { scheme, summary: s.summary, failure: s.failure };
    }
  };
}

function SignatureCheck({ log }: { log: CallbackLogDetailJson }) {
  const t = useTranslations("callbacks.detail.signature");
  const format = useFormatter();
  const texts = useSignatureTexts();
  const s = log.signature;
  const { summary, failure, scheme } = texts(s, log);
  const keyLabel = (name: string) => (isOneOf(KEY_NAMES, name) ? t(`keys.${name}`) : name);
  const actor = (name: string) => (name === "merchant staff" ? t("merchantStaff") : name);
  const rows: [string, ReactNode][] = [
    [t("outcome"), <VerificationBadge key="o" outcome={s.outcome} />],
    [t("scheme"), scheme],
  ];
  if (s.keyName) rows.push([t("keyMatched"), keyLabel(s.keyName)]);
  if (s.keysTried.length > 0) rows.push([t("keysTried"), format.list(s.keysTried.map(keyLabel))]);
  if (s.canonicalForm) rows.push([t("formMatched"), isOneOf(FORM_NAMES, s.canonicalForm) ? t(`forms.${s.canonicalForm}`) : s.canonicalForm]);
  if (s.skewSeconds !== null)
    rows.push([
      t("skew"),
      s.windowSeconds !== null ? t("skewAllowed", { seconds: s.skewSeconds, window: s.windowSeconds }) : t("skewValue", { seconds: s.skewSeconds }),
    ]);
  for (const z of s.skewByTimeZone) rows.push([t("skewReadAs", { timeZone: z.timeZone }), t("skewValue", { seconds: z.skewSeconds })]);
  if (s.timeZone) rows.push([t("timeStampReadAs"), s.timeZone]);
  if (s.nonce)
    rows.push([
      t("nonce"),
      <span key="n" className="font-mono text-xs">
        {s.nonce}
      </span>,
    ]);
  if (s.retryOfId)
    rows.push([
      t("rerunOf"),
      <LogLink key="r" log={{ id: s.retryOfId }}>
        {t("theOriginalCall")}
      </LogLink>,
    ]);
  if (s.retryActor) rows.push([t("rerunBy"), actor(s.retryActor)]);
  if (s.isReapply) rows.push([t("reappliedBecause"), s.reapplyReason ?? t("reasonHidden")]);
  return (
    <Section id="signature-heading" title={t("heading")}>
      <p className="mb-3">{summary}</p>
      {failure ? <p className="mb-3 rounded bg-red-50 px-3 py-2 text-red-900">{failure}</p> : null}
      <Facts rows={rows} />
    </Section>
  );
}

const INSTANCE_STATES = ["PROVISIONING", "ACTIVE", "FROZEN", "RELEASED"] as const;
const EVENT_KINDS = [
  "NEW",
  "CREATED",
  "PROVISIONED",
  "PROVISION_FAILED",
  "FROZEN",
  "UNFROZEN",
  "EXPIRED",
  "RELEASED",
  "RENEWAL",
  "UPGRADE",
  "UNSUBSCRIBE",
] as const;

function Handler({ log }: { log: CallbackLogDetailJson }) {
  const t = useTranslations("callbacks.detail.handler");
  const tSignature = useTranslations("callbacks.detail.signature");
  const h = log.handler;
  const filterLink = (id: string) => `/portal/callbacks?q=${encodeURIComponent(id)}`;
  const state = (value: string) => (isOneOf(INSTANCE_STATES, value) ? t(`states.${value}`) : value.toLowerCase());
  const kind = (value: string) => (isOneOf(EVENT_KINDS, value) ? t(`kinds.${value}`) : value.toLowerCase().replace(/_/g, " "));
  const actor = (name: string) => (name === "merchant staff" ? tSignature("merchantStaff") : name);
  // The handler's note is recorded with the call, as the handler wrote it.
  const rows: [string, ReactNode][] = [[t("note"), h.note ?? "—"]];
  if (h.instance) {
    rows.push([
      t("instance"),
      <span key="i" className="inline-flex flex-wrap items-center gap-2">
        <Link href={filterLink(h.instance.id)} className="font-mono underline">
          {h.instance.id}
        </Link>
        {h.instance.state ? (
          <Badge tone={stateTone(h.instance.state)}>{state(h.instance.state)}</Badge>
        ) : (
          <span className="text-slate-700">{h.instance.isKnown ? "" : t("noSuchInstance")}</span>
        )}
      </span>,
    ]);
  }
  if (h.order)
    rows.push([
      t("order"),
      <Link key="o" href={filterLink(h.order.orderId)} className="font-mono underline">
        {h.order.orderLineId ? `${h.order.orderId} / ${h.order.orderLineId}` : h.order.orderId}
      </Link>,
    ]);
  if (h.tenant) {
    rows.push([
      t("tenant"),
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
    <Section id="handler-heading" title={t("heading")}>
      <Facts rows={rows} />
      {h.instanceEvents.length + h.syncEvents.length > 0 ? (
        <>
          <h3 className="mt-4 font-semibold">{t("changes")}</h3>
          <ul className="mt-1 list-disc pl-5">
            {h.instanceEvents.map((e) => (
              <li key={e.id}>{t("change", { kind: kind(e.kind), to: e.toState ? state(e.toState) : "none", actor: actor(e.actor) })}</li>
            ))}
            {/* A Kit sync: its name and counts are the sync's own fields. */}
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
  const t = useTranslations("callbacks.detail.retries");
  const { time } = useTimeFormat();
  const meaning = useResultMeaning();
  const original = log.original;
  return (
    <Section id="retries-heading" title={t("heading")}>
      {original ? (
        <p className="mb-2">
          {t.rich("reran", {
            time: time(original.receivedAt),
            link: (chunks) => <LogLink log={original}>{chunks}</LogLink>,
            badge: () => <ResultCodeBadge code={original.resultCode} />,
          })}
        </p>
      ) : null}
      {log.appliedById ? <p className="mb-2">{t.rich("applied", { link: (chunks) => <LogLink log={{ id: log.appliedById! }}>{chunks}</LogLink> })}</p> : null}
      {!log.appliedById && log.supersededById ? (
        <p className="mb-2">
          {t.rich(protocolOfEndpointName(log.endpoint) === "kit" ? "supersededKit" : "supersededInstance", {
            link: (chunks) => <LogLink log={{ id: log.supersededById! }}>{chunks}</LogLink>,
          })}
        </p>
      ) : null}
      {log.retries.length === 0 ? (
        <p>{t("none")}</p>
      ) : (
        <ul className="space-y-1">
          {log.retries.map((r) => (
            <li key={r.id} className="flex flex-wrap items-center gap-2">
              <LogLink log={r}>{time(r.receivedAt)}</LogLink>
              <ResultCodeBadge code={r.resultCode} />
              <span>{meaning(r.resultCode)}</span>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

const MAX_REASON = 500;

/** Why the retry button is off, from the call's verification and endpoint (the server's reason is English prose). */
function useCannotRetryReason(): (log: CallbackLogDetailJson) => string {
  const t = useTranslations("callbacks.detail.cannotRetry");
  const verificationLabel = useVerificationLabel();
  return (log) => {
    if (log.verification !== "OK" && log.verification !== "RETRY") return t("failedVerification", { outcome: verificationLabel(log.verification) });
    if (!endpointEntryNamed(log.endpoint)) return t("unsupported", { endpoint: log.endpoint });
    return t("notStored");
  };
}

function RetryButton({ log }: { log: CallbackLogDetailJson }) {
  const t = useTranslations("callbacks.detail");
  const meaning = useResultMeaning();
  const cannotRetryReason = useCannotRetryReason();
  const queryClient = useQueryClient();
  const reasonId = useId();
  const [reason, setReason] = useState("");
  const isSucceeded = log.resultCode === "000000";
  const retry = useMutation({
    mutationFn: () => (isSucceeded ? callbackMutations.reapplyOne(log.id, reason.trim()) : callbackMutations.retryOne(log.id)),
    // The original gains a retry; lists gain a row.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: callbackKeys.all }),
  });
  if (!log.canRetry) return <p className="text-sm text-slate-700">{cannotRetryReason(log)}</p>;
  return (
    <div className="flex flex-wrap items-center gap-4">
      {isSucceeded ? (
        // A call that succeeded is not retried: applying it again is a deliberate, recorded act.
        <ConfirmAction
          label={t("reapply.button")}
          title={t("reapply.title")}
          confirmLabel={t("reapply.confirm")}
          isConfirmDisabled={reason.trim() === "" || reason.trim().length > MAX_REASON}
          onOpen={() => setReason("")}
          onConfirm={async () => {
            await retry.mutateAsync();
          }}
        >
          <p>{t("reapply.explain")}</p>
          <p className="mt-2">{t("reapply.skipped")}</p>
          <label htmlFor={reasonId} className="mt-3 block font-medium text-slate-800">
            {t("reapply.reason")}
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
          label={t("retry.button")}
          title={t("retry.title")}
          confirmLabel={t("retry.confirm")}
          onConfirm={async () => {
            await retry.mutateAsync();
          }}
        >
          <p>{t("retry.explain")}</p>
          {log.appliedById ? <p className="mt-2 font-medium">{t("retry.alreadySucceeded")}</p> : null}
        </ConfirmAction>
      )}
      {retry.data ? (
        <p role="status" className="inline-flex flex-wrap items-center gap-2 text-sm">
          {t("retry.answered")} <ResultCodeBadge code={retry.data.resultCode} /> {meaning(retry.data.resultCode)}
          {retry.data.logId ? <LogLink log={{ id: retry.data.logId }}>{t("retry.openNew")}</LogLink> : null}
        </p>
      ) : null}
    </div>
  );
}

export function CallbackLogDetailView({ logId, canOperate }: { logId: string; canOperate: boolean }) {
  const t = useTranslations("callbacks.detail");
  const query = useQuery(callbackQueries.detail(logId));
  if (query.isPending) return <p aria-live="polite">{t("loading")}</p>;
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
      <Section id="request-heading" title={t("request")}>
        <Json label={t("requestLabel")} value={log.request} />
      </Section>
      <Section id="response-heading" title={t("response")}>
        <Json label={t("responseLabel")} value={log.response} />
      </Section>
      <div className="grid gap-6 lg:grid-cols-2">
        <Handler log={log} />
        <RetryChain log={log} />
      </div>
    </div>
  );
}
