/**
 * Prices as people and CRMs write them: 450000, "$450,000", "450K", "$1.2M", "$400-450k",
 * "400k to 450k". A band keeps both ends; routing uses the upper one (the most they would pay).
 * Pure; undefined when the text is not a price, so intake can keep it as sent and flag it.
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

export function readPrice(value: unknown): PriceRead | undefined {
  if (typeof value === 'number') return single(value);
  if (typeof value !== 'string') return undefined;
  const text = value.toLowerCase().replace(/[$,_]/g, '').replace(/[–—]/g, '-').trim();
  if (text === '' || text.length > 60) return undefined;
  const amounts = [...text.matchAll(AMOUNT)].map((m) => ({
    n: Number(m[1]),
    unit: m[2] ? (MULTIPLIERS[m[2]] ?? 1) : undefined,
  }));
  const rest = text.replace(AMOUNT, ' ').replace(FILLER, ' ');
  if (amounts.length === 0 || amounts.length > 2 || /[a-z]/.test(rest)) return undefined;
  if (/[^\s\-~<>+().]/.test(rest)) return undefined;
  const [first, second] = amounts;
  if (!first) return undefined;
  // A lone amount with a dash is a negative ("$-5") or half a band ("450-"): neither is a price.
  if (!second) return rest.includes('-') ? undefined : single(first.n * (first.unit ?? 1));
  // "400-450k": the unit written once applies to both ends.
  const lowUnit = first.unit ?? (second.unit && first.n <= second.n ? second.unit : 1);
  const a = Math.round(first.n * lowUnit);
  const b = Math.round(second.n * (second.unit ?? 1));
  const [low, high] = a <= b ? [a, b] : [b, a];
  if (!valid(low) || !valid(high)) return undefined;
  return low === high ? { price: high } : { price: high, low };
}

function single(n: number): PriceRead | undefined {
  const price = Math.round(n);
  return valid(price) ? { price } : undefined;
}

function valid(n: number): boolean {
  return Number.isFinite(n) && n > 0 && n <= MAX_PRICE;
}
