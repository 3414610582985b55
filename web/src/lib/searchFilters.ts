// The search page keeps its filters in the URL, so a result list can be linked and reloaded.
export interface SearchState {
  q: string;
  category: string | null;
  brands: string[];
  priceBand: string | null;
  policyTags: string[];
  agreement: string | null;
  hall: string | null;
  sort: string;
}

export function readSearchState(params: URLSearchParams): SearchState {
  return {
    q: params.get('q') ?? '',
    category: params.get('category'),
    brands: params.getAll('brand'),
    priceBand: params.get('price'),
    policyTags: params.getAll('tag'),
    agreement: params.get('agreement'),
    hall: params.get('hall'),
    sort: params.get('sort') ?? 'RELEVANCE',
  };
}

/** "3000-5000" → {priceMin: "3000", priceMax: "5000"}; open ends stay null. */
export function priceRange(band: string | null): { priceMin: string | null; priceMax: string | null } {
  if (!band) return { priceMin: null, priceMax: null };
  const [low, high] = band.split('-');
  return { priceMin: low || null, priceMax: high || null };
}

/** The search facets name agreements and halls by their database id; filters take global ids. */
export function globalId(type: string, value: string): string {
  return /^\d+$/.test(value) ? btoa(`${type}:${value}`) : value;
}

export function toFilter(state: SearchState) {
  return {
    categoryCode: state.category,
    brands: state.brands,
    ...priceRange(state.priceBand),
    policyTags: state.policyTags as never[],
    agreementId: state.agreement ? globalId('Agreement', state.agreement) : null,
    hallId: state.hall ? globalId('Hall', state.hall) : null,
  };
}
