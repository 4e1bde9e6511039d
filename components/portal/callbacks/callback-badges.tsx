// Result code and verification outcome as badges, with the words next to the
// code so colour is never the only signal.
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { defaultResultMessages, isResultCodeValue } from "@/lib/koogallery/result-codes";

export function resultTone(code: string): BadgeTone {
  if (code === "000000") return "good";
  if (code === "000004") return "warn";
  return "bad";
}

export function ResultCodeBadge({ code }: { code: string }) {
  const meaning = isResultCodeValue(code) ? defaultResultMessages[code] : "unknown code";
  return (
    <Badge tone={resultTone(code)}>
      <span className="font-mono">{code}</span>
      <span className="sr-only"> ({meaning})</span>
    </Badge>
  );
}

const VERIFICATION_LABELS: Record<string, { text: string; tone: BadgeTone }> = {
  OK: { text: "verified", tone: "good" },
  RETRY: { text: "staff re-run", tone: "info" },
  MISSING_CREDENTIALS: { text: "missing credentials", tone: "bad" },
  BAD_TIMESTAMP: { text: "bad timestamp", tone: "bad" },
  BAD_SIGNATURE: { text: "bad signature", tone: "bad" },
  REPLAYED_NONCE: { text: "replayed nonce", tone: "bad" },
  MALFORMED: { text: "malformed", tone: "bad" },
  TOO_LARGE: { text: "too large", tone: "bad" },
  COUNTED: { text: "refusals counted", tone: "bad" },
};

export function verificationLabel(outcome: string): string {
  return VERIFICATION_LABELS[outcome]?.text ?? outcome.toLowerCase();
}

export function VerificationBadge({ outcome }: { outcome: string }) {
  const v = VERIFICATION_LABELS[outcome] ?? { text: outcome.toLowerCase(), tone: "neutral" as const };
  return <Badge tone={v.tone}>{v.text}</Badge>;
}
