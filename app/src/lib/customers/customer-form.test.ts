import { describe, expect, it } from 'vitest';
import { customerDraftOf, customerPayload, emptyCustomerDraft, parseTags } from './customer-form.ts';

describe('customer form', () => {
  it('sends emptied optional fields as null and tags as a list', () => {
    const d = { ...emptyCustomerDraft(), name: ' Ada Ohm ', phone: '512-555-0100', tags: 'commercial, , plan,commercial' };
    expect(customerPayload(d)).toEqual({
      body: { name: 'Ada Ohm', phone: '512-555-0100', email: null, billingAddress: null, notes: null, tags: ['commercial', 'plan'] },
      errors: {},
    });
  });
  it('names the fields at fault', () => {
    const d = { ...emptyCustomerDraft(), email: 'not-an-email', tags: 'x'.repeat(41) };
    expect(Object.keys(customerPayload(d).errors).sort()).toEqual(['email', 'name', 'tags']);
  });
  it('edits what is stored', () => {
    expect(customerDraftOf({ name: 'A', tags: ['a', 'b'], notes: null })).toEqual({ ...emptyCustomerDraft(), name: 'A', tags: 'a, b' });
    expect(parseTags(' a ,b,a ')).toEqual(['a', 'b']);
  });
});
