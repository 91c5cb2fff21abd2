/** The stock and purchase-order answers the office's pages read, as the API's own document types them. */
import type { components } from '../api/schema.d.ts';

type Schemas = components['schemas'];

export type StockLevel = Schemas['StockLevel'];
export type StockLocation = Schemas['StockLocation'];
export type ReorderLine = Schemas['ReorderLine'];
export type StockMovement = Schemas['StockMovement'];
export type PurchaseOrder = Schemas['PurchaseOrder'];
export type PurchaseOrderDetail = Schemas['PurchaseOrderDetail'];
export type PurchaseOrderLine = Schemas['PurchaseOrderLine'];
export type Part = Schemas['Part'];

export const PO_STATUS_LABELS: Record<PurchaseOrder['status'], string> = {
  draft: 'Draft',
  ordered: 'Sent to supplier',
  received: 'Received',
  cancelled: 'Cancelled',
};

/** What the stock page's level dialog does (LevelAction.svelte). */
export type LevelActionKind = 'transfer' | 'adjust' | 'limits' | 'history';
