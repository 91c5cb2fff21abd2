CREATE INDEX `audit_events_org_at_idx` ON `audit_events` (`org_id`,`at`,`id`);--> statement-breakpoint
CREATE INDEX `job_events_org_at_idx` ON `job_events` (`org_id`,`at`,`id`);