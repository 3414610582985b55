// Money arrives as a Decimal string in yuan ("1234.5"); it is formatted as text, never as a JS float.
const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

export function formatMoney(amount: string | null | undefined, currency = 'CNY'): string {
  if (amount === null || amount === undefined || amount === '') return '—';
  const match = DECIMAL.exec(amount.trim());
  if (!match) return amount;
  const [, sign, whole, fraction = ''] = match;
  const cents = roundToCents(whole, fraction);
  const grouped = cents.whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const symbol = currency === 'CNY' ? '¥' : `${currency} `;
  const negative = sign && (cents.whole !== '0' || cents.fraction !== '00');
  return `${negative ? '-' : ''}${symbol}${grouped}.${cents.fraction}`;
}

/** Half-up to two places on the digits themselves. */
function roundToCents(whole: string, fraction: string): { whole: string; fraction: string } {
  const padded = (fraction + '000').slice(0, 3);
  let cents = BigInt(whole.replace(/^0+(?=\d)/, '') + padded.slice(0, 2));
  if (Number(padded[2]) >= 5) cents += 1n;
  const text = cents.toString().padStart(3, '0');
  return { whole: text.slice(0, -2).replace(/^0+(?=\d)/, '') || '0', fraction: text.slice(-2) };
}

/** Compares two Decimal strings exactly (for "is this price lower"), without floats. */
export function compareMoney(a: string, b: string): number {
  const scale = (value: string) => {
    const [whole, fraction = ''] = value.replace('-', '').split('.');
    const digits = BigInt(whole + (fraction + '00').slice(0, 2));
    return value.startsWith('-') ? -digits : digits;
  };
  const diff = scale(a) - scale(b);
  return diff === 0n ? 0 : diff < 0n ? -1 : 1;
}

/** "12.5" (a percentage as a Decimal string) → "12.5%". */
export function formatPercent(value: string | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return `${value}%`;
}

/** A Decimal string in yuan as integer fen (exact; half-up beyond two places). */
export function toFen(amount: string): bigint {
  const match = DECIMAL.exec(amount.trim());
  if (!match) throw new Error(`not a decimal: ${amount}`);
  const [, sign, whole, fraction = ''] = match;
  const cents = roundToCents(whole, fraction);
  const fen = BigInt(cents.whole + cents.fraction);
  return sign ? -fen : fen;
}

/** How much of `total` is used when `remaining` is left, in whole percent (0–100). */
export function usedPercent(total: string, remaining: string): number {
  const all = toFen(total);
  if (all <= 0n) return 0;
  const used = all - toFen(remaining);
  if (used <= 0n) return 0;
  return Number((used * 100n) / all);
}
