"use client";
// A button that asks before it acts: a native <dialog> with the consequence
// spelled out, so destructive operator actions are never one stray click.
import { useTranslations } from "next-intl";
import { useId, useRef, useState, type ReactNode } from "react";
import { buttonClass, secondaryButtonClass } from "@/components/ui/card";

/**
 * `onOpen` runs when the dialog opens (e.g. a dry run whose answer the dialog shows);
 * `isConfirmDisabled` keeps the confirm button off until the dialog has what it needs.
 */
export function ConfirmAction({
  label,
  title,
  children,
  confirmLabel,
  onConfirm,
  isDisabled,
  onOpen,
  isConfirmDisabled,
}: {
  label: string;
  title: string;
  children: ReactNode;
  confirmLabel?: string;
  onConfirm: () => Promise<void> | void;
  isDisabled?: boolean;
  onOpen?: () => void;
  isConfirmDisabled?: boolean;
}) {
  const t = useTranslations("common.state");
  const dialog = useRef<HTMLDialogElement>(null);
  // useId, not the label: labels may hold spaces, which aria-labelledby would read as several ids.
  const titleId = useId();
  const [isBusy, setIsBusy] = useState(false);
  const [error, setError] = useState<string>();

  async function confirm() {
    setIsBusy(true);
    setError(undefined);
    try {
      await onConfirm();
      dialog.current?.close();
    } catch (e) {
      setError(e instanceof Error ? e.message : t("actionFailed"));
    } finally {
      setIsBusy(false);
    }
  }

  return (
    <>
      <button
        type="button"
        className={secondaryButtonClass}
        disabled={isDisabled}
        onClick={() => {
          setError(undefined);
          onOpen?.();
          dialog.current?.showModal();
        }}
      >
        {label}
      </button>
      <dialog ref={dialog} aria-labelledby={titleId} className="w-full max-w-md rounded-lg p-6 shadow-xl backdrop:bg-slate-900/40">
        <h2 id={titleId} className="text-lg font-semibold">
          {title}
        </h2>
        <div className="mt-3 text-sm text-slate-700">{children}</div>
        {error ? (
          <p role="alert" className="mt-3 rounded bg-red-50 px-3 py-2 text-sm text-red-800">
            {error}
          </p>
        ) : null}
        <div className="mt-6 flex justify-end gap-3">
          <button type="button" className={secondaryButtonClass} onClick={() => dialog.current?.close()}>
            {t("cancel")}
          </button>
          <button
            type="button"
            className={buttonClass}
            disabled={isBusy || isConfirmDisabled}
            // confirm() catches every failure and shows it in the dialog: nothing to await here.
            onClick={() => void confirm()}
          >
            {isBusy ? t("working") : (confirmLabel ?? label)}
          </button>
        </div>
      </dialog>
    </>
  );
}
