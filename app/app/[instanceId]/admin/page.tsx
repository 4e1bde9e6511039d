// /app/<instanceId>/admin: the built-in adapter's admin URL; same stand-in page.
export { default } from "../page";

export const dynamic = "force-dynamic";
