/**
 * Prices as people and CRMs write them: 450000, "$450,000", "450K", "$1.2M", "$400-450k",
 * "400k to 450k". A band keeps both ends; routing uses the upper one (the most they would pay).
 * Pure; when the text is not a price (or a bare "300-400" that may mean thousands, or a decimal
 * comma "1,2M"), says why, so intake can keep it as sent and flag it rather than guess.
 */

export const MAX_PRICE = 1_000_000_000;

export interface PriceRead {
  /** Whole dollars; the upper end of a band. */
  price: number;
  /** The lower end, when a band was sent. */
  low?: number;
}

const MULTIPLIERS: Record<string, number> = { k: 1e3, thousand: 1e3, m: 1e6, mm: 1e6, million: 1e6 };
const AMOUNT = /(\d+(?:\.\d+)?)\s*(thousand|million|mm|k|m)?(?![a-z])/g;
/** Words that may surround an amount without changing it ("up to 450k", "around $400K"). */
const FILLER = /\b(?:to|up|under|below|max|maximum|about|around|approx|usd|from|between|and|budget|price)\b/g;

/** A bare amount below this ("300-400", "1-2", 5000) is almost surely thousands: kept as sent, never guessed. */
export const MIN_BARE_PRICE = 10_000;

export type PriceText = ({ ok: true } & PriceRead) | { ok: false; problem: string };

const UNREADABLE = 'not an amount we can read';
const TOO_SMALL = `under $${MIN_BARE_PRICE.toLocaleString('en-US')} with no K or M (thousands?), so not read`;
const COMMA = 'a comma that is not a thousands separator (a decimal comma?), so not read';

export function readPrice(value: unknown): PriceRead | undefined {
  const read = readPriceText(value);
  if (!read.ok) return undefined;
  return read.low === undefined ? { price: read.price } : { price: read.price, low: read.low };
}

/** The price, or why it was not read, in the agent's words. */
export function readPriceText(value: unknown): PriceText {
  if (typeof value === 'number') return value > 0 && value < MIN_BARE_PRICE ? no(TOO_SMALL) : single(value);
  if (typeof value !== 'string') return no(UNREADABLE);
  const lower = value.toLowerCase();
  // "450,000" and "1,200,000" group thousands; "1,2M" or "1,25" is a decimal comma, not $12M.
  for (const [n] of lower.matchAll(/\d[\d,]*/g))
    if (n.includes(',') && !/^\d{1,3}(?:,\d{3})+,?$/.test(n)) return no(COMMA);
  const text = lower.replace(/[$,_]/g, '').replace(/[–—]/g, '-').trim();
  if (text === '' || text.length > 60) return no(UNREADABLE);
  const amounts = [...text.matchAll(AMOUNT)].map((m) => ({
    n: Number(m[1]),
    unit: m[2] ? (MULTIPLIERS[m[2]] ?? 1) : undefined,
  }));
  const rest = text.replace(AMOUNT, ' ').replace(FILLER, ' ');
  if (amounts.length === 0 || amounts.length > 2 || /[a-z]/.test(rest)) return no(UNREADABLE);
  if (/[^\s\-~<>+().]/.test(rest)) return no(UNREADABLE);
  const [first, second] = amounts;
  if (!first) return no(UNREADABLE);
  if (!second) {
    // A lone amount with a dash is a negative ("$-5") or half a band ("450-"): neither is a price.
    if (rest.includes('-')) return no(UNREADABLE);
    if (first.unit === undefined && first.n > 0 && first.n < MIN_BARE_PRICE) return no(TOO_SMALL);
    return single(first.n * (first.unit ?? 1));
  }
  // "400-450k": the unit written once applies to both ends.
  const lowUnit = first.unit ?? (second.unit && first.n <= second.n ? second.unit : undefined);
  const bare = (n: number, unit: number | undefined) => unit === undefined && n > 0 && n < MIN_BARE_PRICE;
  if (bare(first.n, lowUnit) || bare(second.n, second.unit)) return no(TOO_SMALL);
  const a = Math.round(first.n * (lowUnit ?? 1));
  const b = Math.round(second.n * (second.unit ?? 1));
  const [low, high] = a <= b ? [a, b] : [b, a];
  if (!valid(low) || !valid(high)) return no(UNREADABLE);
  return low === high ? { ok: true, price: high } : { ok: true, price: high, low };
}

function no(problem: string): PriceText {
  return { ok: false, problem };
}

function single(n: number): PriceText {
  const price = Math.round(n);
  return valid(price) ? { ok: true, price } : no(UNREADABLE);
}

function valid(n: number): boolean {
  return Number.isFinite(n) && n > 0 && n <= MAX_PRICE;
}
