// What every portal page does before it renders anything (see README.md beside this file).
import { dehydrate, QueryClient, type DehydratedState, type QueryKey } from "@tanstack/react-query";
import { notFound } from "next/navigation";
import { getViewer, isPortalViewer, type PortalViewer } from "@/lib/auth/viewer";
import { PortalError } from "@/lib/errors";

/**
 * The signed-in administrator, or null: then the portal layout is already redirecting to the sign-in
 * page or explaining that the portal is for administrators, and the page renders nothing (throwing here
 * would replace the layout's explanation with an error page).
 */
export async function getPortalPageViewer(): Promise<PortalViewer | null> {
  const viewer = await getViewer();
  return isPortalViewer(viewer) ? viewer : null;
}

/** A scope check's answer, with "not yours" shown as the same 404 as "no such thing". */
export async function inScopeOrNotFound<T>(check: Promise<T>): Promise<T> {
  try {
    return await check;
  } catch (e) {
    if (e instanceof PortalError && e.code === "not_found") notFound();
    throw e;
  }
}

/**
 * The first answers, read on the server, under the keys of the react-query factories the page's client
 * component reads with. The JSON round trip gives them the API's shape (dates become ISO strings).
 */
export function seedQueries(answers: { queryKey: QueryKey; data: unknown }[]): DehydratedState {
  const queryClient = new QueryClient();
  for (const { queryKey, data } of answers) queryClient.setQueryData(queryKey, JSON.parse(JSON.stringify(data)) as unknown);
  return dehydrate(queryClient);
}
