/**
 * Counts as people type them in the stock forms. Anything that is not a whole number becomes NaN,
 * which JSON sends as null, so the API answers with its own message naming the field.
 */
export function wholeNumber(text: string): number {
  const t = text.trim();
  return /^\d+$/.test(t) ? Number(t) : Number.NaN;
}
