"use client";
// The instance's app info with the initial admin password masked. An operator
// may reveal it: the password comes from that one answer, is never put in the
// query cache, and is gone when hidden or when the page is left; the reveal
// itself appears in the timeline.
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ConfirmAction } from "@/components/ui/confirm-action";
import { instanceQueries, revealInstancePassword, type InstanceDetail } from "@/components/portal/instance-queries";

function UrlValue({ url }: { url: string | null }) {
  if (!url) return <>—</>;
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
  const queryClient = useQueryClient();
  const [password, setPassword] = useState<string>();
  const [copied, setCopied] = useState(false);
  return (
    <section aria-labelledby="app-info-heading" className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="app-info-heading" className="text-lg font-semibold">
        Application
      </h2>
      <dl className="mt-3 grid gap-x-6 gap-y-1 text-sm sm:grid-cols-[max-content_1fr]">
        <dt className="font-medium text-slate-700">Front-end URL</dt>
        <dd>
          <UrlValue url={appInfo.frontEndUrl} />
        </dd>
        <dt className="font-medium text-slate-700">Admin URL</dt>
        <dd>
          <UrlValue url={appInfo.adminUrl} />
        </dd>
        <dt className="font-medium text-slate-700">Admin user</dt>
        <dd className="font-mono text-xs">{appInfo.adminUserName ?? "—"}</dd>
        <dt className="font-medium text-slate-700">Admin password</dt>
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
                {copied ? "Copied" : "Copy"}
              </button>
              <button
                type="button"
                className="text-sm underline underline-offset-2"
                onClick={() => {
                  setPassword(undefined);
                  setCopied(false);
                }}
              >
                Hide
              </button>
            </span>
          ) : appInfo.hasPassword ? (
            <span>
              <span aria-hidden="true">••••••••</span>
              <span className="sr-only">stored, hidden</span>
            </span>
          ) : (
            "none stored"
          )}
        </dd>
        {appInfo.memo ? (
          <>
            <dt className="font-medium text-slate-700">Memo</dt>
            <dd className="whitespace-pre-wrap">{appInfo.memo}</dd>
          </>
        ) : null}
      </dl>
      {canReveal && appInfo.hasPassword && !password ? (
        <div className="mt-3">
          <ConfirmAction
            label="Reveal password"
            title="Reveal the admin password?"
            confirmLabel="Reveal"
            onConfirm={async () => {
              const revealed = await revealInstancePassword(instanceId);
              setPassword(revealed.password);
              await queryClient.invalidateQueries({ queryKey: instanceQueries.detail(instanceId).queryKey });
            }}
          >
            <p>The initial admin password is shown once on this page. The reveal is recorded in the instance&apos;s timeline under your name.</p>
          </ConfirmAction>
        </div>
      ) : null}
      {password ? (
        <p role="status" className="mt-2 text-xs text-slate-600">
          Shown once: hide it when you are done. Revealing it again is recorded again.
        </p>
      ) : null}
    </section>
  );
}
