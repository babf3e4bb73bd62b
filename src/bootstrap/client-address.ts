/**
 * The address a /bootstrap request came from, for rate limits. Behind an Application Load Balancer the
 * socket address is the balancer's, shared by every caller (finding 5 of issue 10); the ALB appends the
 * client's address to X-Forwarded-For, and entries before it come from the client and can be forged
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/x-forwarded-headers.html). With
 * `trustedHops` proxies, the client is the `trustedHops`-th entry from the right; with 0, or a header
 * with fewer entries than that (the request did not come through the proxies), the socket address.
 */
export function clientAddress(
  socketAddress: string | undefined,
  forwardedFor: string | undefined,
  trustedHops: number,
): string {
  const socket = socketAddress ?? "unknown";
  if (trustedHops === 0 || !forwardedFor) return socket;
  const entries = forwardedFor
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean);
  const client = entries[entries.length - trustedHops];
  return client && client.length <= 64 ? client : socket;
}
