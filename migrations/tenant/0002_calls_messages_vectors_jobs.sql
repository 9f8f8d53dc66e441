CREATE TABLE `memory_vectors` (
	`memory_id` integer PRIMARY KEY NOT NULL,
	`caller_id` text NOT NULL,
	`embedding` blob NOT NULL,
	`model` text NOT NULL,
	`dimensions` integer NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `memory_vectors_caller` ON `memory_vectors` (`caller_id`);--> statement-breakpoint
CREATE TABLE `messages` (
	`id` text PRIMARY KEY NOT NULL,
	`call_sid` text,
	`caller_id` text,
	`caller_name` text,
	`callback_number` text,
	`body` text NOT NULL,
	`urgency` text DEFAULT 'normal' NOT NULL,
	`recording_url` text,
	`status` text DEFAULT 'new' NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `messages_status` ON `messages` (`status`,`created_at`);--> statement-breakpoint
CREATE TABLE `post_call_jobs` (
	`call_sid` text PRIMARY KEY NOT NULL,
	`status` text DEFAULT 'queued' NOT NULL,
	`steps` text DEFAULT '{}' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
ALTER TABLE `calls` ADD `end_reason` text;--> statement-breakpoint
ALTER TABLE `calls` ADD `transferred_to` text;--> statement-breakpoint
ALTER TABLE `calls` ADD `tools_used` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `calls` ADD `model_input_tokens` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `calls` ADD `model_output_tokens` integer DEFAULT 0 NOT NULL;