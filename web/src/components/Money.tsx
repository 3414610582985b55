import { formatMoney } from '../lib/money';

interface MoneyValue {
  amount: string;
  currency?: string;
}

export function Money({ value, strong }: { value: MoneyValue | null | undefined; strong?: boolean }) {
  const text = formatMoney(value?.amount, value?.currency);
  return strong ? <strong className="yw-money">{text}</strong> : <span className="yw-money">{text}</span>;
}
