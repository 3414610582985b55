// The products picked for comparison (at most four), kept across pages in localStorage.
const KEY = 'yiwang.compare';
export const MAX_COMPARE = 4;

export function compareList(): string[] {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? '[]') as string[];
  } catch {
    return [];
  }
}

/** Adds or removes a product; false when the list is already full. */
export function toggleCompare(productId: string): boolean {
  const list = compareList();
  if (list.includes(productId)) {
    localStorage.setItem(KEY, JSON.stringify(list.filter((id) => id !== productId)));
    return true;
  }
  if (list.length >= MAX_COMPARE) return false;
  localStorage.setItem(KEY, JSON.stringify([...list, productId]));
  return true;
}

export function setCompareList(ids: string[]): void {
  localStorage.setItem(KEY, JSON.stringify(ids.slice(0, MAX_COMPARE)));
}
