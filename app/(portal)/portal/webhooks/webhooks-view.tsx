"use client";
// The endpoints: each with its address (query values hidden), filter, state
// and health, and for owners enable/disable, edit, rotate the secret (the old
// one keeps signing for 24 h) and delete; then the form to add one. A new
// secret is shown once, here, and never again.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useTimeFormat } from "@/components/i18n/use-time-format";
import { eventKeys, eventMutations, eventQueries, type EndpointItem } from "@/components/portal/event-queries";
import { EndpointHealthTable, EndpointState } from "@/components/portal/events/endpoint-health";
import { QueryState } from "@/components/portal/query-state";
import { Badge } from "@/components/ui/badge";
import { buttonClass, inputClass, secondaryButtonClass } from "@/components/ui/card";
import { ConfirmAction } from "@/components/ui/confirm-action";
import { Field } from "@/components/ui/field";
import { MERCHANT_EVENT_TYPES } from "@/lib/events/event-types";

const card = "rounded-lg border border-slate-200 bg-white p-4";

function SecretShownOnce({ secret, onDone }: { secret: string; onDone: () => void }) {
  const t = useTranslations("events.endpoints");
  return (
    <div role="status" className="mt-2 rounded border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950">
      <p className="font-medium">{t("secretOnce")}</p>
      <code className="mt-1 block break-all rounded bg-white px-2 py-1 font-mono text-xs" aria-label={t("secretLabel")}>
        {secret}
      </code>
      <button type="button" className={`${secondaryButtonClass} mt-2`} onClick={onDone}>
        {t("secretStored")}
      </button>
    </div>
  );
}

type FormValue = { name: string; url: string; eventTypes: string[] };

function EndpointForm({
  initial,
  submitLabel,
  onSubmit,
  lockAddress,
}: {
  initial: FormValue;
  submitLabel: string;
  onSubmit: (v: FormValue) => Promise<unknown>;
  lockAddress?: boolean;
}) {
  const t = useTranslations("events.endpoints");
  const [value, setValue] = useState(initial);
  const [error, setError] = useState<string>();
  const [isBusy, setIsBusy] = useState(false);
  const idBase = submitLabel.replace(/\W+/g, "-").toLowerCase();
  const toggleType = (t: string, on: boolean) => setValue((v) => ({ ...v, eventTypes: on ? [...v.eventTypes, t] : v.eventTypes.filter((x) => x !== t) }));
  return (
    <form
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        setIsBusy(true);
        setError(undefined);
        onSubmit(value)
          .catch((err: unknown) => setError(err instanceof Error ? err.message : t("couldNotSave")))
          .finally(() => setIsBusy(false));
      }}
    >
      {lockAddress ? null : (
        <div className="grid gap-3 sm:grid-cols-2">
          <Field id={`${idBase}-name`} label={t("name")}>
            <input
              id={`${idBase}-name`}
              required
              maxLength={100}
              value={value.name}
              onChange={(e) => setValue({ ...value, name: e.target.value })}
              className={inputClass}
            />
          </Field>
          <Field id={`${idBase}-url`} label={t("url")}>
            <input
              id={`${idBase}-url`}
              type="url"
              required
              maxLength={2000}
              placeholder={t("urlPlaceholder")}
              value={value.url}
              onChange={(e) => setValue({ ...value, url: e.target.value })}
              className={inputClass}
            />
          </Field>
        </div>
      )}
      <fieldset>
        <legend className="text-sm font-medium">{t("types")}</legend>
        <div className="mt-1 grid gap-1 text-sm sm:grid-cols-3">
          {MERCHANT_EVENT_TYPES.map((t) => (
            <label key={t} className="flex items-center gap-2 font-mono text-xs">
              <input type="checkbox" checked={value.eventTypes.includes(t)} onChange={(e) => toggleType(t, e.target.checked)} /> {t}
            </label>
          ))}
        </div>
      </fieldset>
      {error ? (
        <p role="alert" className="rounded bg-red-50 px-3 py-2 text-sm text-red-800">
          {error}
        </p>
      ) : null}
      <button type="submit" className={buttonClass} disabled={isBusy}>
        {isBusy ? t("saving") : submitLabel}
      </button>
    </form>
  );
}

