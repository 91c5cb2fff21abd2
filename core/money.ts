/** Money is integer cents; quantities are integer thousandths of a unit. */

/** Total of a line: quantity (thousandths) x unit price, rounded half away from zero to a cent. */
export function lineTotalCents(quantityMilli: number, unitPriceCents: number): number {
  const product = quantityMilli * unitPriceCents;
  return Math.sign(product) * Math.round(Math.abs(product) / 1000);
}

/** Tax on an amount at a rate in basis points, rounded half up to a cent. */
export function taxCents(amountCents: number, rateBps: number): number {
  return Math.round((amountCents * rateBps) / 10_000);
}

export interface TotalsLine {
  totalCents: number;
  taxable: boolean;
}

export function invoiceTotals(lines: TotalsLine[], rateBps: number) {
  const subtotalCents = lines.reduce((s, l) => s + l.totalCents, 0);
  const taxableCents = lines.filter((l) => l.taxable).reduce((s, l) => s + l.totalCents, 0);
  const tax = taxCents(taxableCents, rateBps);
  return { subtotalCents, taxCents: tax, totalCents: subtotalCents + tax };
}

export function formatCents(cents: number, currency = 'USD'): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(cents / 100);
}
