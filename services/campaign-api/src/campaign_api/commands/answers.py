"""What a person reads back from a `/send` command: the API's answers as text.

Pure: takes the API's JSON bodies, returns lines, each a `Text` (English message
ids, rendered in the caller's language by `texts`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .texts import Text

STATUSES = {
    "scheduled": Text("scheduled"),
    "running": Text("running"),
    "paused": Text("paused"),
    "completed": Text("completed"),
    "cancelled": Text("cancelled"),
}
DELIVERY_STATUSES = {
    "sent": Text("sent"),
    "failed": Text("failed"),
    "skipped": Text("skipped"),
    "cancelled": Text("cancelled"),
    "unknown": Text("unknown"),
    "deferred": Text("deferred"),
}


def status(value: str) -> Text | str:
    """A campaign's status in words."""
    return STATUSES.get(value, value)


def _when(value: str | None) -> str:
    if not value:
        return "-"
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return f"{moment:%Y-%m-%d %H:%M:%S} UTC"


def _count(n: int | None) -> str:
    return "?" if n is None else f"{n:,}"


def describe_content(content: dict[str, Any], limit: int = 60) -> Text | str:
    kind = content.get("kind")
    if kind == "text":
        text = str(content.get("text", ""))
        return repr(text if len(text) <= limit else text[: limit - 1] + "…")
    if kind == "media":
        caption = content.get("caption")
        what = f"{content.get('media_type')} {content.get('file')}"
        if caption:
            return Text("%(media)s with caption %(caption)r", media=what, caption=caption)
        return what
    if kind == "ai":
        prompt = str(content.get("prompt", ""))[:limit]
        return Text("AI-written text from the prompt %(prompt)r", prompt=prompt)
    if kind == "whatsapp_template":
        return Text("WhatsApp template %(name)s", name=content.get("template_name"))
    if kind == "template":
        return Text("template %(name)s", name=content.get("template"))
    return str(kind)


def _audience(audience: dict[str, Any]) -> Text | str:
    kind = audience.get("kind")
    if kind == "all":
        return Text("everyone")
    if kind == "test":
        return Text("your own dialog (%(id)s)", id=audience.get("external_id"))
    if kind == "list":
        ids = audience.get("external_ids") or []
        return (
            Text("%(count)s listed ids", count=_count(len(ids)))
            if ids
            else Text("the uploaded list")
        )
    if kind == "contacts":
        count = _count(len(audience.get("contact_ids") or []))
        return Text("%(count)s selected dialogs", count=count)
    if kind == "filter":
        labels = audience.get("labels_any") or audience.get("labels_all")
        if labels:
            return Text("dialogs labelled %(labels)s", labels=", ".join(labels))
        return Text("the filtered dialogs")
    return str(kind)


def campaign_created(body: dict[str, Any]) -> list[Text]:
    lines = []
    for campaign in body.get("campaigns", []):
        steps = campaign.get("steps", [])
        what = describe_content(campaign.get("content", {}))
        if len(steps) > 1:
            what = Text("%(what)s (%(count)s messages)", what=what, count=len(steps))
        lines.append(
            Text(
                "sid%(sid)s %(name)r on %(connection)s: %(what)s to %(audience)s (about "
                "%(estimated)s recipients), starting %(start)s, %(interval)s s between "
                "messages. Status: /send sid%(sid)s; cancel before it starts: /send sid%(sid)s del",
                sid=campaign["sending_id"],
                name=campaign["name"],
                connection=campaign["connection_id"],
                what=what,
                audience=_audience(campaign.get("audience", {})),
                estimated=_count(campaign["progress"].get("estimated_audience")),
                start=_when(campaign.get("start_at")),
                interval=format(campaign.get("interval_seconds", 0), "g"),
            )
        )
    for check in body.get("preflight", []):
        lines += preflight(check)
    if not body.get("created", True):
        lines.insert(0, Text("This request was made before; nothing new was created."))
    return lines


KEPT_OUT = {
    "reply_window": Text("reply window closed"),
    "opted_out": Text("opted out"),
    "unknown": Text("no dialog"),
    "monthly_limit": Text("monthly limit"),
}
WARNINGS = {
    "interval_below_min_gap": Text("the interval is below the connection's minimum gap"),
    "starts_in_quiet_hours": Text("the start is inside quiet hours for some recipients"),
    "step_after_reply_window": Text("a step of the chain goes past the 24-hour reply window"),
    "ai_without_model": Text("no language model is configured: the built-in writer writes"),
}


def preflight(check: dict[str, Any]) -> list[Text]:
    """One connection's pre-flight: who is messaged, kept out by rule, when it ends,
    who waits for quiet hours, warnings."""
    lines = [
        Text(
            "Pre-flight on %(connection)s: %(count)s of %(matching)s will be messaged, "
            "at least %(seconds)s s apart, done around %(finish)s.",
            connection=check["connection_id"],
            count=_count(check["will_send"]),
            matching=_count(check["matching"]),
            seconds=format(check["seconds_apart"], ".3g"),
            finish=_when(check["finish_at"]),
        )
    ]
    kept = [(KEPT_OUT.get(rule, rule), n) for rule, n in check["kept_out"].items() if n]
    if kept:
        parts = [Text("%(rule)s: %(count)s", rule=rule, count=_count(n)) for rule, n in kept]
        lines.append(Text("Kept out: %(rules)s.", rules=_joined(parts)))
    quiet = check.get("quiet")
    if quiet:
        lines.append(
            Text(
                "%(count)s wait for their quiet hours to end, until %(until)s at the latest.",
                count=_count(quiet["count"]),
                until=_when(quiet["until"]),
            )
        )
    for warning in check.get("warnings", []):
        said = WARNINGS.get(warning["code"], warning["message"])
        lines.append(Text("Warning: %(warning)s.", warning=said))
    return lines


