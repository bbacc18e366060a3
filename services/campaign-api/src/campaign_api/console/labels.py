"""Texts the console's code shows (statuses, channels), marked for the catalogues."""

from __future__ import annotations

from .i18n import N_, translations

STATUS_LABELS = {
    "scheduled": N_("Scheduled"),
    "running": N_("Running"),
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


def translate(language: str, message: str) -> str:
    return translations(language).gettext(message)
