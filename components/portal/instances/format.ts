// Small display helpers shared by the instance list and detail: an instance's
// state and provisioning status in the viewer's language (times come from
// useTimeFormat, components/i18n/use-time-format.ts).
import { useTranslations } from "next-intl";
import type { BadgeTone } from "@/components/ui/badge";

const STATE_KEYS = { PROVISIONING: "provisioning", ACTIVE: "active", FROZEN: "frozen", RELEASED: "released" } as const;
const PROVISION_KEYS = { PENDING: "pending", DONE: "done", FAILED: "failed" } as const;

export const INSTANCE_STATES = Object.keys(STATE_KEYS) as (keyof typeof STATE_KEYS)[];

/** Labels for the codes the API sends (a code this portal does not know yet is shown as it is). */
export function useInstanceLabels(): { state: (code: string) => string; provision: (code: string) => string } {
  const t = useTranslations("instances");
  return {
    state: (code) => (code in STATE_KEYS ? t(`state.${STATE_KEYS[code as keyof typeof STATE_KEYS]}`) : code),
    provision: (code) => (code in PROVISION_KEYS ? t(`provision.${PROVISION_KEYS[code as keyof typeof PROVISION_KEYS]}`) : code),
  };
}

export function provisionTone(status: string): BadgeTone {
  switch (status) {
    case "DONE":
      return "good";
    case "FAILED":
      return "bad";
    default:
      return "warn";
  }
}
