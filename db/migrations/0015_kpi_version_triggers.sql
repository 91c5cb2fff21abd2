-- The org's KPI data version (kpi_versions, migration 0014), raised in the same transaction as
-- every change that can move a figure of GET /api/kpis, by whichever writer made it: the API, a
-- board room's outbox, billing, the facts' rebuild. The Worker's report cache
-- (worker/kpis/cache.ts) serves an answer only while the version it was read at is current, so a
-- cached figure is never older than the last committed change.
--
-- What the report reads, and so what raises it:
--   job_facts     every fact (completions, revenue, first-time fix, on time, minutes on site)
--   jobs          a job made, removed, or its status, scheduled start or creation moved
--                 (the scheduled count and the waiting queue read jobs themselves)
--   invoices      receivables: status, amounts, dates
--   payments      collected
--   technicians   the scorecard's people and their shifts (not their position or contact details)
-- A row per org is made by the first change (the upsert); an org with none reads as version 0.
CREATE TRIGGER `kpi_version_job_facts_insert` AFTER INSERT ON `job_facts`
BEGIN
  INSERT INTO `kpi_versions` (`org_id`, `version`) VALUES (NEW.`org_id`, 1)
  ON CONFLICT (`org_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `kpi_version_job_facts_update` AFTER UPDATE ON `job_facts`
BEGIN
  INSERT INTO `kpi_versions` (`org_id`, `version`) VALUES (NEW.`org_id`, 1)
  ON CONFLICT (`org_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `kpi_version_job_facts_delete` AFTER DELETE ON `job_facts`
BEGIN
  INSERT INTO `kpi_versions` (`org_id`, `version`) VALUES (OLD.`org_id`, 1)
  ON CONFLICT (`org_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `kpi_version_jobs_insert` AFTER INSERT ON `jobs`
BEGIN
  INSERT INTO `kpi_versions` (`org_id`, `version`) VALUES (NEW.`org_id`, 1)
  ON CONFLICT (`org_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `kpi_version_jobs_update` AFTER UPDATE OF `status`, `scheduled_start`, `created_at` ON `jobs`
WHEN OLD.`status` IS NOT NEW.`status` OR OLD.`scheduled_start` IS NOT NEW.`scheduled_start` OR OLD.`created_at` IS NOT NEW.`created_at`
BEGIN
  INSERT INTO `kpi_versions` (`org_id`, `version`) VALUES (NEW.`org_id`, 1)
  ON CONFLICT (`org_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `kpi_version_jobs_delete` AFTER DELETE ON `jobs`
BEGIN
  INSERT INTO `kpi_versions` (`org_id`, `version`) VALUES (OLD.`org_id`, 1)
  ON CONFLICT (`org_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `kpi_version_invoices_insert` AFTER INSERT ON `invoices`
BEGIN
  INSERT INTO `kpi_versions` (`org_id`, `version`) VALUES (NEW.`org_id`, 1)
  ON CONFLICT (`org_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `kpi_version_invoices_update` AFTER UPDATE OF `status`, `issued_at`, `created_at`, `subtotal_cents`, `total_cents`, `paid_cents` ON `invoices`
BEGIN
  INSERT INTO `kpi_versions` (`org_id`, `version`) VALUES (NEW.`org_id`, 1)
  ON CONFLICT (`org_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `kpi_version_invoices_delete` AFTER DELETE ON `invoices`
BEGIN
  INSERT INTO `kpi_versions` (`org_id`, `version`) VALUES (OLD.`org_id`, 1)
  ON CONFLICT (`org_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `kpi_version_payments_insert` AFTER INSERT ON `payments`
BEGIN
  INSERT INTO `kpi_versions` (`org_id`, `version`) VALUES (NEW.`org_id`, 1)
  ON CONFLICT (`org_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `kpi_version_payments_update` AFTER UPDATE ON `payments`
BEGIN
  INSERT INTO `kpi_versions` (`org_id`, `version`) VALUES (NEW.`org_id`, 1)
  ON CONFLICT (`org_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `kpi_version_payments_delete` AFTER DELETE ON `payments`
BEGIN
  INSERT INTO `kpi_versions` (`org_id`, `version`) VALUES (OLD.`org_id`, 1)
  ON CONFLICT (`org_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `kpi_version_technicians_insert` AFTER INSERT ON `technicians`
BEGIN
  INSERT INTO `kpi_versions` (`org_id`, `version`) VALUES (NEW.`org_id`, 1)
  ON CONFLICT (`org_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `kpi_version_technicians_update` AFTER UPDATE OF `name`, `colour`, `shift_start`, `shift_end`, `shift_days`, `timezone`, `active` ON `technicians`
BEGIN
  INSERT INTO `kpi_versions` (`org_id`, `version`) VALUES (NEW.`org_id`, 1)
  ON CONFLICT (`org_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `kpi_version_technicians_delete` AFTER DELETE ON `technicians`
BEGIN
  INSERT INTO `kpi_versions` (`org_id`, `version`) VALUES (OLD.`org_id`, 1)
  ON CONFLICT (`org_id`) DO UPDATE SET `version` = `version` + 1;
END;
