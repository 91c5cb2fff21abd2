import { describe, expect, it } from 'vitest';
import { zip5, zipAtEnd } from './postal.ts';

describe('zip5', () => {
  it('reads five digits, ZIP+4 and stray spaces; refuses anything else', () => {
    expect(zip5('78701')).toBe('78701');
    expect(zip5(' 02134-1234 ')).toBe('02134');
    expect(zip5('78701 1234')).toBe('78701');
    for (const bad of ['7870', '787011', 'ABCDE', '78701-12', 'SW1A 1AA', '']) expect(zip5(bad)).toBeNull();
  });
});

describe('zipAtEnd', () => {
  it('finds the ZIP that ends a one-line address, and no number inside it', () => {
    expect(zipAtEnd('12 Oak St, Austin, TX 78701')).toBe('78701');
    expect(zipAtEnd('12 Oak St, Austin, TX 78701-1234')).toBe('78701');
    expect(zipAtEnd('12345 Oak St, Austin, TX')).toBeNull();
    expect(zipAtEnd('78701')).toBe('78701');
  });
});
