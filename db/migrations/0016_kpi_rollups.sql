-- The KPI rollups (db/schema.ts): kept by the triggers of 0017. WITHOUT ROWID, so each is stored in
-- its primary key's order and a range of buckets is read from the key alone.
CREATE TABLE `job_fact_quarters` (
	`org_id` text NOT NULL,
	`quarter` integer NOT NULL,
	`completed` integer NOT NULL,
	`invoiced_cents` integer NOT NULL,
	`ticket_jobs` integer NOT NULL,
	`ticket_cents` integer NOT NULL,
	`fix_eligible` integer NOT NULL,
	`fixed_first_time` integer NOT NULL,
	`windowed` integer NOT NULL,
	`on_time` integer NOT NULL,
	`on_site_minutes` integer NOT NULL,
	PRIMARY KEY(`org_id`, `quarter`),
	FOREIGN KEY (`org_id`) REFERENCES `orgs`(`id`) ON UPDATE no action ON DELETE no action
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `job_fact_tech_days` (
	`org_id` text NOT NULL,
	`day` integer NOT NULL,
	`technician_id` text NOT NULL,
	`completed` integer NOT NULL,
	`invoiced_cents` integer NOT NULL,
	`ticket_jobs` integer NOT NULL,
	`ticket_cents` integer NOT NULL,
	`fix_eligible` integer NOT NULL,
	`fixed_first_time` integer NOT NULL,
	`windowed` integer NOT NULL,
	`on_time` integer NOT NULL,
	`on_site_minutes` integer NOT NULL,
	PRIMARY KEY(`org_id`, `day`, `technician_id`),
	FOREIGN KEY (`org_id`) REFERENCES `orgs`(`id`) ON UPDATE no action ON DELETE no action
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `job_schedule_quarters` (
	`org_id` text NOT NULL,
	`quarter` integer NOT NULL,
	`scheduled` integer NOT NULL,
	`done` integer NOT NULL,
	PRIMARY KEY(`org_id`, `quarter`),
	FOREIGN KEY (`org_id`) REFERENCES `orgs`(`id`) ON UPDATE no action ON DELETE no action
) WITHOUT ROWID;
