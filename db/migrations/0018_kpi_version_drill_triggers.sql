-- The drill-downs are cached like the report (worker/kpis/kpis.ts), so the org's KPI data version
-- (migration 0015) also moves with what their rows show and no figure depends on: a customer's
-- name, and a job's technician, customer or return-visit link (the lists of scheduled and waiting
-- jobs show them; a done job's facts already follow them). A technician's name was already there.
CREATE TRIGGER `kpi_version_customers_name` AFTER UPDATE OF `name` ON `customers`
WHEN OLD.`name` IS NOT NEW.`name`
BEGIN
  INSERT INTO `kpi_versions` (`org_id`, `version`) VALUES (NEW.`org_id`, 1)
  ON CONFLICT (`org_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `kpi_version_jobs_listed` AFTER UPDATE OF `technician_id`, `customer_id`, `return_visit_of` ON `jobs`
WHEN OLD.`technician_id` IS NOT NEW.`technician_id` OR OLD.`customer_id` IS NOT NEW.`customer_id` OR OLD.`return_visit_of` IS NOT NEW.`return_visit_of`
BEGIN
  INSERT INTO `kpi_versions` (`org_id`, `version`) VALUES (NEW.`org_id`, 1)
  ON CONFLICT (`org_id`) DO UPDATE SET `version` = `version` + 1;
END;
