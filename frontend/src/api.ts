// A JSON request to one of the page's own HTTP APIs (privacy, feedback on replies, the mood page, the check-in):
// the session cookie goes with it, a POST carries the CSRF token, and a refusal becomes an ApiError with the
// server's code.

/** The part of a fetch Response used here. */
export interface ResponseLike {
  ok: boolean;
  status: number;
  json(): Promise<unknown>;
}

export type FetchLike = (url: string, init: RequestInit) => Promise<ResponseLike>;

/** One cookie's value out of a `document.cookie` string. */
export function cookieValue(cookies: string, name: string): string | null {
  for (const part of cookies.split(";")) {
    const at = part.indexOf("=");
    if (at < 0 || part.slice(0, at).trim() !== name) continue;
    const raw = part.slice(at + 1).trim();
    try {
      return decodeURIComponent(raw);
    } catch {
      return raw;
    }
  }
  return null;
}

export interface ApiDeps {
  fetch: FetchLike;
  /** `document.cookie`, read afresh for every request: an erasure replaces the session. */
  cookies: () => string;
}

/** A refused or failed request. `code` is the server's error code, or "network" / "bad_response". */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    detail: string,
  ) {
    super(detail || code);
    this.name = "ApiError";
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The JSON body of a successful answer to `method url`. */
export async function requestJson(deps: ApiDeps, method: "GET" | "POST", url: string, body?: object): Promise<unknown> {
  const headers: Record<string, string> = { Accept: "application/json" };
  const init: RequestInit = { method, credentials: "same-origin", headers };
  if (method === "POST") {
    headers["Content-Type"] = "application/json";
    headers["X-CSRFToken"] = cookieValue(deps.cookies(), "csrftoken") ?? "";
    init.body = JSON.stringify(body ?? {});
  }
  let response: ResponseLike;
  try {
    response = await deps.fetch(url, init);
  } catch {
    throw new ApiError("network", 0, "the request did not reach the server");
  }
  let data: unknown = null;
  try {
    data = await response.json();
  } catch {
    // A proxy's HTML error page, say: the status still tells what happened.
  }
  if (response.ok) return data;
  const error = isObject(data) && isObject(data.error) ? data.error : {};
  throw new ApiError(
    typeof error.code === "string" ? error.code : `http_${response.status}`,
    response.status,
    typeof error.detail === "string" ? error.detail : "",
  );
}
