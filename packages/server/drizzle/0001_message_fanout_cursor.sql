-- message.created webhook events are now derived from `messages` (a fan-out cursor over its
-- rowid) instead of an outbox row per message. A database from before this change has fanned
-- out its messages through those rows up to `outbox_fanout_cursor`: the new cursor starts just
-- before the first message whose row was not handed out yet (the rows name their message in
-- the payload), or after every message when all were.
INSERT INTO `meta` (`key`, `value`)
  SELECT 'message_fanout_cursor', CAST(coalesce(
      (SELECT min(m.rowid) - 1 FROM `outbox` o
         JOIN `messages` m ON m.id = json_extract(o.payload, '$.message.id')
         WHERE o.type = 'message.created'
           AND o.rowid > (SELECT CAST(`value` AS INTEGER) FROM `meta` WHERE `key` = 'outbox_fanout_cursor')),
      (SELECT max(rowid) FROM `messages`),
      0) AS TEXT)
  WHERE EXISTS (SELECT 1 FROM `meta` WHERE `key` = 'outbox_fanout_cursor')
  ON CONFLICT (`key`) DO NOTHING;
