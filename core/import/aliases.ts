/**
 * What an import brings in, and what the columns are called in the exports it comes from. The
 * app's column mapping pre-fills from these aliases and the Worker accepts rows keyed by the
 * field names only, so the two agree on one list. Aliases are compared case-, space- and
 * punctuation-blind ("E-mails", "emails" and "E mails" are one header).
 */

export const IMPORT_SOURCES = ['housecall-pro', 'jobber'] as const;
export type ImportSource = (typeof IMPORT_SOURCES)[number];

/** customers: one row per customer with its service address. jobs: one row per job, with its customer, address and invoice where the export has them. */
export const IMPORT_ENTITIES = ['customers', 'jobs'] as const;
export type ImportEntity = (typeof IMPORT_ENTITIES)[number];

export const SOURCE_LABELS: Record<ImportSource, string> = { 'housecall-pro': 'Housecall Pro', jobber: 'Jobber' };

/** A customer and their service address, as any row of either entity carries them. */
export const CUSTOMER_FIELDS = [
  'customerId',
  'name',
  'firstName',
  'lastName',
  'company',
  'email',
  'mobilePhone',
  'homePhone',
  'tags',
  'street',
  'street2',
  'city',
  'state',
  'zip',
  'notes',
] as const;

/** A job and its invoice. */
export const JOB_FIELDS = [
  'jobId',
  'jobStart',
  'jobEnd',
  'jobStatus',
  'jobType',
  'jobDescription',
  'invoiceNumber',
  'invoiceTotal',
  'invoicePaid',
  'invoiceBalance',
] as const;

export type CustomerField = (typeof CUSTOMER_FIELDS)[number];
export type JobField = (typeof JOB_FIELDS)[number];
export type ImportField = CustomerField | JobField;

export const ENTITY_FIELDS: Record<ImportEntity, readonly ImportField[]> = {
  customers: CUSTOMER_FIELDS,
  jobs: [...CUSTOMER_FIELDS, ...JOB_FIELDS],
};

/** What each field means, for the mapping screen. */
export const FIELD_LABELS: Record<ImportField, string> = {
  customerId: 'Customer id (in the old system)',
  name: 'Customer name',
  firstName: 'First name',
  lastName: 'Last name',
  company: 'Company',
  email: 'Email',
  mobilePhone: 'Mobile phone',
  homePhone: 'Home phone',
  tags: 'Tags',
  street: 'Street',
  street2: 'Street line 2',
  city: 'City',
  state: 'State',
  zip: 'ZIP code',
  notes: 'Notes',
  jobId: 'Job id or number',
  jobStart: 'Job start (date and time)',
  jobEnd: 'Job end',
  jobStatus: 'Job status',
  jobType: 'Job type',
  jobDescription: 'Job description',
  invoiceNumber: 'Invoice number',
  invoiceTotal: 'Invoice total',
  invoicePaid: 'Amount paid',
  invoiceBalance: 'Balance due',
};

/**
 * Header names by source. Housecall Pro's exports (the customer list and the job/invoice report)
 * share the customer columns; its job report keys each job by its invoice number. Jobber's client
 * export spreads phones and emails over "#s" columns and addresses over "Service ..." (the
 * property) and "Billing ..." columns; the service property is the one imported.
 */
