"use client";
// Operator actions on one instance. Each asks first (ConfirmAction) and takes
// an optional reason that goes into the instance's history; a transition the
// instance's state does not allow is not offered (and the API refuses it too).
import { useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { ConfirmAction } from "@/components/ui/confirm-action";
import { inputClass } from "@/components/ui/card";
import { instanceKeys, runInstanceAction, type InstanceAction, type InstanceDetail } from "@/components/portal/instance-queries";

const ACTIONS: Record<InstanceAction, { label: string; title: string; done: string; consequence: string }> = {
  freeze: {
    label: "Freeze",
    title: "Freeze this instance?",
    done: "Instance frozen.",
    consequence: "The customer can no longer use the application until it is unfrozen. KooGallery is not told.",
  },
  unfreeze: {
    label: "Unfreeze",
    title: "Unfreeze this instance?",
    done: "Instance unfrozen.",
    consequence: "The customer can use the application again (or provisioning continues, if it had not finished).",
  },
  reprovision: {
    label: "Re-run provisioning",
    title: "Re-run provisioning?",
    done: "Provisioning queued again.",
    consequence: "The provisioning job runs again from the first attempt and calls the provisioning backend for this instance.",
  },
};

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
  const [reason, setReason] = useState("");
  const reasonId = useId();
  const a = ACTIONS[action];
  return (
    <ConfirmAction
      label={a.label}
      title={a.title}
      confirmLabel={a.label}
      isDisabled={isDisabled}
      onConfirm={async () => {
        await runInstanceAction(instanceId, action, reason);
        setReason("");
        await onDone(a.done);
      }}
    >
      <p>{a.consequence}</p>
      <label htmlFor={reasonId} className="mt-3 block text-sm font-medium text-slate-800">
        Reason (optional, kept in the history)
      </label>
      <textarea id={reasonId} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} rows={3} className={inputClass} />
    </ConfirmAction>
  );
}

export function InstanceActions({ instanceId, instance }: { instanceId: string; instance: InstanceDetail["instance"] }) {
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
        Operator actions
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
