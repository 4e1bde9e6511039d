// A delivery's state in words: delivered, waiting (never tried), retrying (tried and failed so far), failed (gave up).
import { useTranslations } from "next-intl";
import { Badge } from "@/components/ui/badge";

export function DeliveryBadge({ status, attempts }: { status: string; attempts: number }) {
  const t = useTranslations("events.badge");
  if (status === "DELIVERED") return <Badge tone="good">{t("delivered")}</Badge>;
  if (status === "FAILED") return <Badge tone="bad">{t("failed")}</Badge>;
  return attempts === 0 ? <Badge tone="info">{t("waiting")}</Badge> : <Badge tone="warn">{t("retrying")}</Badge>;
}
