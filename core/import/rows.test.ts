import { describe, expect, it } from 'vitest';
import { guessMapping, headerKey, mapRecord } from './aliases.ts';
import { checkRows, customerKey, importedStatus, readCents, readLocalDateTime, tagsOf } from './rows.ts';

describe('header aliases', () => {
  it('match whatever the case, spacing and punctuation', () => {
    expect(headerKey('E-mails')).toBe(headerKey('emails'));
    expect(headerKey(' Zip Code ')).toBe('zipcode');
  });

  it("map Housecall Pro's job report, its invoice number both the job's id and the invoice's", () => {
    const m = guessMapping('housecall-pro', 'jobs', [
      'Invoice Number',
      'Date',
      'Customer',
      'Zip',
      'Job Status',
      'Total Amount',
      'Whatever',
    ]);
    expect(m).toEqual({
      jobId: 'Invoice Number',
      invoiceNumber: 'Invoice Number',
      jobStart: 'Date',
      name: 'Customer',
      zip: 'Zip',
      jobStatus: 'Job Status',
      invoiceTotal: 'Total Amount',
    });
  });

  it("prefer Jobber's service property to its billing address", () => {
    const m = guessMapping('jobber', 'customers', ['Billing Street 1', 'Service Street 1', 'Billing Zip code', 'Service Zip code']);
    expect(m).toMatchObject({ street: 'Service Street 1', zip: 'Service Zip code' });
  });

  it('leave empty cells out of a mapped row', () => {
    expect(mapRecord({ Customer: ' Ana ', Email: '' }, { name: 'Customer', email: 'Email' })).toEqual({ name: 'Ana' });
  });
});

describe('rows', () => {
  it('name every field at fault, and a repeated customer as a duplicate of its first row', () => {
    const { valid, problems } = checkRows(
      'customers',
      [
        { name: 'Ana', email: 'ana@example.com', zip: '78701', street: '1 Main St', city: 'Austin', state: 'TX' },
        { email: 'nobody@example.com' },
        { name: 'Bo', email: 'bo@', zip: '7870' },
        { name: 'Ana again', email: 'ANA@example.com' },
      ],
      2,
    );
    expect(valid.map((v) => v.index)).toEqual([0]);
    expect(problems).toEqual([
      { row: 3, field: 'name', problem: expect.stringContaining('No name') },
      { row: 4, field: 'email', problem: 'Not an email address.' },
      { row: 4, field: 'zip', problem: 'Not a US ZIP code (12345 or 12345-6789).' },
      { row: 4, field: 'street', problem: 'Missing: the address is incomplete.' },
      { row: 4, field: 'city', problem: 'Missing: the address is incomplete.' },
      { row: 4, field: 'state', problem: 'Missing: the address is incomplete.' },
      { row: 5, field: 'name', problem: 'Duplicate of row 2: left out.' },
    ]);
  });

  it('key a customer by its id in the export, else its email, else name and address', () => {
    expect(customerKey({ customerId: '58211904', email: 'a@example.com' })).toBe('id:58211904');
    expect(customerKey({ email: 'a@example.com' })).toBe('email:a@example.com');
    expect(customerKey({ firstName: 'Ana', lastName: 'Ruiz', street: '1  Main St', zip: '78701' })).toBe('name:ana ruiz|1 main st|78701');
  });

  it('read dates, money, statuses and tags as the exports write them', () => {
    expect(readLocalDateTime('2026-05-04 09:00')).toEqual({ date: '2026-05-04', time: '09:00' });
    expect(readLocalDateTime('5/4/2026 1:30 PM')).toEqual({ date: '2026-05-04', time: '13:30' });
    expect(readLocalDateTime('12/1/2026 12:05 AM')).toEqual({ date: '2026-12-01', time: '00:05' });
    expect(readLocalDateTime('2026-13-01 08:00')).toBeNull();
    expect(readLocalDateTime('2026-02-30')).toBeNull();
    expect(readCents('$1,140.50')).toBe(114050);
    expect(readCents('285')).toBe(28500);
    expect(readCents('0.5')).toBe(50);
    expect(readCents('12,34')).toBeNull();
    expect(importedStatus('Complete Rated')).toBe('completed');
    expect(importedStatus('Requires Invoicing')).toBe('completed');
    expect(importedStatus('pro canceled')).toBe('cancelled');
    expect(importedStatus('Upcoming')).toBe('unscheduled');
    expect(importedStatus('estimate sent')).toBeNull();
    expect(tagsOf('residential, referral; residential')).toEqual(['residential', 'referral']);
  });
});
