CREATE TABLE `room_connections` (
	`session_id` text NOT NULL,
	`user_id` text NOT NULL,
	`kind` text NOT NULL,
	`room` text NOT NULL,
	`opened_at` integer NOT NULL,
	PRIMARY KEY(`session_id`, `kind`, `room`),
	FOREIGN KEY (`session_id`) REFERENCES `sessions`(`token_hash`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `room_connections_user_idx` ON `room_connections` (`user_id`);--> statement-breakpoint
CREATE INDEX `room_connections_opened_idx` ON `room_connections` (`opened_at`);