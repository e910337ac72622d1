-- WITHOUT ROWID (added by hand; drizzle-kit has no option for it): the table is its own
-- (thread_id, seq) b-tree, one b-tree per entry instead of a rowid table plus its key index.
CREATE TABLE `message_seq` (
	`thread_id` text NOT NULL,
	`seq` integer NOT NULL,
	`message_rowid` integer NOT NULL,
	PRIMARY KEY(`thread_id`, `seq`)
) WITHOUT ROWID;
--> statement-breakpoint
DROP INDEX `messages_thread_seq`;--> statement-breakpoint
-- Messages stored before this change: index them all now.
INSERT INTO `message_seq` (`thread_id`, `seq`, `message_rowid`)
  SELECT `thread_id`, `seq`, rowid FROM `messages`;--> statement-breakpoint
INSERT INTO `meta` (`key`, `value`)
  SELECT 'seq_index_upto', CAST(coalesce(max(rowid), 0) AS TEXT) FROM `messages` WHERE true
  ON CONFLICT (`key`) DO NOTHING;