export const HEADER_ALIASES: Record<ImportSource, Partial<Record<ImportField, readonly string[]>>> = {
  'housecall-pro': {
    customerId: ['Customer ID', 'Customer Id'],
    name: ['Customer', 'Display Name', 'Customer Name'],
    firstName: ['First Name'],
    lastName: ['Last Name'],
    company: ['Company'],
    email: ['Email', 'Email Address'],
    mobilePhone: ['Mobile Phone', 'Mobile Number'],
    homePhone: ['Home Phone', 'Home Number', 'Work Phone'],
    tags: ['Customer Tags', 'Tags'],
    street: ['Street', 'Address', 'Street Line 1'],
    street2: ['Street Line 2'],
    city: ['City'],
    state: ['State'],
    zip: ['Zip', 'Zip Code', 'Postal Code'],
    notes: ['Customer Notes', 'Notes'],
    jobId: ['Invoice Number', 'Job ID', 'Job Number'],
    jobStart: ['Date', 'Scheduled Start', 'Start Time'],
    jobEnd: ['End Time', 'Scheduled End'],
    jobStatus: ['Job Status', 'Status'],
    jobType: ['Job Type', 'Job Tags'],
    jobDescription: ['Description', 'Job Description', 'Line Items'],
    invoiceNumber: ['Invoice Number'],
    invoiceTotal: ['Total Amount', 'Job Amount', 'Invoice Amount', 'Amount'],
    invoicePaid: ['Amount Paid', 'Paid Amount'],
    invoiceBalance: ['Outstanding Balance', 'Balance Due', 'Due Amount'],
  },
  jobber: {
    customerId: ['J-ID', 'Client ID', 'Client Id'],
    name: ['Display Name', 'Client Name', 'Client name', 'Client'],
    firstName: ['First Name'],
    lastName: ['Last Name'],
    company: ['Company Name', 'Company'],
    email: ['E-mails', 'Email', 'Emails', 'Client email'],
    mobilePhone: ['Mobile Phone #s', 'Main Phone #s', 'Client phone', 'Phone'],
    homePhone: ['Home Phone #s', 'Work Phone #s'],
    tags: ['Tags', 'Client Tags'],
    street: ['Service Street 1', 'Service property street', 'Street 1', 'Billing Street 1'],
    street2: ['Service Street 2', 'Street 2', 'Billing Street 2'],
    city: ['Service City', 'Service property city', 'City', 'Billing City'],
    state: ['Service State', 'Service property province', 'State', 'Billing State'],
    zip: ['Service Zip code', 'Service property postal code', 'Zip code', 'Billing Zip code'],
    notes: ['Notes', 'Client Notes'],
    jobId: ['Job #', 'Job number', 'Job ID'],
    jobStart: ['Start date', 'Schedule start', 'Visit date', 'Created date'],
    jobEnd: ['End date', 'Schedule end', 'Completed date', 'Closed date'],
    jobStatus: ['Job status', 'Status'],
    jobType: ['Job type', 'Title'],
    jobDescription: ['Job description', 'Instructions', 'Line items'],
    invoiceNumber: ['Invoice #', 'Invoice number', 'Invoice numbers'],
    invoiceTotal: ['Invoice total ($)', 'Total ($)', 'Total $', 'Invoice total'],
    invoicePaid: ['Paid ($)', 'Amount paid', 'Paid'],
    invoiceBalance: ['Balance ($)', 'Balance', 'Invoice balance'],
  },
};

/** A header as aliases are compared: lower case, letters and digits only ("E-mails" -> "emails"). */
export function headerKey(header: string): string {
  return header.toLowerCase().replace(/[^a-z0-9#$]/g, '');
}

/**
 * The field each header maps to, for a file's headers: the first alias of each field that the
 * file has (in the alias list's order, so "Service Street 1" wins over "Billing Street 1"), each
 * header used once. Headers nobody knows map to nothing.
 */
export function guessMapping(source: ImportSource, entity: ImportEntity, headers: readonly string[]): Partial<Record<ImportField, string>> {
  const byKey = new Map<string, string>();
  for (const h of headers) if (!byKey.has(headerKey(h))) byKey.set(headerKey(h), h);
  const used = new Set<string>();
  const mapping: Partial<Record<ImportField, string>> = {};
  for (const field of ENTITY_FIELDS[entity]) {
    for (const alias of HEADER_ALIASES[source][field] ?? []) {
      const header = byKey.get(headerKey(alias));
      // The same column may carry two fields (Housecall Pro's invoice number is also its job's id).
      if (header && (!used.has(header) || field === 'invoiceNumber')) {
        mapping[field] = header;
        used.add(header);
        break;
      }
    }
  }
  return mapping;
}

/** A parsed CSV record as the mapped row the API takes: field -> the cell's text, empty cells left out. */
export function mapRecord(
  record: Record<string, string | undefined>,
  mapping: Partial<Record<ImportField, string>>,
): Record<string, string> {
  const row: Record<string, string> = {};
  for (const [field, header] of Object.entries(mapping)) {
    const value = header ? record[header]?.trim() : undefined;
    if (value) row[field] = value;
  }
  return row;
}
