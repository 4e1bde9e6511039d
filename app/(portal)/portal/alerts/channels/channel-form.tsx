"use client";
// The settings of one channel kind as form fields. Secret-bearing fields
// (robot URLs carry their token, SMTP URLs a password, signing secrets) are
// write-only: empty when editing, and left empty they keep what is stored.
import { useId, useState } from "react";
import { buttonClass, inputClass, secondaryButtonClass } from "@/components/ui/card";
import { Field } from "@/components/ui/field";

export const KIND_LABELS = {
  EMAIL: "E-mail (SMTP)",
  DINGTALK: "DingTalk robot",
  FEISHU: "Feishu / Lark robot",
  WECOM: "WeCom robot",
  WEBHOOK: "Webhook",
} as const;
export type Kind = keyof typeof KIND_LABELS;

type FieldSpec = { name: string; label: string; hint?: string; isSecret?: boolean; isList?: boolean; options?: readonly string[] };

const FIELDS: Record<Kind, FieldSpec[]> = {
  EMAIL: [
    { name: "smtpUrl", label: "SMTP URL", hint: "smtp://user:password@host:587 or smtps://…:465", isSecret: true },
    { name: "from", label: "From", hint: "Alerts <alerts@example.com>" },
    { name: "to", label: "Recipients", hint: "comma-separated addresses", isList: true },
  ],
  DINGTALK: [
    { name: "url", label: "Webhook URL", hint: "https://oapi.dingtalk.com/robot/send?access_token=…", isSecret: true },
    { name: "secret", label: "Signing secret (加签)", hint: "SEC…; leave empty if the robot does not sign", isSecret: true },
    { name: "msgtype", label: "Message type", options: ["markdown", "text"] },
  ],
  FEISHU: [
    { name: "url", label: "Webhook URL", hint: "https://open.feishu.cn/open-apis/bot/v2/hook/…", isSecret: true },
    { name: "secret", label: "Signing secret", hint: "leave empty if signature verification is off", isSecret: true },
  ],
  WECOM: [{ name: "url", label: "Webhook URL", hint: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…", isSecret: true }],
  WEBHOOK: [
    { name: "url", label: "URL", isSecret: true },
    { name: "secret", label: "Secret (whsec_…)", hint: "leave empty to have one generated and shown once", isSecret: true },
  ],
};

export type ChannelFormValue = { name: string; kind: Kind; config: Record<string, string | string[]> };

export function ChannelForm({
  initial,
  isEdit,
  onSubmit,
  onCancel,
}: {
  initial: { name: string; kind: Kind; visible?: Record<string, string> };
  isEdit: boolean;
  onSubmit: (value: ChannelFormValue) => Promise<void>;
  onCancel?: () => void;
}) {
  const id = useId();
  const [name, setName] = useState(initial.name);
  const [kind, setKind] = useState<Kind>(initial.kind);
  const [values, setValues] = useState<Record<string, string>>(initial.visible ?? {});
  const [error, setError] = useState<string>();
  const [isBusy, setIsBusy] = useState(false);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setIsBusy(true);
    setError(undefined);
    try {
      const config: Record<string, string | string[]> = {};
      for (const f of FIELDS[kind]) {
        const v = (values[f.name] ?? "").trim();
        if (!v) continue;
        config[f.name] = f.isList
          ? v
              .split(/[,;\s]+/)
              .map((s) => s.trim())
              .filter(Boolean)
          : v;
      }
      await onSubmit({ name, kind, config });
      if (!isEdit) setValues({});
    } catch (err) {
      setError(err instanceof Error ? err.message : "Could not save.");
    } finally {
      setIsBusy(false);
    }
  }

  return (
    <form onSubmit={(e) => void submit(e)} className="grid gap-3 sm:grid-cols-2" autoComplete="off">
      <Field id={`${id}-name`} label="Name">
        <input id={`${id}-name`} className={inputClass} value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} />
      </Field>
      <Field id={`${id}-kind`} label="Kind">
        <select id={`${id}-kind`} className={inputClass} value={kind} onChange={(e) => setKind(e.target.value as Kind)} disabled={isEdit}>
          {(Object.keys(KIND_LABELS) as Kind[]).map((k) => (
            <option key={k} value={k}>
              {KIND_LABELS[k]}
            </option>
          ))}
        </select>
      </Field>
      {FIELDS[kind].map((f) => (
        <Field key={f.name} id={`${id}-${f.name}`} label={f.label} className="sm:col-span-2">
          {f.options ? (
            <select
              id={`${id}-${f.name}`}
              className={inputClass}
              value={values[f.name] ?? f.options[0]}
              onChange={(e) => setValues({ ...values, [f.name]: e.target.value })}
            >
              {f.options.map((o) => (
                <option key={o}>{o}</option>
              ))}
            </select>
          ) : (
            <input
              id={`${id}-${f.name}`}
              className={`${inputClass} font-mono`}
              type={f.isSecret ? "password" : "text"}
              value={values[f.name] ?? ""}
              placeholder={isEdit && f.isSecret ? "stored, not shown: leave empty to keep it" : (f.hint ?? "")}
              onChange={(e) => setValues({ ...values, [f.name]: e.target.value })}
            />
          )}
          {f.hint && isEdit && f.isSecret ? <span className="text-xs text-slate-600">{f.hint}</span> : null}
        </Field>
      ))}
      {error ? (
        <p role="alert" className="rounded bg-red-50 px-3 py-2 text-sm text-red-800 sm:col-span-2">
          {error}
        </p>
      ) : null}
      <div className="flex gap-3 sm:col-span-2">
        <button type="submit" className={buttonClass} disabled={isBusy}>
          {isEdit ? "Save channel" : "Add channel"}
        </button>
        {onCancel ? (
          <button type="button" className={secondaryButtonClass} onClick={onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}
