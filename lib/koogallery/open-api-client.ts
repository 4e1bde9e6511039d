// Outbound Open API calls (protocol:open-api.md), signed with AK/SK. Only the China site has
// a documented fallback host; it is tried when the main host cannot be reached.
// TLS is verified by Node's fetch as the spec requires (no override exists here).
import { encodeQuery, signApigRequest } from "./aksk";

export type OpenApiConfig = { baseUrl: string; ak: string; sk: string; timeoutMs?: number };

export class OpenApiError extends Error {
  override name = "OpenApiError";
  constructor(
    message: string,
    /** Network errors, 5xx and gateway throttling are worth retrying; a refused request is not. */
    readonly isRetryable: boolean,
    readonly code?: string,
  ) {
    super(message);
  }
}

const FALLBACK_HOSTS: Record<string, string> = { "https://mkt.myhuaweicloud.com": "https://mkt.myhuaweicloud.cn" };

export type OrderQueryAnswer = {
  resultCode: string;
  resultMsg?: string;
  orderInfo?: Record<string, unknown>;
};

async function signedGet(config: OpenApiConfig, base: string, path: string, query: Record<string, string>): Promise<{ status: number; text: string }> {
  // One query string for the request line and the signature: URLSearchParams
  // would send a space as "+", which the gateway reads as a literal plus and so
  // computes another signature (an orderId with a space or non-ASCII characters).
  const search = encodeQuery(query);
  const url = new URL(path, base);
  url.search = search ? `?${search}` : "";
  const headers = { "Content-Type": "application/json;charset=UTF-8" };
  const signed = signApigRequest({ method: "GET", url: url.toString(), headers, body: "", ak: config.ak, sk: config.sk, query: search });
  const res = await fetch(url, {
    method: "GET",
    headers: { ...headers, "X-Sdk-Date": signed["X-Sdk-Date"], Authorization: signed.Authorization },
    signal: AbortSignal.timeout(config.timeoutMs ?? 10_000),
  });
  return { status: res.status, text: await res.text() };
}

/** GET /api/mkp-openapi-public/global/v1/order/query (protocol:open-api.md#order-query). */
export async function queryOrder(config: OpenApiConfig, orderId: string, orderLineId?: string): Promise<OrderQueryAnswer> {
  const path = "/api/mkp-openapi-public/global/v1/order/query";
  const query: Record<string, string> = orderLineId ? { orderId, orderLineId } : { orderId };
  const bases = [config.baseUrl, FALLBACK_HOSTS[config.baseUrl]].filter((b): b is string => Boolean(b));
  let lastError: unknown;
  for (const base of bases) {
    let res: { status: number; text: string };
    try {
      res = await signedGet(config, base, path, query);
    } catch (error) {
      lastError = error;
      continue;
    }
    let json: OrderQueryAnswer;
    try {
      json = JSON.parse(res.text) as OrderQueryAnswer;
    } catch {
      throw new OpenApiError(`order query answered HTTP ${res.status} without JSON`, res.status >= 500);
    }
    const code = json.resultCode ?? (json as { error_code?: string }).error_code ?? "";
    if (res.status >= 500 || res.status === 429 || code.startsWith("APIGW.0308")) {
      throw new OpenApiError(`order query answered HTTP ${res.status} ${code}`, true, code);
    }
    if (code !== "MKT.0000") throw new OpenApiError(`order query refused: ${code} ${json.resultMsg ?? ""}`.trim(), false, code);
    return json;
  }
  throw new OpenApiError(`KooGallery unreachable: ${lastError instanceof Error ? lastError.message : String(lastError)}`, true);
}
