/** The webhooks to register: each wanted event that has no webhook to this URL yet. Pure. */
export function webhooksToRegister(
  existing: Array<{ event: string; url: string }>,
  wanted: readonly string[],
  url: string,
): string[] {
  const have = new Set(existing.filter((w) => w.url === url).map((w) => w.event));
  return wanted.filter((event) => !have.has(event));
}
