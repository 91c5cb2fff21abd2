ALTER TABLE `jobs` ADD `board_date` text;--> statement-breakpoint
CREATE INDEX `jobs_org_board_date_idx` ON `jobs` (`org_id`,`board_date`);