/**
 * Money as people type it in the office's forms: dollars and cents ("125", "125.5", "1,250.00"),
 * kept as integer cents (core/money.ts). Null when the text is not an amount.
 */
export function parseDollars(text: string): number | null {
  const t = text.trim().replace(/^\$/, '').replace(/,/g, '');
  if (!/^\d+(\.\d{1,2})?$/.test(t)) return null;
  const [whole, part = ''] = t.split('.');
  return Number(whole) * 100 + Number(part.padEnd(2, '0'));
}

/** Cents as the inputs show them back: "125.00". */
export const dollarsText = (cents: number) => (cents / 100).toFixed(2);
