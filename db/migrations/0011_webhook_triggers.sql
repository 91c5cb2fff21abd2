-- Outgoing webhooks' events (core/webhooks.ts), written in the same transaction as the change they
-- tell of, by whichever writer made it: the API, a board room's outbox, billing. Each subscribed,
-- active endpoint of the org gets a pending delivery; worker/webhooks/deliver.ts sends them.
-- The message id is the same on every attempt (Standard Webhooks' webhook-id), so a receiver can
-- drop a message it already has.
CREATE TRIGGER `webhooks_job_events` AFTER INSERT ON `job_events`
WHEN NEW.`kind` IN ('created', 'rescheduled', 'status_changed')
  AND EXISTS (SELECT 1 FROM `webhook_endpoints` WHERE `org_id` = NEW.`org_id` AND `active` = 1)
BEGIN
  INSERT INTO `webhook_deliveries` (`id`, `org_id`, `endpoint_id`, `message_id`, `event`, `payload`, `status`, `attempts`, `next_attempt_at`, `created_at`)
  SELECT lower(hex(randomblob(16))), NEW.`org_id`, e.`id`, 'msg_' || NEW.`id` || '_' || ev.`name`, ev.`name`,
    json_object(
      'type', ev.`name`,
      'timestamp', strftime('%Y-%m-%dT%H:%M:%fZ', NEW.`at` / 1000.0, 'unixepoch'),
      'data', json_object(
        'jobId', NEW.`job_id`,
        'change', NEW.`kind`,
        'actorUserId', NEW.`actor_user_id`,
        'before', json(coalesce(NEW.`before`, 'null')),
        'after', json(coalesce(NEW.`after`, 'null'))
      )
    ),
    'pending', 0, NEW.`at`, NEW.`at`
  FROM `webhook_endpoints` e
  JOIN (
    SELECT CASE NEW.`kind` WHEN 'created' THEN 'job.created' WHEN 'rescheduled' THEN 'job.scheduled' ELSE 'job.status_changed' END AS `name`
    UNION ALL
    SELECT 'job.completed' WHERE NEW.`kind` = 'status_changed' AND json_extract(NEW.`after`, '$.status') = 'completed'
  ) ev
  WHERE e.`org_id` = NEW.`org_id` AND e.`active` = 1 AND EXISTS (SELECT 1 FROM json_each(e.`events`) WHERE `value` = ev.`name`);
END;
--> statement-breakpoint
CREATE TRIGGER `webhooks_invoice_events` AFTER INSERT ON `audit_events`
WHEN NEW.`entity` = 'invoice' AND NEW.`action` IN ('send', 'paid')
  AND EXISTS (SELECT 1 FROM `webhook_endpoints` WHERE `org_id` = NEW.`org_id` AND `active` = 1)
BEGIN
  INSERT INTO `webhook_deliveries` (`id`, `org_id`, `endpoint_id`, `message_id`, `event`, `payload`, `status`, `attempts`, `next_attempt_at`, `created_at`)
  SELECT lower(hex(randomblob(16))), NEW.`org_id`, e.`id`, 'msg_' || NEW.`id`, ev.`name`,
    json_object(
      'type', ev.`name`,
      'timestamp', strftime('%Y-%m-%dT%H:%M:%fZ', NEW.`at` / 1000.0, 'unixepoch'),
      'data', json_object(
        'invoiceId', NEW.`entity_id`,
        'actorUserId', NEW.`actor_user_id`,
        'before', json(coalesce(NEW.`before`, 'null')),
        'after', json(coalesce(NEW.`after`, 'null'))
      )
    ),
    'pending', 0, NEW.`at`, NEW.`at`
  FROM `webhook_endpoints` e
  JOIN (SELECT CASE NEW.`action` WHEN 'send' THEN 'invoice.sent' ELSE 'invoice.paid' END AS `name`) ev
  WHERE e.`org_id` = NEW.`org_id` AND e.`active` = 1 AND EXISTS (SELECT 1 FROM json_each(e.`events`) WHERE `value` = ev.`name`);
END;
