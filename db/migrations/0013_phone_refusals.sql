CREATE TABLE `phone_refusals` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`user_id` text NOT NULL,
	`job_id` text,
	`idempotency_key` text NOT NULL,
	`method` text NOT NULL,
	`path` text NOT NULL,
	`action` text NOT NULL,
	`attempted` text,
	`status` integer NOT NULL,
	`title` text NOT NULL,
	`detail` text,
	`at` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `orgs`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `phone_refusals_key_uq` ON `phone_refusals` (`org_id`,`idempotency_key`);--> statement-breakpoint
CREATE INDEX `phone_refusals_job_idx` ON `phone_refusals` (`org_id`,`job_id`,`at`);