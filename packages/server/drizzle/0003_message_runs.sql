-- WITHOUT ROWID (added by hand; drizzle-kit has no option for it): the table is its own
-- (thread_id, first_seq) b-tree. A run never crosses a multiple of 256 seqs (RUN_SPAN in
-- store/sqlite/seq-index.ts), so readers find the run holding a seq by a range seek.
CREATE TABLE `message_runs` (
	`thread_id` text NOT NULL,
	`first_seq` integer NOT NULL,
	`last_seq` integer NOT NULL,
	`rowids` text NOT NULL,
	PRIMARY KEY(`thread_id`, `first_seq`)
) WITHOUT ROWID;
--> statement-breakpoint
-- The order indexed so far, one row per message, becomes runs: each thread's indexed seqs are
-- 1..n with no gap, so every group below is a contiguous run.
INSERT INTO `message_runs` (`thread_id`, `first_seq`, `last_seq`, `rowids`)
  SELECT `thread_id`, min(`seq`), max(`seq`), json_group_array(`message_rowid` ORDER BY `seq`)
  FROM `message_seq` GROUP BY `thread_id`, (`seq` - 1) / 256;--> statement-breakpoint
DROP TABLE `message_seq`;
