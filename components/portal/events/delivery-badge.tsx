// A delivery's state in words: delivered, waiting (never tried), retrying (tried and failed so far), failed (gave up).
import { Badge } from "@/components/ui/badge";

export function DeliveryBadge({ status, attempts }: { status: string; attempts: number }) {
  if (status === "DELIVERED") return <Badge tone="good">delivered</Badge>;
  if (status === "FAILED") return <Badge tone="bad">failed</Badge>;
  return attempts === 0 ? <Badge tone="info">waiting</Badge> : <Badge tone="warn">retrying</Badge>;
}
