/**
 * The chat socket's URL: ws: or wss: to match the page, on the page's own host. `country`, when known, tells
 * the server whose helplines to offer (without it the server goes by Accept-Language).
 */
export function socketUrl(
  location: Pick<Location, "protocol" | "host">,
  path: string,
  country: string | null = null,
): string {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const url = `${scheme}//${location.host}${path.startsWith("/") ? path : `/${path}`}`;
  if (country === null) return url;
  return `${url}${url.includes("?") ? "&" : "?"}country=${encodeURIComponent(country)}`;
}
