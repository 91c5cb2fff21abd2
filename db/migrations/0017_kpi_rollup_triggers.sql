-- The KPI rollups (migration 0016, db/schema.ts) kept by triggers in the same transaction as every
-- change to the rows they add up, whichever writer made it (the API, a board room's outbox, billing,
-- the facts' rebuild), and filled here from what is already there.
--
-- What one row adds is said once, by two views; the triggers and the report's raw edges
-- (worker/kpis/rollups.ts) both read them, and tests/worker/kpis-rollups.test.ts checks that the
-- views agree with worker/kpis/measures.ts and that every rollup equals a fresh GROUP BY.
--   job_fact_terms      a job fact's part of each sum, its 15-minute bucket and its UTC day
--   job_schedule_terms  a job scheduled to start (not cancelled): one scheduled, done or not
-- A bucket is an instant floored to 15 minutes (900,000 ms) or a UTC day (86,400,000 ms), floored
-- for instants before 1970 too. A subtraction runs BEFORE the row changes (the view still shows the
-- old row), the addition AFTER; a bucket left at zero is deleted.
CREATE VIEW `job_fact_terms` AS
SELECT `job_id`, `org_id`, `technician_id`, `completed_at`,
  `completed_at` - (`completed_at` % 900000 + 900000) % 900000 AS `quarter`,
  `completed_at` - (`completed_at` % 86400000 + 86400000) % 86400000 AS `day`,
  1 AS `completed`,
  `revenue_cents` AS `invoiced_cents`,
  (`invoiced` AND NOT (`return_visit_of` IS NOT NULL AND `revenue_cents` = 0)) AS `ticket_jobs`,
  CASE WHEN `invoiced` AND NOT (`return_visit_of` IS NOT NULL AND `revenue_cents` = 0) THEN `revenue_cents` ELSE 0 END AS `ticket_cents`,
  (`first_time_fix` IS NOT NULL) AS `fix_eligible`,
  coalesce(`first_time_fix`, 0) AS `fixed_first_time`,
  (`on_time` IS NOT NULL) AS `windowed`,
  coalesce(`on_time`, 0) AS `on_time`,
  `on_site_minutes`
FROM `job_facts`;
--> statement-breakpoint
-- Done is core/lifecycle.ts DONE_STATUSES.
CREATE VIEW `job_schedule_terms` AS
SELECT `id` AS `job_id`, `org_id`, `scheduled_start`,
  `scheduled_start` - (`scheduled_start` % 900000 + 900000) % 900000 AS `quarter`,
  1 AS `scheduled`,
  (`status` IN ('completed', 'invoiced', 'paid')) AS `done`
FROM `jobs` WHERE `scheduled_start` IS NOT NULL AND `status` <> 'cancelled';
--> statement-breakpoint
CREATE TRIGGER `job_fact_rollups_insert` AFTER INSERT ON `job_facts`
BEGIN
  INSERT INTO `job_fact_quarters` (`org_id`, `quarter`, `completed`, `invoiced_cents`, `ticket_jobs`, `ticket_cents`, `fix_eligible`, `fixed_first_time`, `windowed`, `on_time`, `on_site_minutes`)
  SELECT `org_id`, `quarter`, `completed`, `invoiced_cents`, `ticket_jobs`, `ticket_cents`, `fix_eligible`, `fixed_first_time`, `windowed`, `on_time`, `on_site_minutes` FROM `job_fact_terms` WHERE `job_id` = NEW.`job_id`
  ON CONFLICT (`org_id`, `quarter`) DO UPDATE SET `completed` = `completed` + excluded.`completed`, `invoiced_cents` = `invoiced_cents` + excluded.`invoiced_cents`, `ticket_jobs` = `ticket_jobs` + excluded.`ticket_jobs`, `ticket_cents` = `ticket_cents` + excluded.`ticket_cents`, `fix_eligible` = `fix_eligible` + excluded.`fix_eligible`, `fixed_first_time` = `fixed_first_time` + excluded.`fixed_first_time`, `windowed` = `windowed` + excluded.`windowed`, `on_time` = `on_time` + excluded.`on_time`, `on_site_minutes` = `on_site_minutes` + excluded.`on_site_minutes`;
  INSERT INTO `job_fact_tech_days` (`org_id`, `day`, `technician_id`, `completed`, `invoiced_cents`, `ticket_jobs`, `ticket_cents`, `fix_eligible`, `fixed_first_time`, `windowed`, `on_time`, `on_site_minutes`)
  SELECT `org_id`, `day`, `technician_id`, `completed`, `invoiced_cents`, `ticket_jobs`, `ticket_cents`, `fix_eligible`, `fixed_first_time`, `windowed`, `on_time`, `on_site_minutes` FROM `job_fact_terms` WHERE `job_id` = NEW.`job_id` AND `technician_id` IS NOT NULL
  ON CONFLICT (`org_id`, `day`, `technician_id`) DO UPDATE SET `completed` = `completed` + excluded.`completed`, `invoiced_cents` = `invoiced_cents` + excluded.`invoiced_cents`, `ticket_jobs` = `ticket_jobs` + excluded.`ticket_jobs`, `ticket_cents` = `ticket_cents` + excluded.`ticket_cents`, `fix_eligible` = `fix_eligible` + excluded.`fix_eligible`, `fixed_first_time` = `fixed_first_time` + excluded.`fixed_first_time`, `windowed` = `windowed` + excluded.`windowed`, `on_time` = `on_time` + excluded.`on_time`, `on_site_minutes` = `on_site_minutes` + excluded.`on_site_minutes`;
END;
--> statement-breakpoint
CREATE TRIGGER `job_fact_rollups_update_old` BEFORE UPDATE ON `job_facts`
BEGIN
  INSERT INTO `job_fact_quarters` (`org_id`, `quarter`, `completed`, `invoiced_cents`, `ticket_jobs`, `ticket_cents`, `fix_eligible`, `fixed_first_time`, `windowed`, `on_time`, `on_site_minutes`)
  SELECT `org_id`, `quarter`, -`completed`, -`invoiced_cents`, -`ticket_jobs`, -`ticket_cents`, -`fix_eligible`, -`fixed_first_time`, -`windowed`, -`on_time`, -`on_site_minutes` FROM `job_fact_terms` WHERE `job_id` = OLD.`job_id`
  ON CONFLICT (`org_id`, `quarter`) DO UPDATE SET `completed` = `completed` + excluded.`completed`, `invoiced_cents` = `invoiced_cents` + excluded.`invoiced_cents`, `ticket_jobs` = `ticket_jobs` + excluded.`ticket_jobs`, `ticket_cents` = `ticket_cents` + excluded.`ticket_cents`, `fix_eligible` = `fix_eligible` + excluded.`fix_eligible`, `fixed_first_time` = `fixed_first_time` + excluded.`fixed_first_time`, `windowed` = `windowed` + excluded.`windowed`, `on_time` = `on_time` + excluded.`on_time`, `on_site_minutes` = `on_site_minutes` + excluded.`on_site_minutes`;
  INSERT INTO `job_fact_tech_days` (`org_id`, `day`, `technician_id`, `completed`, `invoiced_cents`, `ticket_jobs`, `ticket_cents`, `fix_eligible`, `fixed_first_time`, `windowed`, `on_time`, `on_site_minutes`)
  SELECT `org_id`, `day`, `technician_id`, -`completed`, -`invoiced_cents`, -`ticket_jobs`, -`ticket_cents`, -`fix_eligible`, -`fixed_first_time`, -`windowed`, -`on_time`, -`on_site_minutes` FROM `job_fact_terms` WHERE `job_id` = OLD.`job_id` AND `technician_id` IS NOT NULL
  ON CONFLICT (`org_id`, `day`, `technician_id`) DO UPDATE SET `completed` = `completed` + excluded.`completed`, `invoiced_cents` = `invoiced_cents` + excluded.`invoiced_cents`, `ticket_jobs` = `ticket_jobs` + excluded.`ticket_jobs`, `ticket_cents` = `ticket_cents` + excluded.`ticket_cents`, `fix_eligible` = `fix_eligible` + excluded.`fix_eligible`, `fixed_first_time` = `fixed_first_time` + excluded.`fixed_first_time`, `windowed` = `windowed` + excluded.`windowed`, `on_time` = `on_time` + excluded.`on_time`, `on_site_minutes` = `on_site_minutes` + excluded.`on_site_minutes`;
  DELETE FROM `job_fact_quarters` WHERE `org_id` = OLD.`org_id` AND `completed` = 0
    AND `quarter` = (SELECT `quarter` FROM `job_fact_terms` WHERE `job_id` = OLD.`job_id`);
  DELETE FROM `job_fact_tech_days` WHERE `org_id` = OLD.`org_id` AND `completed` = 0
    AND (`day`, `technician_id`) = (SELECT `day`, `technician_id` FROM `job_fact_terms` WHERE `job_id` = OLD.`job_id`);
END;
--> statement-breakpoint
CREATE TRIGGER `job_fact_rollups_update_new` AFTER UPDATE ON `job_facts`
BEGIN
  INSERT INTO `job_fact_quarters` (`org_id`, `quarter`, `completed`, `invoiced_cents`, `ticket_jobs`, `ticket_cents`, `fix_eligible`, `fixed_first_time`, `windowed`, `on_time`, `on_site_minutes`)
  SELECT `org_id`, `quarter`, `completed`, `invoiced_cents`, `ticket_jobs`, `ticket_cents`, `fix_eligible`, `fixed_first_time`, `windowed`, `on_time`, `on_site_minutes` FROM `job_fact_terms` WHERE `job_id` = NEW.`job_id`
  ON CONFLICT (`org_id`, `quarter`) DO UPDATE SET `completed` = `completed` + excluded.`completed`, `invoiced_cents` = `invoiced_cents` + excluded.`invoiced_cents`, `ticket_jobs` = `ticket_jobs` + excluded.`ticket_jobs`, `ticket_cents` = `ticket_cents` + excluded.`ticket_cents`, `fix_eligible` = `fix_eligible` + excluded.`fix_eligible`, `fixed_first_time` = `fixed_first_time` + excluded.`fixed_first_time`, `windowed` = `windowed` + excluded.`windowed`, `on_time` = `on_time` + excluded.`on_time`, `on_site_minutes` = `on_site_minutes` + excluded.`on_site_minutes`;
  INSERT INTO `job_fact_tech_days` (`org_id`, `day`, `technician_id`, `completed`, `invoiced_cents`, `ticket_jobs`, `ticket_cents`, `fix_eligible`, `fixed_first_time`, `windowed`, `on_time`, `on_site_minutes`)
  SELECT `org_id`, `day`, `technician_id`, `completed`, `invoiced_cents`, `ticket_jobs`, `ticket_cents`, `fix_eligible`, `fixed_first_time`, `windowed`, `on_time`, `on_site_minutes` FROM `job_fact_terms` WHERE `job_id` = NEW.`job_id` AND `technician_id` IS NOT NULL
  ON CONFLICT (`org_id`, `day`, `technician_id`) DO UPDATE SET `completed` = `completed` + excluded.`completed`, `invoiced_cents` = `invoiced_cents` + excluded.`invoiced_cents`, `ticket_jobs` = `ticket_jobs` + excluded.`ticket_jobs`, `ticket_cents` = `ticket_cents` + excluded.`ticket_cents`, `fix_eligible` = `fix_eligible` + excluded.`fix_eligible`, `fixed_first_time` = `fixed_first_time` + excluded.`fixed_first_time`, `windowed` = `windowed` + excluded.`windowed`, `on_time` = `on_time` + excluded.`on_time`, `on_site_minutes` = `on_site_minutes` + excluded.`on_site_minutes`;
END;
--> statement-breakpoint
CREATE TRIGGER `job_fact_rollups_delete` BEFORE DELETE ON `job_facts`
BEGIN
  INSERT INTO `job_fact_quarters` (`org_id`, `quarter`, `completed`, `invoiced_cents`, `ticket_jobs`, `ticket_cents`, `fix_eligible`, `fixed_first_time`, `windowed`, `on_time`, `on_site_minutes`)
  SELECT `org_id`, `quarter`, -`completed`, -`invoiced_cents`, -`ticket_jobs`, -`ticket_cents`, -`fix_eligible`, -`fixed_first_time`, -`windowed`, -`on_time`, -`on_site_minutes` FROM `job_fact_terms` WHERE `job_id` = OLD.`job_id`
  ON CONFLICT (`org_id`, `quarter`) DO UPDATE SET `completed` = `completed` + excluded.`completed`, `invoiced_cents` = `invoiced_cents` + excluded.`invoiced_cents`, `ticket_jobs` = `ticket_jobs` + excluded.`ticket_jobs`, `ticket_cents` = `ticket_cents` + excluded.`ticket_cents`, `fix_eligible` = `fix_eligible` + excluded.`fix_eligible`, `fixed_first_time` = `fixed_first_time` + excluded.`fixed_first_time`, `windowed` = `windowed` + excluded.`windowed`, `on_time` = `on_time` + excluded.`on_time`, `on_site_minutes` = `on_site_minutes` + excluded.`on_site_minutes`;
  INSERT INTO `job_fact_tech_days` (`org_id`, `day`, `technician_id`, `completed`, `invoiced_cents`, `ticket_jobs`, `ticket_cents`, `fix_eligible`, `fixed_first_time`, `windowed`, `on_time`, `on_site_minutes`)
  SELECT `org_id`, `day`, `technician_id`, -`completed`, -`invoiced_cents`, -`ticket_jobs`, -`ticket_cents`, -`fix_eligible`, -`fixed_first_time`, -`windowed`, -`on_time`, -`on_site_minutes` FROM `job_fact_terms` WHERE `job_id` = OLD.`job_id` AND `technician_id` IS NOT NULL
  ON CONFLICT (`org_id`, `day`, `technician_id`) DO UPDATE SET `completed` = `completed` + excluded.`completed`, `invoiced_cents` = `invoiced_cents` + excluded.`invoiced_cents`, `ticket_jobs` = `ticket_jobs` + excluded.`ticket_jobs`, `ticket_cents` = `ticket_cents` + excluded.`ticket_cents`, `fix_eligible` = `fix_eligible` + excluded.`fix_eligible`, `fixed_first_time` = `fixed_first_time` + excluded.`fixed_first_time`, `windowed` = `windowed` + excluded.`windowed`, `on_time` = `on_time` + excluded.`on_time`, `on_site_minutes` = `on_site_minutes` + excluded.`on_site_minutes`;
  DELETE FROM `job_fact_quarters` WHERE `org_id` = OLD.`org_id` AND `completed` = 0
    AND `quarter` = (SELECT `quarter` FROM `job_fact_terms` WHERE `job_id` = OLD.`job_id`);
  DELETE FROM `job_fact_tech_days` WHERE `org_id` = OLD.`org_id` AND `completed` = 0
    AND (`day`, `technician_id`) = (SELECT `day`, `technician_id` FROM `job_fact_terms` WHERE `job_id` = OLD.`job_id`);
END;
--> statement-breakpoint
CREATE TRIGGER `job_schedule_rollup_insert` AFTER INSERT ON `jobs`
BEGIN
  INSERT INTO `job_schedule_quarters` (`org_id`, `quarter`, `scheduled`, `done`)
  SELECT `org_id`, `quarter`, `scheduled`, `done` FROM `job_schedule_terms` WHERE `job_id` = NEW.`id`
  ON CONFLICT (`org_id`, `quarter`) DO UPDATE SET `scheduled` = `scheduled` + excluded.`scheduled`, `done` = `done` + excluded.`done`;
END;
--> statement-breakpoint
CREATE TRIGGER `job_schedule_rollup_update_old` BEFORE UPDATE OF `status`, `scheduled_start` ON `jobs`
WHEN OLD.`status` IS NOT NEW.`status` OR OLD.`scheduled_start` IS NOT NEW.`scheduled_start`
BEGIN
  INSERT INTO `job_schedule_quarters` (`org_id`, `quarter`, `scheduled`, `done`)
  SELECT `org_id`, `quarter`, -`scheduled`, -`done` FROM `job_schedule_terms` WHERE `job_id` = OLD.`id`
  ON CONFLICT (`org_id`, `quarter`) DO UPDATE SET `scheduled` = `scheduled` + excluded.`scheduled`, `done` = `done` + excluded.`done`;
  DELETE FROM `job_schedule_quarters` WHERE `org_id` = OLD.`org_id` AND `scheduled` = 0
    AND `quarter` = (SELECT `quarter` FROM `job_schedule_terms` WHERE `job_id` = OLD.`id`);
END;
--> statement-breakpoint
CREATE TRIGGER `job_schedule_rollup_update_new` AFTER UPDATE OF `status`, `scheduled_start` ON `jobs`
WHEN OLD.`status` IS NOT NEW.`status` OR OLD.`scheduled_start` IS NOT NEW.`scheduled_start`
BEGIN
  INSERT INTO `job_schedule_quarters` (`org_id`, `quarter`, `scheduled`, `done`)
  SELECT `org_id`, `quarter`, `scheduled`, `done` FROM `job_schedule_terms` WHERE `job_id` = NEW.`id`
  ON CONFLICT (`org_id`, `quarter`) DO UPDATE SET `scheduled` = `scheduled` + excluded.`scheduled`, `done` = `done` + excluded.`done`;
END;
--> statement-breakpoint
CREATE TRIGGER `job_schedule_rollup_delete` BEFORE DELETE ON `jobs`
BEGIN
  INSERT INTO `job_schedule_quarters` (`org_id`, `quarter`, `scheduled`, `done`)
  SELECT `org_id`, `quarter`, -`scheduled`, -`done` FROM `job_schedule_terms` WHERE `job_id` = OLD.`id`
  ON CONFLICT (`org_id`, `quarter`) DO UPDATE SET `scheduled` = `scheduled` + excluded.`scheduled`, `done` = `done` + excluded.`done`;
  DELETE FROM `job_schedule_quarters` WHERE `org_id` = OLD.`org_id` AND `scheduled` = 0
    AND `quarter` = (SELECT `quarter` FROM `job_schedule_terms` WHERE `job_id` = OLD.`id`);
END;
--> statement-breakpoint
INSERT INTO `job_fact_quarters` (`org_id`, `quarter`, `completed`, `invoiced_cents`, `ticket_jobs`, `ticket_cents`, `fix_eligible`, `fixed_first_time`, `windowed`, `on_time`, `on_site_minutes`)
SELECT `org_id`, `quarter`, sum(`completed`), sum(`invoiced_cents`), sum(`ticket_jobs`), sum(`ticket_cents`), sum(`fix_eligible`), sum(`fixed_first_time`), sum(`windowed`), sum(`on_time`), sum(`on_site_minutes`) FROM `job_fact_terms` GROUP BY `org_id`, `quarter`;
--> statement-breakpoint
INSERT INTO `job_fact_tech_days` (`org_id`, `day`, `technician_id`, `completed`, `invoiced_cents`, `ticket_jobs`, `ticket_cents`, `fix_eligible`, `fixed_first_time`, `windowed`, `on_time`, `on_site_minutes`)
SELECT `org_id`, `day`, `technician_id`, sum(`completed`), sum(`invoiced_cents`), sum(`ticket_jobs`), sum(`ticket_cents`), sum(`fix_eligible`), sum(`fixed_first_time`), sum(`windowed`), sum(`on_time`), sum(`on_site_minutes`) FROM `job_fact_terms` WHERE `technician_id` IS NOT NULL GROUP BY `org_id`, `day`, `technician_id`;
--> statement-breakpoint
INSERT INTO `job_schedule_quarters` (`org_id`, `quarter`, `scheduled`, `done`)
SELECT `org_id`, `quarter`, sum(`scheduled`), sum(`done`) FROM `job_schedule_terms` GROUP BY `org_id`, `quarter`;
