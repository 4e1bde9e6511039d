"use client";
// The staff accounts: each with its role (changeable), state, last sign-in and
// the owner's actions (disable or enable, reset the password: a generated one,
// shown once); then the form to add an account, whose password is generated
// and shown once. The server refuses to demote or disable the last owner, and
// the page says so.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useTimeFormat } from "@/components/i18n/use-time-format";
import { QueryState } from "@/components/portal/query-state";
import { staffKeys, staffMutations, staffQueries, type StaffItem, type StaffRoleName } from "@/components/portal/staff-queries";
import { Badge } from "@/components/ui/badge";
import { buttonClass, inputClass, secondaryButtonClass } from "@/components/ui/card";
import { ConfirmAction } from "@/components/ui/confirm-action";
import { Field } from "@/components/ui/field";
import { TableHead } from "@/components/ui/table-head";

const ROLES: StaffRoleName[] = ["owner", "operator", "viewer"];

function PasswordShownOnce({ email, password, onDone }: { email: string; password: string; onDone: () => void }) {
  const t = useTranslations("staff");
  return (
    <div role="status" className="mt-3 rounded border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950">
      <p className="font-medium">{t("passwordOnce", { email })}</p>
      <code className="mt-1 block break-all rounded bg-white px-2 py-1 font-mono text-xs" aria-label={t("passwordLabel")}>
        {password}
      </code>
      <button type="button" className={`${secondaryButtonClass} mt-2`} onClick={onDone}>
        {t("passwordStored")}
      </button>
    </div>
  );
}

function StaffRow({ staff, isSelf, onPassword }: { staff: StaffItem; isSelf: boolean; onPassword: (p: { email: string; password: string }) => void }) {
  const t = useTranslations("staff");
  const { time, relative } = useTimeFormat();
  const queryClient = useQueryClient();
  const change = useMutation({
    mutationFn: (c: Parameters<typeof staffMutations.change>[1]) => staffMutations.change(staff.email, c),
    onSuccess: async (result) => {
      if (result.shownOnce) onPassword({ email: staff.email, password: result.shownOnce.password });
      await queryClient.invalidateQueries({ queryKey: staffKeys.all });
    },
  });
  const role = staff.role.toLowerCase() as StaffRoleName;
  return (
    <tr className="border-t border-slate-100 align-top">
      <td className="px-3 py-2">
        <div className="font-medium">{staff.name}</div>
        <div className="text-xs text-slate-600">{staff.email}</div>
        {isSelf ? <Badge tone="info">{t("you")}</Badge> : null}
      </td>
      <td className="px-3 py-2">
        <label htmlFor={`role-${staff.id}`} className="sr-only">
          {t("roleOf", { name: staff.name })}
        </label>
        <select
          id={`role-${staff.id}`}
          className={inputClass}
          value={role}
          disabled={change.isPending}
          onChange={(e) => change.mutate({ role: e.target.value as StaffRoleName })}
        >
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`roles.${r}`)}
            </option>
          ))}
        </select>
      </td>
      <td className="px-3 py-2">{staff.disabledAt ? <Badge tone="warn">{t("disabled")}</Badge> : <Badge tone="good">{t("active")}</Badge>}</td>
      <td className="px-3 py-2">
        {staff.lastSignInAt ? (
          <time dateTime={staff.lastSignInAt} title={time(staff.lastSignInAt)}>
            {relative(staff.lastSignInAt)}
          </time>
        ) : (
          t("never")
        )}
      </td>
      <td className="space-x-2 space-y-1 px-3 py-2">
        <button type="button" className={secondaryButtonClass} disabled={change.isPending} onClick={() => change.mutate({ isDisabled: !staff.disabledAt })}>
          {staff.disabledAt ? t("enable") : t("disable")}
        </button>
        <ConfirmAction
          label={t("resetPassword")}
          title={t("resetTitle", { name: staff.name })}
          confirmLabel={t("resetConfirm")}
          onConfirm={async () => {
            await change.mutateAsync({ resetPassword: true });
          }}
        >
          {t("resetExplain")}
        </ConfirmAction>
        {change.isError ? (
          <p role="alert" className="mt-1 text-sm text-red-800">
            {change.error.message}
          </p>
        ) : null}
      </td>
    </tr>
  );
}

function AddStaff({ onPassword }: { onPassword: (p: { email: string; password: string }) => void }) {
  const t = useTranslations("staff");
  const queryClient = useQueryClient();
  const [form, setForm] = useState<{ name: string; email: string; role: StaffRoleName }>({ name: "", email: "", role: "viewer" });
  const create = useMutation({
    mutationFn: () => staffMutations.create(form),
    onSuccess: async (result) => {
      if (result.shownOnce) onPassword({ email: result.email, password: result.shownOnce.password });
      setForm({ name: "", email: "", role: "viewer" });
      await queryClient.invalidateQueries({ queryKey: staffKeys.all });
    },
  });
  return (
    <section aria-labelledby="add-staff" className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="add-staff" className="font-semibold">
        {t("addHeading")}
      </h2>
      <p className="mt-1 text-sm text-slate-700">{t("addExplain")}</p>
      <form
        className="mt-3 grid gap-3 sm:grid-cols-4"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <Field id="staff-name" label={t("name")}>
          <input
            id="staff-name"
            required
            maxLength={100}
            value={form.name}
            onChange={(e) => setForm({ ...form, name: e.target.value })}
            className={inputClass}
          />
        </Field>
        <Field id="staff-email" label={t("email")}>
          <input
            id="staff-email"
            type="email"
            required
            maxLength={254}
            value={form.email}
            onChange={(e) => setForm({ ...form, email: e.target.value })}
            className={inputClass}
          />
        </Field>
        <Field id="staff-role" label={t("role")}>
          <select id="staff-role" value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as StaffRoleName })} className={inputClass}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`roles.${r}`)}
              </option>
            ))}
          </select>
        </Field>
        <div className="flex items-end">
          <button type="submit" className={buttonClass} disabled={create.isPending}>
            {create.isPending ? t("adding") : t("add")}
          </button>
        </div>
      </form>
      {create.isError ? (
        <p role="alert" className="mt-2 rounded bg-red-50 px-3 py-2 text-sm text-red-800">
          {create.error.message}
        </p>
      ) : null}
    </section>
  );
}

export function StaffView({ selfEmail }: { selfEmail: string }) {
  const t = useTranslations("staff");
  const query = useQuery(staffQueries.list());
  const items = query.data?.items ?? [];
  const [shown, setShown] = useState<{ email: string; password: string }>();
  return (
    <div className="mt-4 space-y-6">
      <p className="text-sm text-slate-700">{t("rolesExplain")}</p>
      {shown ? <PasswordShownOnce email={shown.email} password={shown.password} onDone={() => setShown(undefined)} /> : null}
      <QueryState query={query} isEmpty={items.length === 0} empty={t("empty")}>
        <div className="overflow-x-auto rounded-lg bg-white shadow-sm">
          <table className="w-full border-collapse text-sm">
            <caption className="sr-only">{t("caption")}</caption>
            <TableHead columns={[t("columns.account"), t("columns.role"), t("columns.state"), t("columns.lastSignIn"), t("columns.actions")]} />
            <tbody>
              {items.map((s) => (
                <StaffRow key={s.id} staff={s} isSelf={s.email === selfEmail} onPassword={setShown} />
              ))}
            </tbody>
          </table>
        </div>
      </QueryState>
      <AddStaff onPassword={setShown} />
    </div>
  );
}
