// What a refused buyer reads: why, and what to do. Shared by the sign-in
// callbacks (which choose the reason) and the refusal page (which shows it).
export const REFUSAL_REASONS = {
  "unknown-tenant": {
    title: "We do not know this organisation",
    advice:
      "Check the tenant code, or open the application from KooGallery so we receive it automatically. If your organisation bought the product recently," +
      " the purchase may still be syncing: try again in a few minutes.",
  },
  "not-configured": {
    title: "Sign-in is not set up for this organisation yet",
    advice:
      "KooGallery has not sent us this organisation's application credential. Ask your KooGallery administrator to bind the application to your " +
      "organisation, or contact the merchant.",
  },
  "tenant-removed": {
    title: "This organisation no longer uses the application",
    advice: "The application was unbound from your organisation in KooGallery. Ask your KooGallery administrator if this is unexpected.",
  },
  "not-granted": {
    title: "Your account has not been given access",
    advice:
      "Your organisation's KooGallery administrator grants access to this application per account. Ask them to authorise your account, then sign in again.",
  },
  revoked: {
    title: "Your access was withdrawn",
    advice:
      "Your organisation's administrator revoked your access to this application in KooGallery. Ask them to authorise your account again if you still need it.",
  },
  disabled: {
    title: "Your account is disabled for this application",
    advice: "Your organisation's administrator disabled your account. Ask them to enable it in KooGallery.",
  },
  "wrong-tenant": {
    title: "You signed in to a different organisation",
    advice:
      "The identity provider answered for another organisation than the one you chose. Sign out of KooGallery, then sign in again with the account of " +
      "this organisation.",
  },
  "no-state": {
    title: "This sign-in link cannot be used",
    advice: "KooGallery sent you back without the check we need to keep your account safe. Start again from KooGallery or from our sign-in page.",
  },
  "cas-failed": {
    title: "KooGallery did not confirm this sign-in",
    advice: "The sign-in ticket was not accepted (it may have expired or already been used). Start again from KooGallery or from our sign-in page.",
  },
} as const;

export type RefusalReason = keyof typeof REFUSAL_REASONS;

export function isRefusalReason(value: string | null | undefined): value is RefusalReason {
  return typeof value === "string" && Object.hasOwn(REFUSAL_REASONS, value);
}
