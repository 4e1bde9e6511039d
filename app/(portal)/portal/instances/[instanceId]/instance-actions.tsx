"use client";
// Operator actions on one instance. Each asks first (ConfirmAction) and takes
// an optional reason that goes into the instance's history; a transition the
// instance's state does not allow is not offered (and the API refuses it too).
import { useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useId, useState } from "react";
import { ConfirmAction } from "@/components/ui/confirm-action";
import { inputClass } from "@/components/ui/card";
import { instanceKeys, runInstanceAction, type InstanceAction, type InstanceDetail } from "@/components/portal/instance-queries";

function ActionButton({
  instanceId,
  action,
  isDisabled,
  onDone,
}: {
  instanceId: string;
  action: InstanceAction;
  isDisabled: boolean;
  onDone: (message: string) => Promise<void>;
}) {
  const t = useTranslations("instances.actions");
  const [reason, setReason] = useState("");
  const reasonId = useId();
  return (
    <ConfirmAction
      label={t(`${action}.label`)}
      title={t(`${action}.title`)}
      confirmLabel={t(`${action}.label`)}
      isDisabled={isDisabled}
      onConfirm={async () => {
        await runInstanceAction(instanceId, action, reason);
        setReason("");
        await onDone(t(`${action}.done`));
      }}
    >
      <p>{t(`${action}.consequence`)}</p>
      <label htmlFor={reasonId} className="mt-3 block text-sm font-medium text-slate-800">
        {t("reason")}
      </label>
      <textarea id={reasonId} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} rows={3} className={inputClass} />
    </ConfirmAction>
  );
}

export function InstanceActions({ instanceId, instance }: { instanceId: string; instance: InstanceDetail["instance"] }) {
  const t = useTranslations("instances.actions");
  const queryClient = useQueryClient();
  const [message, setMessage] = useState("");
  const onDone = async (done: string) => {
    setMessage(done);
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: instanceKeys.detail(instanceId) }),
      queryClient.invalidateQueries({ queryKey: instanceKeys.lists() }),
    ]);
  };
  const isReleased = instance.state === "RELEASED";
  return (
    <section aria-labelledby="actions-heading" className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="actions-heading" className="text-lg font-semibold">
        {t("heading")}
      </h2>
      <div className="mt-3 flex flex-wrap gap-3">
        <ActionButton instanceId={instanceId} action="freeze" isDisabled={isReleased || instance.state === "FROZEN"} onDone={onDone} />
        <ActionButton instanceId={instanceId} action="unfreeze" isDisabled={instance.state !== "FROZEN"} onDone={onDone} />
        <ActionButton instanceId={instanceId} action="reprovision" isDisabled={isReleased || instance.provisionStatus === "DONE"} onDone={onDone} />
      </div>
      <p role="status" className="mt-2 min-h-5 text-sm text-slate-700">
        {message}
      </p>
    </section>
  );
}