function EndpointRow({ endpoint, canConfigure }: { endpoint: EndpointItem; canConfigure: boolean }) {
  const t = useTranslations("events.endpoints");
  const { time } = useTimeFormat();
  const queryClient = useQueryClient();
  const invalidate = () => queryClient.invalidateQueries({ queryKey: eventKeys.endpoints });
  const [isEditing, setIsEditing] = useState(false);
  const [secret, setSecret] = useState<string>();
  const toggle = useMutation({ mutationFn: () => eventMutations.updateEndpoint(endpoint.id, { isEnabled: !endpoint.isEnabled }), onSuccess: invalidate });
  return (
    <li className="py-3">
      <div className="flex flex-wrap items-center gap-2">
        <span className="font-medium">{endpoint.name}</span>
        <EndpointState endpoint={endpoint} />
        {endpoint.isFromEnv ? <Badge>{t("fromEnv")}</Badge> : null}
        {endpoint.previousSecretUntil ? <Badge tone="info">{t("oldSecretUntil", { time: time(endpoint.previousSecretUntil) })}</Badge> : null}
      </div>
      <div className="mt-1 break-all font-mono text-xs text-slate-700">{endpoint.url}</div>
      <div className="text-xs text-slate-600">{endpoint.eventTypes.length === 0 ? t("everyType") : endpoint.eventTypes.join(", ")}</div>
      {endpoint.disabledReason ? <div className="text-xs text-red-800">{t("disabledBecause", { reason: endpoint.disabledReason })}</div> : null}
      {canConfigure ? (
        <div className="mt-2 flex flex-wrap gap-2">
          <button type="button" className={secondaryButtonClass} onClick={() => toggle.mutate()} disabled={toggle.isPending}>
            {endpoint.isEnabled ? t("disable") : t("enable")}
          </button>
          <button type="button" className={secondaryButtonClass} onClick={() => setIsEditing(!isEditing)}>
            {t("edit")}
          </button>
          {endpoint.isFromEnv ? null : (
            <>
              <ConfirmAction
                label={t("rotate")}
                title={t("rotateTitle", { name: endpoint.name })}
                confirmLabel={t("rotateConfirm")}
                onConfirm={async () => {
                  setSecret((await eventMutations.rotateSecret(endpoint.id)).shownOnce.secret);
                  await invalidate();
                }}
              >
                {t("rotateExplain")}
              </ConfirmAction>
              <ConfirmAction
                label={t("delete")}
                title={t("deleteTitle", { name: endpoint.name })}
                confirmLabel={t("delete")}
                onConfirm={async () => {
                  await eventMutations.deleteEndpoint(endpoint.id);
                  await invalidate();
                  await queryClient.invalidateQueries({ queryKey: eventKeys.all });
                }}
              >
                {t("deleteExplain")}
              </ConfirmAction>
            </>
          )}
        </div>
      ) : null}
      {toggle.isError ? (
        <p role="alert" className="mt-2 text-sm text-red-800">
          {toggle.error.message}
        </p>
      ) : null}
      {secret ? <SecretShownOnce secret={secret} onDone={() => setSecret(undefined)} /> : null}
      {isEditing ? (
        <div className="mt-3 rounded border border-slate-200 p-3">
          <EndpointForm
            initial={{ name: endpoint.name, url: "", eventTypes: endpoint.eventTypes }}
            submitLabel={t("save")}
            lockAddress={endpoint.isFromEnv}
            onSubmit={async (v) => {
              // A blank URL keeps the stored one (its query values are never sent back to the page).
              await eventMutations.updateEndpoint(endpoint.id, {
                eventTypes: v.eventTypes,
                ...(endpoint.isFromEnv ? {} : { name: v.name, ...(v.url.trim() ? { url: v.url.trim() } : {}) }),
              });
              setIsEditing(false);
              await invalidate();
            }}
          />
          {endpoint.isFromEnv ? null : <p className="mt-1 text-xs text-slate-600">{t("keepUrl")}</p>}
        </div>
      ) : null}
    </li>
  );
}

function AddEndpoint() {
  const t = useTranslations("events.endpoints");
  const queryClient = useQueryClient();
  const [secret, setSecret] = useState<string>();
  const [formKey, setFormKey] = useState(0);
  return (
    <section aria-labelledby="add-endpoint" className={card}>
      <h2 id="add-endpoint" className="font-semibold">
        {t("addHeading")}
      </h2>
      <p className="mt-1 text-sm text-slate-700">{t("addExplain")}</p>
      <div className="mt-3">
        <EndpointForm
          key={formKey}
          initial={{ name: "", url: "", eventTypes: [] }}
          submitLabel={t("add")}
          onSubmit={async (v) => {
            const created = await eventMutations.createEndpoint(v);
            setSecret(created.shownOnce.secret);
            setFormKey((k) => k + 1);
            await queryClient.invalidateQueries({ queryKey: eventKeys.endpoints });
          }}
        />
      </div>
      {secret ? <SecretShownOnce secret={secret} onDone={() => setSecret(undefined)} /> : null}
    </section>
  );
}

export function WebhooksView({ canConfigure }: { canConfigure: boolean }) {
  const t = useTranslations("events.endpoints");
  const query = useQuery(eventQueries.endpoints());
  const items = query.data?.items ?? [];
  return (
    <div className="space-y-6">
      <EndpointHealthTable />
      <section aria-labelledby="endpoints" className={card}>
        <h2 id="endpoints" className="font-semibold">
          {t("heading")}
        </h2>
        <QueryState query={query} isEmpty={items.length === 0} empty={t("empty")}>
          <ul className="divide-y divide-slate-100">
            {items.map((e) => (
              <EndpointRow key={e.id} endpoint={e} canConfigure={canConfigure} />
            ))}
          </ul>
        </QueryState>
      </section>
      {canConfigure ? <AddEndpoint /> : <p className="text-sm text-slate-600">{t("ownersOnly")}</p>}
    </div>
  );
}
