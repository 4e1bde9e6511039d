// /app/<instanceId>/admin: the built-in adapter's admin URL; the same stand-in
// page with the same rules (nothing without a valid hand-off token, no Referer).
export { default, metadata } from "../page";

export const dynamic = "force-dynamic";
