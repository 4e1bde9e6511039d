"use client";
// The settings of one channel kind as form fields. Secret-bearing fields
// (robot URLs carry their token, SMTP URLs a password, signing secrets) are
// write-only: empty when editing, and left empty they keep what is stored.
import { useTranslations } from "next-intl";
import { useId, useState } from "react";
import { buttonClass, inputClass, secondaryButtonClass } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import type { ChannelKind } from "@/lib/alerts/channels/types";
import type { Messages } from "@/lib/i18n/messages";

export type Kind = ChannelKind;

type FormMessages = Messages["alerts"]["form"];
/**
 * One setting of a channel kind: its label and hint come from the catalog
 * (alerts.form.fields / alerts.form.hints); `example` is an address to copy the
 * shape of, shown as it is when the field has no hint of its own.
 */
type FieldSpec = {
  name: string;
  label: keyof FormMessages["fields"];
  hint?: keyof FormMessages["hints"];
  example?: string;
  isSecret?: boolean;
  isList?: boolean;
  options?: readonly string[];
};

const FIELDS: Record<Kind, FieldSpec[]> = {
  EMAIL: [
    { name: "smtpUrl", label: "smtpUrl", hint: "smtpUrl", isSecret: true },
    { name: "from", label: "from", hint: "from" },
    { name: "to", label: "recipients", hint: "recipients", isList: true },
  ],
  DINGTALK: [
    { name: "url", label: "webhookUrl", example: "https://oapi.dingtalk.com/robot/send?access_token=…", isSecret: true },
    { name: "secret", label: "dingtalkSecret", hint: "dingtalkSecret", isSecret: true },
    { name: "msgtype", label: "msgtype", options: ["markdown", "text"] },
  ],
  FEISHU: [
    { name: "url", label: "webhookUrl", example: "https://open.feishu.cn/open-apis/bot/v2/hook/…", isSecret: true },
    { name: "secret", label: "signingSecret", hint: "feishuSecret", isSecret: true },
  ],
  WECOM: [{ name: "url", label: "webhookUrl", example: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…", isSecret: true }],
  WEBHOOK: [
    { name: "url", label: "url", isSecret: true },
    { name: "secret", label: "webhookSecret", hint: "webhookSecret", isSecret: true },
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
  const t = useTranslations("alerts.form");
  const tKinds = useTranslations("alerts.channels.kinds");
  const hintOf = (f: FieldSpec) => (f.hint ? t(`hints.${f.hint}`) : (f.example ?? ""));
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
      setError(err instanceof Error ? err.message : t("couldNotSave"));
    } finally {
      setIsBusy(false);
    }
  }

  return (
    <form onSubmit={(e) => void submit(e)} className="grid gap-3 sm:grid-cols-2" autoComplete="off">
      <Field id={`${id}-name`} label={t("name")}>
        <input id={`${id}-name`} className={inputClass} value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} />
      </Field>
      <Field id={`${id}-kind`} label={t("kind")}>
        <select id={`${id}-kind`} className={inputClass} value={kind} onChange={(e) => setKind(e.target.value as Kind)} disabled={isEdit}>
          {(Object.keys(FIELDS) as Kind[]).map((k) => (
            <option key={k} value={k}>
              {tKinds(k)}
            </option>
          ))}
        </select>
      </Field>
      {FIELDS[kind].map((f) => (
        <Field key={f.name} id={`${id}-${f.name}`} label={t(`fields.${f.label}`)} className="sm:col-span-2">
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
              placeholder={isEdit && f.isSecret ? t("storedSecret") : hintOf(f)}
              onChange={(e) => setValues({ ...values, [f.name]: e.target.value })}
            />
          )}
          {(f.hint || f.example) && isEdit && f.isSecret ? <span className="text-xs text-slate-600">{hintOf(f)}</span> : null}
        </Field>
      ))}
      {error ? (
        <p role="alert" className="rounded bg-red-50 px-3 py-2 text-sm text-red-800 sm:col-span-2">
          {error}
        </p>
      ) : null}
      <div className="flex gap-3 sm:col-span-2">
        <button type="submit" className={buttonClass} disabled={isBusy}>
          {isEdit ? t("save") : t("add")}
        </button>
        {onCancel ? (
          <button type="button" className={secondaryButtonClass} onClick={onCancel}>
            {t("cancel")}
          </button>
        ) : null}
      </div>
    </form>
  );
}
