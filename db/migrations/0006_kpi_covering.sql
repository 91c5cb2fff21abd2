DROP INDEX `invoices_org_status_idx`;--> statement-breakpoint
CREATE INDEX `invoices_org_status_idx` ON `invoices` (`org_id`,`status`,`created_at`,`issued_at`,`total_cents`,`paid_cents`);--> statement-breakpoint
DROP INDEX `job_facts_org_completed_idx`;--> statement-breakpoint
DROP INDEX `job_facts_org_tech_idx`;--> statement-breakpoint
CREATE INDEX `job_facts_org_completed_idx` ON `job_facts` (`org_id`,`completed_at`,`invoiced`,`revenue_cents`,`return_visit_of`,`first_time_fix`,`on_time`,`on_site_minutes`);--> statement-breakpoint
CREATE INDEX `job_facts_org_tech_idx` ON `job_facts` (`org_id`,`technician_id`,`completed_at`,`invoiced`,`revenue_cents`,`return_visit_of`,`first_time_fix`,`on_time`,`on_site_minutes`);--> statement-breakpoint
DROP INDEX `jobs_org_start_idx`;--> statement-breakpoint
CREATE INDEX `jobs_org_start_idx` ON `jobs` (`org_id`,`scheduled_start`,`id`,`status`);--> statement-breakpoint
DROP INDEX `payments_org_received_idx`;--> statement-breakpoint
CREATE INDEX `payments_org_received_idx` ON `payments` (`org_id`,`received_at`,`id`,`amount_cents`);