class _Joined(Text):
    """Texts joined by commas, each rendered in the caller's language."""

    def __init__(self, parts: list[Text]) -> None:
        super().__init__("", parts=parts)

    def render(self, translations: Any = None) -> str:
        parts: list[Text] = list(self.values["parts"])  # type: ignore[call-overload]
        return ", ".join(part.render(translations) for part in parts)


def _joined(parts: list[Text]) -> Text:
    return _Joined(parts)


def _progress(campaign: dict[str, Any]) -> Text:
    p = campaign["progress"]
    audience = p.get("audience_size")
    if audience is None:
        audience = p.get("estimated_audience")
    return Text(
        "%(status)s, %(audience)s recipients: %(sent)s sent, %(failed)s failed, %(skipped)s "
        "skipped, %(cancelled)s cancelled, %(remaining)s remaining",
        status=status(campaign["status"]),
        audience=_count(audience),
        sent=_count(p["sent"]),
        failed=_count(p["failed"]),
        skipped=_count(p["skipped"]),
        cancelled=_count(p["cancelled"]),
        remaining=_count(p.get("remaining")),
    )


def sendings(body: dict[str, Any]) -> list[Text]:
    items = body.get("items", [])
    if not items:
        return [Text("No sendings yet.")]
    return [
        Text(
            "sid%(sid)s %(name)r on %(connection)s, start %(start)s: %(progress)s",
            sid=c["sending_id"],
            name=c["name"],
            connection=c["connection_id"],
            start=_when(c.get("start_at")),
            progress=_progress(c),
        )
        for c in items
    ]


def _failures(campaign: dict[str, Any]) -> list[Text]:
    lines = []
    for reason in campaign.get("failure_reasons", []):
        code = " [" + str(reason["error_code"]) + "]" if reason.get("error_code") else ""
        lines.append(
            Text(
                "  %(count)s %(status)s%(code)s: %(reason)s",
                count=_count(reason["count"]),
                status=DELIVERY_STATUSES.get(reason["status"], reason["status"]),
                code=code,
                reason=reason["error_reason"],
            )
        )
    return lines


def sending(campaign: dict[str, Any], *, report: bool = True) -> list[Text]:
    """A sending's status; with `report`, where its CSV report is."""
    lines = [
        Text(
            "sid%(sid)s %(name)r on %(connection)s: %(what)s to %(audience)s, start %(start)s",
            sid=campaign["sending_id"],
            name=campaign["name"],
            connection=campaign["connection_id"],
            what=describe_content(campaign.get("content", {})),
            audience=_audience(campaign.get("audience", {})),
            start=_when(campaign.get("start_at")),
        ),
        _progress(campaign),
        *_failures(campaign),
    ]
    if report:
        lines.append(Text("Report: %(link)s", link=campaign["links"]["report"]))
    return lines


def cancelled(campaign: dict[str, Any]) -> list[Text]:
    return [
        Text(
            "sid%(sid)s %(name)r is cancelled: none of it will be sent.",
            sid=campaign["sending_id"],
            name=campaign["name"],
        )
    ]


def resent(original: dict[str, Any], body: dict[str, Any]) -> list[Text]:
    """A resend: whom it picked and left out, and the sendings it made (made before,
    when asked again)."""
    left = _classes(body.get("left_out", {}))
    if not body.get("campaigns"):
        return [
            Text(
                "Nobody to resend to in sid%(sid)s: no delivery failed in a way that may pass "
                "or has an unknown outcome (left out: %(left)s; add a class: /send sid%(sid)s "
                "resend CLASS)",
                sid=original["sending_id"],
                left=left or "—",
            )
        ]
    head = Text(
        "sid%(sid)s is resent to %(count)s recipients it did not reach (%(picked)s); left "
        "out: %(left)s",
        sid=original["sending_id"],
        count=_count(body.get("recipients")),
        picked=_classes(body.get("picked", {})),
        left=left or "—",
    )
    return [head, *campaign_created(body)]


def _classes(counts: dict[str, int]) -> str:
    return ", ".join(f"{count} {name}" for name, count in sorted(counts.items()))


def paused(campaign: dict[str, Any]) -> list[Text]:
    return [
        Text(
            "sid%(sid)s %(name)r is paused: nothing more is sent until /send sid%(sid)s resume.",
            sid=campaign["sending_id"],
            name=campaign["name"],
        )
    ]


def resumed(campaign: dict[str, Any]) -> list[Text]:
    return [
        Text(
            "sid%(sid)s %(name)r goes on where it stopped.",
            sid=campaign["sending_id"],
            name=campaign["name"],
        )
    ]


def templates(body: dict[str, Any]) -> list[Text]:
    items = body.get("items", [])
    if not items:
        return [Text("No templates yet: reply to a message with /send NAME to start one.")]
    return [
        Text("%(name)s: %(count)s step(s)", name=t["name"], count=len(t["steps"])) for t in items
    ]


def template(body: dict[str, Any]) -> list[Text]:
    steps = body.get("steps", [])
    lines = [Text("Template %(name)s: %(count)s step(s)", name=body["name"], count=len(steps))]
    for step in steps:
        lines.append(
            Text(
                "  step %(id)s (#%(position)s, %(when)s): %(what)s",
                id=step["step_id"],
                position=step["position"],
                when=step["when"],
                what=describe_content(step["content"]),
            )
        )
    return lines


def template_deleted(name: str) -> list[Text]:
    return [
        Text("Template %(name)s is deleted; campaigns made from it keep their messages.", name=name)
    ]
