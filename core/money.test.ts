import { describe, expect, it } from 'vitest';
import { invoiceTotals, lineTotalCents, taxCents } from './money.ts';

describe('money', () => {
  it('multiplies thousandths of a unit by cents exactly', () => {
    expect(lineTotalCents(1500, 12_500)).toBe(18_750); // 1.5 h at $125
    expect(lineTotalCents(250_000, 47)).toBe(11_750); // 250 ft of wire at $0.47
    expect(lineTotalCents(333, 100)).toBe(33);
    expect(lineTotalCents(335, 100)).toBe(34);
  });
  it('taxes only taxable lines', () => {
    expect(taxCents(10_000, 825)).toBe(825);
    expect(
      invoiceTotals(
        [
          { totalCents: 10_000, taxable: true },
          { totalCents: 5_000, taxable: false },
        ],
        825,
      ),
    ).toEqual({ subtotalCents: 15_000, taxCents: 825, totalCents: 15_825 });
  });
});
