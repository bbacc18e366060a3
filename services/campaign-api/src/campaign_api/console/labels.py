"""Texts the console's code shows (statuses, channels), marked for the catalogues."""

from __future__ import annotations

from service_kit.catalogues import N_

from .i18n import translations

STATUS_LABELS = {
    "scheduled": N_("Scheduled"),
    "running": N_("Running"),
    "paused": N_("Paused"),
    "completed": N_("Completed"),
    "cancelled": N_("Cancelled"),
}

DELIVERY_LABELS = {
    "pending": N_("Pending"),
    "waiting": N_("Waiting for allowance"),
    "sent": N_("Delivered"),
    "failed": N_("Failed"),
    "skipped": N_("Skipped"),
    "cancelled": N_("Cancelled"),
    "unknown": N_("Unknown"),
}

CHANNEL_LABELS = {
    "telegram_bot": N_("Telegram bot"),
    "telegram_user": N_("Telegram personal account"),
    "whatsapp": N_("WhatsApp"),
    "instagram": N_("Instagram"),
}

CONTENT_LABELS = {
    "text": N_("Text"),
    "media": N_("Media"),
    "ai": N_("AI generation"),
    "whatsapp_template": N_("WhatsApp template"),
}

LIMIT_LABELS = {
    "rate_per_second": N_("Messages per second"),
    "per_recipient_interval_seconds": N_("Seconds between messages to one person"),
    "max_in_flight": N_("Requests at once"),
    "min_gap_seconds": N_("Seconds between messages"),
    "daily_recipient_cap": N_("People per day"),
    "warmup_days": N_("Warm-up days without mass sending"),
    "warmup_start_per_day": N_("People per day after those days"),
    "warmup_daily_increase": N_("Daily increase during the warm-up"),
    "max_attempts": N_("Attempts of a failing message"),
    "reply_window_hours": N_("Only people who wrote within (hours)"),
}


def translate(language: str, message: str) -> str:
    return translations(language).gettext(message)
