-- A campaign's columns as repo.campaigns' `_run` reads them into a CampaignRun:
-- every statement that returns a campaign to the release loop takes them from here.
id, tenant_id, connection_id, channel, name, steps, step_count, interval_seconds,
start_at, counts_toward_quota, status, audience_size, batch_count, batches_received,
recipients_loaded, recipients_done, outstanding, next_slot_at, sent, failed, skipped,
cancelled, unknown, final_event_at, monthly_limit, held_until, paused_at,
auto_pause_ratio, auto_pause_window, recent_attempts,
snapshot_requested_at IS NOT NULL AS snapshot_requested, clock_timestamp() AS now,
quiet_start, quiet_end, default_timezone
