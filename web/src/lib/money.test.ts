import { describe, expect, it } from 'vitest';
import { compareMoney, formatMoney, toFen, usedPercent } from './money';

describe('formatMoney', () => {
  it.each([
    ['1234.5', '¥1,234.50'],
    ['0', '¥0.00'],
    ['0.1', '¥0.10'],
    ['1234567.89', '¥1,234,567.89'],
    ['-12.3', '-¥12.30'],
    ['0.005', '¥0.01'],
    ['0.004', '¥0.00'],
    ['99999999999999999.995', '¥100,000,000,000,000,000.00'],
  ])('%s → %s', (amount, text) => expect(formatMoney(amount)).toBe(text));

  it('keeps digits a float would lose', () => {
    expect(formatMoney('9007199254740993.01')).toBe('¥9,007,199,254,740,993.01');
  });

  it('shows a dash for no amount', () => {
    expect(formatMoney(null)).toBe('—');
    expect(formatMoney(undefined)).toBe('—');
  });
});

describe('exact arithmetic', () => {
  it('compares decimals', () => {
    expect(compareMoney('0.30', '0.3')).toBe(0);
    expect(compareMoney('10.01', '10.1')).toBe(-1);
    expect(compareMoney('-1', '0')).toBe(-1);
  });

  it('converts to fen', () => {
    expect(toFen('431953.00')).toBe(43195300n);
    expect(toFen('0.1')).toBe(10n);
  });

  it('computes the used share of a plan', () => {
    expect(usedPercent('800000.00', '431953.00')).toBe(46);
    expect(usedPercent('300000.00', '300000.00')).toBe(0);
    expect(usedPercent('0.00', '0.00')).toBe(0);
  });
});
