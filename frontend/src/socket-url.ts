/** The chat socket's URL: ws: or wss: to match the page, on the page's own host. */
export function socketUrl(location: Pick<Location, "protocol" | "host">, path: string): string {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}${path.startsWith("/") ? path : `/${path}`}`;
}
