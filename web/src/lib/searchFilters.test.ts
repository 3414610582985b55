import { describe, expect, it } from 'vitest';
import { globalId, priceRange, readSearchState, toFilter } from './searchFilters';

describe('search filters', () => {
  it('reads the URL', () => {
    const state = readSearchState(new URLSearchParams('q=联想&brand=联想&brand=华为&price=3000-5000&tag=SME&agreement=1'));
    expect(state.brands).toEqual(['联想', '华为']);
    expect(toFilter(state)).toMatchObject({ priceMin: '3000', priceMax: '5000', policyTags: ['SME'], agreementId: btoa('Agreement:1') });
  });

  it('handles open price bands', () => {
    expect(priceRange('10000-')).toEqual({ priceMin: '10000', priceMax: null });
    expect(priceRange(null)).toEqual({ priceMin: null, priceMax: null });
  });

  it('leaves global ids alone', () => {
    expect(globalId('Hall', 'SGFsbDox')).toBe('SGFsbDox');
  });
});
