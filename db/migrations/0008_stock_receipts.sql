ALTER TABLE `stock_movements` ADD `note` text;--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_purchase_order_lines` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`purchase_order_id` text NOT NULL,
	`part_id` text NOT NULL,
	`quantity` integer NOT NULL,
	`unit_cost_cents` integer NOT NULL,
	`received_quantity` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `orgs`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`purchase_order_id`) REFERENCES `purchase_orders`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`part_id`) REFERENCES `parts`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "po_lines_received_within_ordered" CHECK("__new_purchase_order_lines"."received_quantity" >= 0 and "__new_purchase_order_lines"."received_quantity" <= "__new_purchase_order_lines"."quantity")
);
--> statement-breakpoint
INSERT INTO `__new_purchase_order_lines`("id", "org_id", "purchase_order_id", "part_id", "quantity", "unit_cost_cents", "received_quantity") SELECT "id", "org_id", "purchase_order_id", "part_id", "quantity", "unit_cost_cents", "received_quantity" FROM `purchase_order_lines`;--> statement-breakpoint
DROP TABLE `purchase_order_lines`;--> statement-breakpoint
ALTER TABLE `__new_purchase_order_lines` RENAME TO `purchase_order_lines`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `po_lines_po_idx` ON `purchase_order_lines` (`org_id`,`purchase_order_id`);--> statement-breakpoint
-- Orders received before receipts were counted line by line arrived whole.
UPDATE `purchase_order_lines` SET `received_quantity` = `quantity` WHERE `purchase_order_id` IN (SELECT `id` FROM `purchase_orders` WHERE `status` = 'received');
