CREATE TABLE `job_facts` (
	`job_id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`technician_id` text,
	`completed_at` integer NOT NULL,
	`return_visit_of` text,
	`invoiced` integer NOT NULL,
	`revenue_cents` integer NOT NULL,
	`first_time_fix` integer,
	`arrived_at` integer,
	`on_time` integer,
	`on_site_minutes` integer NOT NULL,
	FOREIGN KEY (`job_id`) REFERENCES `jobs`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`org_id`) REFERENCES `orgs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `job_facts_org_completed_idx` ON `job_facts` (`org_id`,`completed_at`);--> statement-breakpoint
CREATE INDEX `job_facts_org_tech_idx` ON `job_facts` (`org_id`,`technician_id`,`completed_at`);--> statement-breakpoint
ALTER TABLE `jobs` ADD `return_visit_of` text REFERENCES jobs(id);--> statement-breakpoint
CREATE INDEX `jobs_org_return_idx` ON `jobs` (`org_id`,`return_visit_of`);--> statement-breakpoint
CREATE INDEX `invoices_org_job_idx` ON `invoices` (`org_id`,`job_id`);