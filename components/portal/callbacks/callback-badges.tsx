// Result code and verification outcome as badges, with the words next to the
// code so colour is never the only signal. The code is KooGallery's and stays
// as sent; its explanation is the viewer's language (the resultMsg KooGallery
// receives is lib/koogallery/result-codes.ts, unchanged).
import { useTranslations } from "next-intl";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { VERIFICATION_OUTCOMES } from "@/lib/callbacks/verification-outcomes";
import { isResultCodeValue } from "@/lib/koogallery/result-codes";

export function resultTone(code: string): BadgeTone {
  if (code === "000000") return "good";
  if (code === "000004") return "warn";
  return "bad";
}

/** A result code's explanation in the viewer's language ("unknown code" for one KooGallery does not define). */
export function useResultMeaning(): (code: string) => string {
  const t = useTranslations("callbacks.badges");
  return (code) => (isResultCodeValue(code) ? t(`resultCodes.${code}`) : t("unknownCode"));
}

export function ResultCodeBadge({ code }: { code: string }) {
  const meaning = useResultMeaning()(code);
  return (
    <Badge tone={resultTone(code)}>
      <span className="font-mono" title={meaning}>
        {code}
      </span>
      <span className="sr-only"> ({meaning})</span>
    </Badge>
  );
}

export { VERIFICATION_OUTCOMES };
type VerificationOutcome = (typeof VERIFICATION_OUTCOMES)[number];

const VERIFICATION_TONES: Record<VerificationOutcome, BadgeTone> = {
  OK: "good",
  RETRY: "info",
  MISSING_CREDENTIALS: "bad",
  BAD_TIMESTAMP: "bad",
  BAD_SIGNATURE: "bad",
  REPLAYED_NONCE: "bad",
  MALFORMED: "bad",
  TOO_LARGE: "bad",
  COUNTED: "bad",
};

function isVerificationOutcome(outcome: string): outcome is VerificationOutcome {
  return Object.hasOwn(VERIFICATION_TONES, outcome);
}

/** A verification outcome in words (an outcome this portal does not know: its name, lower-cased). */
export function useVerificationLabel(): (outcome: string) => string {
  const t = useTranslations("callbacks.badges.verification");
  return (outcome) => (isVerificationOutcome(outcome) ? t(outcome) : outcome.toLowerCase());
}

export function VerificationBadge({ outcome }: { outcome: string }) {
  const label = useVerificationLabel()(outcome);
  return <Badge tone={isVerificationOutcome(outcome) ? VERIFICATION_TONES[outcome] : "neutral"}>{label}</Badge>;
}
