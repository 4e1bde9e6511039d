"use client";
// The instance's app info with the initial admin password masked. An operator
// may reveal it: the password comes from that one answer, is never put in the
// query cache, and is gone when hidden or when the page is left; the reveal
// itself appears in the timeline.
import { useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { ConfirmAction } from "@/components/ui/confirm-action";
import { instanceQueries, revealInstancePassword, type InstanceDetail } from "@/components/portal/instance-queries";

/** The masked password's dots: not words, hidden from screen readers (which read "stored, hidden"). */
const MASK = "••••••••";

function UrlValue({ url }: { url: string | null }) {
  const t = useTranslations("instances.appInfo");
  if (!url) return <>{t("none")}</>;
  // Only http(s) addresses become links: the value came from the provisioning backend.
  return /^https?:\/\//i.test(url) ? (
    <a className="break-all underline underline-offset-2" href={url} target="_blank" rel="noreferrer noopener">
      {url}
    </a>
  ) : (
    <span className="break-all">{url}</span>
  );
}

export function AppInfoCard({ instanceId, appInfo, canReveal }: { instanceId: string; appInfo: InstanceDetail["appInfo"]; canReveal: boolean }) {
  const t = useTranslations("instances.appInfo");
  const queryClient = useQueryClient();
  const [password, setPassword] = useState<string>();
  const [copied, setCopied] = useState(false);
  return (
    <section aria-labelledby="app-info-heading" className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="app-info-heading" className="text-lg font-semibold">
        {t("heading")}
      </h2>
      <dl className="mt-3 grid gap-x-6 gap-y-1 text-sm sm:grid-cols-[max-content_1fr]">
        <dt className="font-medium text-slate-700">{t("frontEndUrl")}</dt>
        <dd>
          <UrlValue url={appInfo.frontEndUrl} />
        </dd>
        <dt className="font-medium text-slate-700">{t("adminUrl")}</dt>
        <dd>
          <UrlValue url={appInfo.adminUrl} />
        </dd>
        <dt className="font-medium text-slate-700">{t("adminUser")}</dt>
        <dd className="font-mono text-xs">{appInfo.adminUserName ?? t("none")}</dd>
        <dt className="font-medium text-slate-700">{t("adminPassword")}</dt>
        <dd>
          {password ? (
            <span className="flex flex-wrap items-center gap-2">
              <code className="rounded bg-amber-50 px-2 py-0.5 font-mono text-sm text-slate-900">{password}</code>
              <button
                type="button"
                className="text-sm underline underline-offset-2"
                onClick={() => {
                  void navigator.clipboard?.writeText(password).then(() => setCopied(true));
                }}
              >
                {copied ? t("copied") : t("copy")}
              </button>
              <button
                type="button"
                className="text-sm underline underline-offset-2"
                onClick={() => {
                  setPassword(undefined);
                  setCopied(false);
                }}
              >
                {t("hide")}
              </button>
            </span>
          ) : appInfo.hasPassword ? (
            <span>
              <span aria-hidden="true">{MASK}</span>
              <span className="sr-only">{t("storedHidden")}</span>
            </span>
          ) : (
            t("noneStored")
          )}
        </dd>
        {appInfo.memo ? (
          <>
            <dt className="font-medium text-slate-700">{t("memo")}</dt>
            <dd className="whitespace-pre-wrap">{appInfo.memo}</dd>
          </>
        ) : null}
      </dl>
      {canReveal && appInfo.hasPassword && !password ? (
        <div className="mt-3">
          <ConfirmAction
            label={t("reveal")}
            title={t("revealTitle")}
            confirmLabel={t("revealConfirm")}
            onConfirm={async () => {
              const revealed = await revealInstancePassword(instanceId);
              setPassword(revealed.password);
              await queryClient.invalidateQueries({ queryKey: instanceQueries.detail(instanceId).queryKey });
            }}
          >
            <p>{t("revealExplain")}</p>
          </ConfirmAction>
        </div>
      ) : null}
      {password ? (
        <p role="status" className="mt-2 text-xs text-slate-600">
          {t("shownOnce")}
        </p>
      ) : null}
    </section>
  );
}
