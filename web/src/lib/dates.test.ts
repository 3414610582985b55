import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime } from './dates';

describe('dates', () => {
  it('shows instants in China time', () => {
    expect(formatDateTime('2026-12-07T17:30:00+00:00')).toBe('2026-12-08 01:30');
    expect(formatDateTime('2026-01-01T00:00:00Z')).toBe('2026-01-01 08:00');
  });

  it('shows calendar days as they are', () => {
    expect(formatDate('2026-03-01')).toBe('2026-03-01');
    expect(formatDate(null)).toBe('—');
  });
});
