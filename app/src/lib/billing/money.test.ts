import { describe, expect, it } from 'vitest';
import { dollarsText, parseDollars } from './money.ts';

describe('parseDollars', () => {
  it('reads what people type as whole cents', () => {
    expect(parseDollars('125')).toBe(12_500);
    expect(parseDollars('125.5')).toBe(12_550);
    expect(parseDollars(' $1,250.05 ')).toBe(125_005);
    expect(parseDollars('0.07')).toBe(7);
  });
  it('refuses what is not an amount', () => {
    for (const t of ['', '-5', '1.234', 'abc', '1e3', '.5']) expect(parseDollars(t), t).toBeNull();
  });
  it('writes cents back as dollars', () => {
    expect(dollarsText(12_550)).toBe('125.50');
    expect(parseDollars(dollarsText(99_999))).toBe(99_999);
  });
});
