"use client";
// The channels: each with its secret-free summary, its last message, and for
// owners enable/disable, "Send test" (sent now, the answer shown), edit and
// delete; then the form to add one. A generated webhook secret is shown once.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { ChannelForm, type ChannelFormValue, type Kind } from "./channel-form";
import { useTimeFormat } from "@/components/i18n/use-time-format";
import { alertQueries, type ChannelItem } from "@/components/portal/alert-queries";
import { sendJson } from "@/components/portal/queries";
import { QueryState } from "@/components/portal/query-state";
import { Badge } from "@/components/ui/badge";
import { secondaryButtonClass } from "@/components/ui/card";
import { ConfirmAction } from "@/components/ui/confirm-action";
import type { CreatedChannel, TestResult } from "@/lib/alerts/manage-alerts";

const card = "rounded-lg border border-slate-200 bg-white p-4";
const channelUrl = (id: string) => `/api/portal/alerts/channels/${encodeURIComponent(id)}`;

function ChannelRow({ channel, canConfigure }: { channel: ChannelItem; canConfigure: boolean }) {
  const t = useTranslations("alerts.channels");
  const { time } = useTimeFormat();
  const queryClient = useQueryClient();
  const invalidate = () => queryClient.invalidateQueries({ queryKey: alertQueries.channels().queryKey });
  const [isEditing, setIsEditing] = useState(false);
  const [test, setTest] = useState<TestResult>();
  const toggle = useMutation({ mutationFn: () => sendJson(channelUrl(channel.id), "PATCH", { isEnabled: !channel.isEnabled }), onSuccess: invalidate });
  const sendTest = useMutation({
    mutationFn: () => sendJson<TestResult>(`${channelUrl(channel.id)}/test`, "POST", {}),
    onMutate: () => setTest(undefined),
    onSuccess: (r) => setTest(r),
  });

  return (
    <li className="py-3">
      <div className="flex flex-wrap items-center gap-2">
        <span className="font-medium">{channel.name}</span>
        <Badge>{t(`kinds.${channel.kind}`)}</Badge>
        {channel.isEnabled ? <Badge tone="good">{t("enabled")}</Badge> : <Badge tone="warn">{t("disabled")}</Badge>}
        {channel.isFromEnv ? <Badge>{t("fromEnv")}</Badge> : null}
      </div>
      <div className="mt-1 text-sm text-slate-700">
        {channel.details
          ? t(`summary.${channel.kind}`, {
              host: channel.details.host,
              signed: String(Boolean(channel.details.isSigned)),
              msgtype: channel.details.msgtype ?? "",
              from: channel.details.from ?? "",
              to: (channel.details.to ?? []).join(", "),
            })
          : t("summary.unreadable")}
      </div>
      {channel.lastMessage ? (
        <div className="text-xs text-slate-600">
          {t("lastMessage", { status: channel.lastMessage.status, time: time(channel.lastMessage.at) })}
          {channel.lastMessage.error ? <span className="text-red-800">{t("lastError", { error: channel.lastMessage.error })}</span> : null}
        </div>
      ) : null}
      {canConfigure ? (
        <div className="mt-2 flex flex-wrap gap-2">
          <button type="button" className={secondaryButtonClass} onClick={() => sendTest.mutate()} disabled={sendTest.isPending}>
            {sendTest.isPending ? t("sending") : t("sendTest")}
          </button>
          <button type="button" className={secondaryButtonClass} onClick={() => toggle.mutate()} disabled={toggle.isPending}>
            {channel.isEnabled ? t("disable") : t("enable")}
          </button>
          {channel.isFromEnv ? null : (
            <>
              <button type="button" className={secondaryButtonClass} onClick={() => setIsEditing(!isEditing)}>
                {t("edit")}
              </button>
              <ConfirmAction
                label={t("delete")}
                title={t("deleteTitle", { name: channel.name })}
                confirmLabel={t("delete")}
                onConfirm={async () => {
                  await sendJson(channelUrl(channel.id), "DELETE");
                  await invalidate();
                }}
              >
                {t("deleteExplain")}
              </ConfirmAction>
            </>
          )}
        </div>
      ) : null}
      <div aria-live="polite">
        {test ? (
          test.isOk ? (
            <p className="mt-2 rounded bg-green-50 px-3 py-2 text-sm text-green-900">{t("testOk", { ms: test.durationMs })}</p>
          ) : (
            <p role="alert" className="mt-2 rounded bg-red-50 px-3 py-2 text-sm text-red-800">
              {t("testFailed", { error: test.error ?? "" })}
            </p>
          )
        ) : null}
        {sendTest.isError || toggle.isError ? (
          <p role="alert" className="mt-2 rounded bg-red-50 px-3 py-2 text-sm text-red-800">
            {(sendTest.error ?? toggle.error)?.message}
          </p>
        ) : null}
      </div>
      {isEditing ? (
        <div className="mt-3 rounded border border-slate-200 p-3">
          <ChannelForm
            isEdit
            initial={{ name: channel.name, kind: channel.kind }}
            onCancel={() => setIsEditing(false)}
            onSubmit={async (v: ChannelFormValue) => {
              await sendJson(channelUrl(channel.id), "PATCH", { name: v.name, config: v.config });
              setIsEditing(false);
              await invalidate();
            }}
          />
        </div>
      ) : null}
    </li>
  );
}

export function ChannelsView({ canConfigure }: { canConfigure: boolean }) {
  const t = useTranslations("alerts.channels");
  const queryClient = useQueryClient();
  const query = useQuery(alertQueries.channels());
  const [shownOnce, setShownOnce] = useState<string>();
  const items = query.data?.items ?? [];
  return (
    <div className="space-y-6">
      <section aria-labelledby="channels-heading" className={card}>
        <h2 id="channels-heading" className="text-lg font-semibold">
          {t("heading")}
        </h2>
        <p className="mt-1 text-sm text-slate-700">{t("explain")}</p>
        <QueryState query={query} isEmpty={items.length === 0} empty={t("empty")}>
          <ul className="mt-2 divide-y divide-slate-100">
            {items.map((c) => (
              <ChannelRow key={c.id} channel={c} canConfigure={canConfigure} />
            ))}
          </ul>
        </QueryState>
      </section>
      {canConfigure ? (
        <section aria-labelledby="add-heading" className={card}>
          <h2 id="add-heading" className="text-lg font-semibold">
            {t("addHeading")}
          </h2>
          {shownOnce ? (
            <div role="status" className="mt-2 rounded bg-amber-50 px-3 py-2 text-sm text-amber-900">
              {t("secretOnce")} <code className="break-all font-mono text-xs">{shownOnce}</code>
            </div>
          ) : null}
          <div className="mt-3">
            <ChannelForm
              isEdit={false}
              initial={{ name: "", kind: "EMAIL" as Kind }}
              onSubmit={async (v) => {
                const created = await sendJson<CreatedChannel>("/api/portal/alerts/channels", "POST", v);
                setShownOnce(created.shownOnce?.secret);
                await queryClient.invalidateQueries({ queryKey: alertQueries.channels().queryKey });
              }}
            />
          </div>
        </section>
      ) : (
        <p className="text-sm text-slate-700">{t("ownersOnly")}</p>
      )}
    </div>
  );
}
