"use client";
// The endpoints: each with its address (query values hidden), filter, state
// and health, and for owners enable/disable, edit, rotate the secret (the old
// one keeps signing for 24 h) and delete; then the form to add one. A new
// secret is shown once, here, and never again.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { eventKeys, eventMutations, eventQueries, type EndpointItem } from "@/components/portal/event-queries";
import { EndpointHealthTable, EndpointState } from "@/components/portal/events/endpoint-health";
import { formatTime } from "@/components/portal/format";
import { QueryState } from "@/components/portal/query-state";
import { Badge } from "@/components/ui/badge";
import { buttonClass, inputClass, secondaryButtonClass } from "@/components/ui/card";
import { ConfirmAction } from "@/components/ui/confirm-action";
import { Field } from "@/components/ui/field";
import { MERCHANT_EVENT_TYPES } from "@/lib/events/event-types";

const card = "rounded-lg border border-slate-200 bg-white p-4";

function SecretShownOnce({ secret, onDone }: { secret: string; onDone: () => void }) {
  return (
    <div role="status" className="mt-2 rounded border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950">
      <p className="font-medium">The signing secret, shown this once: copy it to your receiver now.</p>
      <code className="mt-1 block break-all rounded bg-white px-2 py-1 font-mono text-xs" aria-label="Signing secret">
        {secret}
      </code>
      <button type="button" className={`${secondaryButtonClass} mt-2`} onClick={onDone}>
        I have stored it
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
          .catch((err: unknown) => setError(err instanceof Error ? err.message : "Could not save."))
          .finally(() => setIsBusy(false));
      }}
    >
      {lockAddress ? null : (
        <div className="grid gap-3 sm:grid-cols-2">
          <Field id={`${idBase}-name`} label="Name">
            <input
              id={`${idBase}-name`}
              required
              maxLength={100}
              value={value.name}
              onChange={(e) => setValue({ ...value, name: e.target.value })}
              className={inputClass}
            />
          </Field>
          <Field id={`${idBase}-url`} label="URL">
            <input
              id={`${idBase}-url`}
              type="url"
              required
              maxLength={2000}
              placeholder="https://app.example.com/koogallery/events"
              value={value.url}
              onChange={(e) => setValue({ ...value, url: e.target.value })}
              className={inputClass}
            />
          </Field>
        </div>
      )}
      <fieldset>
        <legend className="text-sm font-medium">Event types (none ticked: every type, including ones added later)</legend>
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
        {isBusy ? "Saving…" : submitLabel}
      </button>
    </form>
  );
}

function EndpointRow({ endpoint, canConfigure }: { endpoint: EndpointItem; canConfigure: boolean }) {
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
        {endpoint.isFromEnv ? <Badge>MERCHANT_WEBHOOK_URL</Badge> : null}
        {endpoint.previousSecretUntil ? <Badge tone="info">old secret valid until {formatTime(endpoint.previousSecretUntil)}</Badge> : null}
      </div>
      <div className="mt-1 break-all font-mono text-xs text-slate-700">{endpoint.url}</div>
      <div className="text-xs text-slate-600">{endpoint.eventTypes.length === 0 ? "Every event type" : endpoint.eventTypes.join(", ")}</div>
      {endpoint.disabledReason ? <div className="text-xs text-red-800">Disabled: {endpoint.disabledReason}</div> : null}
      {canConfigure ? (
        <div className="mt-2 flex flex-wrap gap-2">
          <button type="button" className={secondaryButtonClass} onClick={() => toggle.mutate()} disabled={toggle.isPending}>
            {endpoint.isEnabled ? "Disable" : "Enable"}
          </button>
          <button type="button" className={secondaryButtonClass} onClick={() => setIsEditing(!isEditing)}>
            Edit
          </button>
          {endpoint.isFromEnv ? null : (
            <>
              <ConfirmAction
                label="Rotate secret"
                title={`Rotate the secret of "${endpoint.name}"?`}
                confirmLabel="Rotate"
                onConfirm={async () => {
                  setSecret((await eventMutations.rotateSecret(endpoint.id)).shownOnce.secret);
                  await invalidate();
                }}
              >
                A new secret is made and shown once. For 24 hours every event is signed with both the old and the new secret, so your receiver keeps verifying
                while you switch it over.
              </ConfirmAction>
              <ConfirmAction
                label="Delete"
                title={`Delete the endpoint "${endpoint.name}"?`}
                confirmLabel="Delete"
                onConfirm={async () => {
                  await eventMutations.deleteEndpoint(endpoint.id);
                  await invalidate();
                  await queryClient.invalidateQueries({ queryKey: eventKeys.all });
                }}
              >
                Events stop going there, and its deliveries and their attempts are deleted with it. Disabling keeps them (and queues new events until it is
                enabled again).
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
            submitLabel="Save endpoint"
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
          {endpoint.isFromEnv ? null : <p className="mt-1 text-xs text-slate-600">Leave the URL blank to keep the current one.</p>}
        </div>
      ) : null}
    </li>
  );
}

function AddEndpoint() {
  const queryClient = useQueryClient();
  const [secret, setSecret] = useState<string>();
  const [formKey, setFormKey] = useState(0);
  return (
    <section aria-labelledby="add-endpoint" className={card}>
      <h2 id="add-endpoint" className="font-semibold">
        Add an endpoint
      </h2>
      <p className="mt-1 text-sm text-slate-700">
        Events are POSTed there as JSON, signed the Standard Webhooks way (headers webhook-id, webhook-timestamp, webhook-signature); any 2xx answer is a
        success.
      </p>
      <div className="mt-3">
        <EndpointForm
          key={formKey}
          initial={{ name: "", url: "", eventTypes: [] }}
          submitLabel="Add endpoint"
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
  const query = useQuery(eventQueries.endpoints());
  const items = query.data?.items ?? [];
  return (
    <div className="space-y-6">
      <EndpointHealthTable />
      <section aria-labelledby="endpoints" className={card}>
        <h2 id="endpoints" className="font-semibold">
          Endpoints
        </h2>
        <QueryState query={query} isEmpty={items.length === 0} empty="No endpoint yet.">
          <ul className="divide-y divide-slate-100">
            {items.map((e) => (
              <EndpointRow key={e.id} endpoint={e} canConfigure={canConfigure} />
            ))}
          </ul>
        </QueryState>
      </section>
      {canConfigure ? <AddEndpoint /> : <p className="text-sm text-slate-600">Owners add and change endpoints.</p>}
    </div>
  );
}
