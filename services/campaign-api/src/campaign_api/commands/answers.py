"""What a person reads back from a `/send` command: the API's answers as text.

Pure: takes the API's JSON bodies, returns lines.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any


def _when(value: str | None) -> str:
    if not value:
        return "-"
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return f"{moment:%Y-%m-%d %H:%M:%S} UTC"


def _count(n: int | None) -> str:
    return "?" if n is None else f"{n:,}"


def describe_content(content: dict[str, Any], limit: int = 60) -> str:
    kind = content.get("kind")
    if kind == "text":
        text = str(content.get("text", ""))
        return repr(text if len(text) <= limit else text[: limit - 1] + "…")
    if kind == "media":
        caption = content.get("caption")
        return f"{content.get('media_type')} {content.get('file')}" + (
            f" with caption {caption!r}" if caption else ""
        )
    if kind == "ai":
        return f"AI-written text from the prompt {str(content.get('prompt', ''))[:limit]!r}"
    if kind == "whatsapp_template":
        return f"WhatsApp template {content.get('template_name')}"
    if kind == "template":
        return f"template {content.get('template')}"
    return str(kind)


def _audience(audience: dict[str, Any]) -> str:
    kind = audience.get("kind")
    if kind == "all":
        return "everyone"
    if kind == "test":
        return f"your own dialog ({audience.get('external_id')})"
    if kind == "list":
        ids = audience.get("external_ids") or []
        return f"{len(ids):,} listed ids" if ids else "the uploaded list"
    if kind == "contacts":
        return f"{len(audience.get('contact_ids') or []):,} selected dialogs"
    if kind == "filter":
        labels = audience.get("labels_any") or audience.get("labels_all")
        return f"dialogs labelled {', '.join(labels)}" if labels else "the filtered dialogs"
    return str(kind)


def campaign_created(body: dict[str, Any]) -> list[str]:
    lines = []
    for campaign in body.get("campaigns", []):
        steps = campaign.get("steps", [])
        what = describe_content(campaign.get("content", {}))
        if len(steps) > 1:
            what += f" ({len(steps)} messages)"
        sid = campaign["sending_id"]
        estimated = campaign["progress"].get("estimated_audience")
        lines.append(
            f"sid{sid} {campaign['name']!r} on {campaign['connection_id']}: {what} to "
            f"{_audience(campaign.get('audience', {}))} (about {_count(estimated)} recipients), "
            f"starting {_when(campaign.get('start_at'))}, "
            f"{campaign.get('interval_seconds', 0):g} s between messages. "
            f"Status: /send sid{sid}; cancel before it starts: /send sid{sid} del"
        )
    if not body.get("created", True):
        lines.insert(0, "This request was made before; nothing new was created.")
    return lines


def _progress(campaign: dict[str, Any]) -> str:
    p = campaign["progress"]
    audience = p.get("audience_size")
    if audience is None:
        audience = p.get("estimated_audience")
    return (
        f"{campaign['status']}, {_count(audience)} "
        f"recipients: {p['sent']:,} sent, {p['failed']:,} failed, {p['skipped']:,} skipped, "
        f"{p['cancelled']:,} cancelled, {_count(p.get('remaining'))} remaining"
    )


def sendings(body: dict[str, Any]) -> list[str]:
    items = body.get("items", [])
    if not items:
        return ["No sendings yet."]
    return [
        f"sid{c['sending_id']} {c['name']!r} on {c['connection_id']}, "
        f"start {_when(c.get('start_at'))}: {_progress(c)}"
        for c in items
    ]


def sending(campaign: dict[str, Any], *, report: bool = True) -> list[str]:
    """A sending's status; with `report`, where its CSV report is."""
    lines = [
        f"sid{campaign['sending_id']} {campaign['name']!r} on {campaign['connection_id']}: "
        f"{describe_content(campaign.get('content', {}))} to "
        f"{_audience(campaign.get('audience', {}))}, start {_when(campaign.get('start_at'))}",
        _progress(campaign),
    ]
    for reason in campaign.get("failure_reasons", []):
        code = f" [{reason['error_code']}]" if reason.get("error_code") else ""
        lines.append(f"  {reason['count']:,} {reason['status']}{code}: {reason['error_reason']}")
    if report:
        lines.append(f"Report: {campaign['links']['report']}")
    return lines


def cancelled(campaign: dict[str, Any]) -> list[str]:
    return [
        f"sid{campaign['sending_id']} {campaign['name']!r} is cancelled: none of it will be sent."
    ]


def templates(body: dict[str, Any]) -> list[str]:
    items = body.get("items", [])
    if not items:
        return ["No templates yet: reply to a message with /send NAME to start one."]
    return [f"{t['name']}: {len(t['steps'])} step(s)" for t in items]


def template(body: dict[str, Any]) -> list[str]:
    steps = body.get("steps", [])
    lines = [f"Template {body['name']}: {len(steps)} step(s)"]
    for step in steps:
        lines.append(
            f"  step {step['step_id']} (#{step['position']}, {step['when']}): "
            f"{describe_content(step['content'])}"
        )
    return lines


def template_deleted(name: str) -> list[str]:
    return [f"Template {name} is deleted; campaigns made from it keep their messages."]
