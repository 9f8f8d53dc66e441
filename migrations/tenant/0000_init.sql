CREATE TABLE `call_summaries` (
	`call_sid` text PRIMARY KEY NOT NULL,
	`caller_id` text,
	`summary` text NOT NULL,
	`method` text NOT NULL,
	`sentiment` text,
	`open_items` text DEFAULT '[]' NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `call_summaries_caller` ON `call_summaries` (`caller_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `callers` (
	`id` text PRIMARY KEY NOT NULL,
	`phone` text NOT NULL,
	`first_name` text,
	`last_name` text,
	`profile` text DEFAULT '{}' NOT NULL,
	`profile_template` text,
	`bio` text DEFAULT '' NOT NULL,
	`call_count` integer DEFAULT 0 NOT NULL,
	`last_call_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `callers_phone_unique` ON `callers` (`phone`);--> statement-breakpoint
CREATE TABLE `calls` (
	`call_sid` text PRIMARY KEY NOT NULL,
	`caller_id` text,
	`from_number` text NOT NULL,
	`to_number` text NOT NULL,
	`direction` text DEFAULT 'inbound' NOT NULL,
	`status` text DEFAULT 'in-progress' NOT NULL,
	`outcome` text,
	`started_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`ended_at` text,
	`duration_seconds` integer,
	`post_call_status` text DEFAULT 'none' NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `calls_caller` ON `calls` (`caller_id`,`started_at`);--> statement-breakpoint
CREATE INDEX `calls_started` ON `calls` (`started_at`);--> statement-breakpoint
CREATE TABLE `lead_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`lead_id` text NOT NULL,
	`type` text NOT NULL,
	`from_stage` text,
	`to_stage` text,
	`note` text,
	`actor` text,
	`at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`lead_id`) REFERENCES `leads`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `lead_events_lead` ON `lead_events` (`lead_id`,`at`);--> statement-breakpoint
CREATE TABLE `leads` (
	`id` text PRIMARY KEY NOT NULL,
	`caller_id` text,
	`name` text,
	`phone` text,
	`email` text,
	`reason` text,
	`source` text NOT NULL,
	`stage` text DEFAULT 'new' NOT NULL,
	`call_sid` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `leads_stage` ON `leads` (`stage`,`updated_at`);--> statement-breakpoint
CREATE INDEX `leads_caller` ON `leads` (`caller_id`);--> statement-breakpoint
CREATE TABLE `memories` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`caller_id` text NOT NULL,
	`type` text NOT NULL,
	`key` text NOT NULL,
	`value` text NOT NULL,
	`source_call_sid` text,
	`source_turn` integer,
	`confidence` real DEFAULT 1 NOT NULL,
	`observed_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`valid_from` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`valid_to` text,
	`superseded_by` integer,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`caller_id`) REFERENCES `callers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `memories_caller_current` ON `memories` (`caller_id`,`valid_to`);--> statement-breakpoint
CREATE INDEX `memories_caller_key` ON `memories` (`caller_id`,`type`,`key`);--> statement-breakpoint
CREATE TABLE `personality_averages` (
	`caller_id` text NOT NULL,
	`metric` text NOT NULL,
	`average` real NOT NULL,
	`samples` integer NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	PRIMARY KEY(`caller_id`, `metric`)
);
--> statement-breakpoint
CREATE TABLE `personality_metrics` (
	`call_sid` text NOT NULL,
	`caller_id` text NOT NULL,
	`metric` text NOT NULL,
	`value` real NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	PRIMARY KEY(`call_sid`, `metric`)
);
--> statement-breakpoint
CREATE INDEX `personality_metrics_caller` ON `personality_metrics` (`caller_id`);--> statement-breakpoint
CREATE TABLE `sms_outbox` (
	`id` text PRIMARY KEY NOT NULL,
	`dedupe_key` text NOT NULL,
	`to_number` text NOT NULL,
	`body` text NOT NULL,
	`status` text DEFAULT 'queued' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` text,
	`provider_sid` text,
	`last_error` text,
	`call_sid` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sms_outbox_dedupe` ON `sms_outbox` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `sms_outbox_status` ON `sms_outbox` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `transcript_turns` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`call_sid` text NOT NULL,
	`seq` integer NOT NULL,
	`speaker` text NOT NULL,
	`text` text NOT NULL,
	`at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `transcript_turns_call_seq` ON `transcript_turns` (`call_sid`,`seq`);