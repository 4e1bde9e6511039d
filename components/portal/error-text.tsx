"use client";
// An error text from another system (a back end, a receiver, KooGallery's order API), as the server redacted it.
// For a tenant admin the server sends one fixed sentence instead (STAFF_ONLY_ERROR), which is worded here in the
// reader's language; any other text is the other system's own, marked so the language check leaves it be.
import { useTranslations } from "next-intl";
import { STAFF_ONLY_ERROR } from "@/lib/portal/error-text";

export function ErrorText({
  text,
  className = "break-words text-xs text-red-800",
  isInline = false,
}: {
  text: string | null | undefined;
  className?: string;
  /** A <span> inside running text, rather than a line of its own. */
  isInline?: boolean;
}) {
  const t = useTranslations("common.state");
  if (!text) return null;
  const Tag = isInline ? "span" : "div";
  if (text === STAFF_ONLY_ERROR) return <Tag className={className}>{t("staffOnlyError")}</Tag>;
  return (
    <Tag className={className} data-i18n="server-text">
      {text}
    </Tag>
  );
}
