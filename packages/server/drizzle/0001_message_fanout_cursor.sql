-- message.created webhook events are now derived from `messages` (a fan-out cursor over its
-- rowid) instead of an outbox row per message. A database from before this change has already
-- fanned out its messages through those rows: start the new cursor after them.
INSERT INTO `meta` (`key`, `value`)
  SELECT 'message_fanout_cursor', CAST(coalesce(max(rowid), 0) AS TEXT) FROM `messages`
  WHERE EXISTS (SELECT 1 FROM `meta` WHERE `key` = 'outbox_fanout_cursor')
  ON CONFLICT (`key`) DO NOTHING;
