/**
 * The rows of billing's exports, pure: invoices as QuickBooks Online's invoice import reads them
 * (its own column names, so the import maps them without asking), and payments for the same
 * range. Dates are US dates (MM/DD/YYYY, QuickBooks' default for a US company), money is
 * dollars with two decimals, quantities are decimals: what a bookkeeper's spreadsheet shows.
 */
import { dayCount } from '../../core/kpis.ts';

/** QuickBooks Online's invoice import columns, in its order: one row per invoice line. */
export const QUICKBOOKS_INVOICE_COLUMNS = [
  'Invoice number',
  'Customer',
  'Invoice date',
  'Due date',
  'Item (Product/Service)',
  'Item Description',
  'Item Quantity',
  'Item Rate',
  'Item Amount',
  'Item tax code',
  'Terms',
  'Service Date',
  'Memo',
] as const;

export const PAYMENT_COLUMNS = ['Payment date', 'Invoice number', 'Customer', 'Amount', 'Method', 'Reference'] as const;

/** One invoice line with what QuickBooks needs of its invoice; dates are local dates (YYYY-MM-DD). */
export interface ExportLine {
  number: number;
  customerName: string;
  invoiceDate: string;
  dueDate: string | null;
  /** The price-book item's name; null for a line written by hand. */
  item: string | null;
  description: string;
  quantityMilli: number;
  unitPriceCents: number;
  totalCents: number;
  taxable: boolean;
  /** The day the job was completed. */
  serviceDate: string | null;
  memo: string | null;
}

export interface ExportPayment {
  receivedDate: string;
  invoiceNumber: number;
  customerName: string;
  amountCents: number;
  method: 'card' | 'cash' | 'check' | 'ach';
  reference: string | null;
}

export const usDate = (date: string) => `${date.slice(5, 7)}/${date.slice(8, 10)}/${date.slice(0, 4)}`;
export const dollars = (cents: number) => (cents / 100).toFixed(2);

/** QuickBooks' standard terms: the days from the invoice's date to its due date. */
export function termsOf(invoiceDate: string, dueDate: string | null): string {
  if (!dueDate) return '';
  const days = dayCount({ from: invoiceDate, to: dueDate }) - 1;
  return days <= 0 ? 'Due on receipt' : `Net ${days}`;
}

export function quickbooksRow(l: ExportLine): string[] {
  return [
    String(l.number),
    l.customerName,
    usDate(l.invoiceDate),
    l.dueDate ? usDate(l.dueDate) : '',
    l.item ?? '',
    l.description,
    String(l.quantityMilli / 1000),
    dollars(l.unitPriceCents),
    dollars(l.totalCents),
    // QuickBooks Online (US) tax codes: taxable or not; the rate is the company's.
    l.taxable ? 'TAX' : 'NON',
    termsOf(l.invoiceDate, l.dueDate),
    l.serviceDate ? usDate(l.serviceDate) : '',
    l.memo ?? '',
  ];
}

const METHODS: Record<ExportPayment['method'], string> = { card: 'Card', cash: 'Cash', check: 'Check', ach: 'ACH' };

export function paymentRow(p: ExportPayment): string[] {
  return [usDate(p.receivedDate), String(p.invoiceNumber), p.customerName, dollars(p.amountCents), METHODS[p.method], p.reference ?? ''];
}
