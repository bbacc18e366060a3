from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from campaign_api.domain.model import Connection, Principal, Refusal, Tenant
from campaign_api.domain.planning import check_monthly_limit, month_bounds, plan_campaigns
from campaign_api.domain.templates import Template, TemplateStep
from contracts.campaigns import CampaignSpec
from contracts.content import AiContent, TextContent

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
ADMIN = Principal(tenant_id="acme", role="admin", key_id="k")
OPERATOR = Principal(tenant_id="acme", role="operator", key_id="o")
TENANT = Tenant("acme", "paid", 4000, NOW + timedelta(days=30))
CONNECTIONS = [
    Connection("acme", "tg-main", "telegram_bot"),
    Connection("acme", "wa-main", "whatsapp"),
    Connection("acme", "ig-main", "instagram"),
]


def spec(**fields: Any) -> CampaignSpec:
    body = {
        "audience": {"kind": "all"},
        "content": {"kind": "text", "text": "Hello {name}"},
        **fields,
    }
    return CampaignSpec.model_validate(body)


def plan(
    s: CampaignSpec,
    *,
    principal: Principal = ADMIN,
    tenant: Tenant = TENANT,
    template: Template | None = None,
) -> list[Any]:
    return plan_campaigns(
        s, principal=principal, tenant=tenant, connections=CONNECTIONS, template=template, now=NOW
    )


def test_one_campaign_per_connection_without_connection_id() -> None:
    planned = plan(spec())
    assert [p.connection_id for p in planned] == ["ig-main", "tg-main", "wa-main"]
    assert len({p.id for p in planned}) == 3


def test_filter_channels_choose_the_connections() -> None:
    planned = plan(spec(audience={"kind": "filter", "channels": ["telegram"]}))
    assert [p.connection_id for p in planned] == ["tg-main"]


def test_named_connection_must_exist_and_fit_the_audience() -> None:
    with pytest.raises(Refusal, match="unknown connection 'nope'"):
        plan(spec(connection_id="nope"))
    with pytest.raises(Refusal, match="whatsapp account"):
        plan(spec(connection_id="wa-main", audience={"kind": "filter", "channels": ["telegram"]}))


def test_default_name_from_the_date_and_time() -> None:
    assert plan(spec(connection_id="tg-main"))[0].name == "Campaign 2026-11-23 10:00:00 UTC"
    assert plan(spec(connection_id="tg-main", name="  Sale "))[0].name == "Sale"


def test_start_after_the_subscription_ends_is_refused_with_what_to_do() -> None:
    with pytest.raises(Refusal) as refused:
        plan(spec(start_at="2027-06-01 00:00:00"))
    assert refused.value.code == "subscription_ends_before_start"
    assert "extend the subscription" in refused.value.reason


def test_ended_subscription_is_refused() -> None:
    ended = Tenant("acme", "paid", 4000, NOW - timedelta(days=1))
    with pytest.raises(Refusal, match="ended on 2026-11-22"):
        plan(spec(), tenant=ended)


def test_past_start_time_means_now() -> None:
    assert plan(spec(connection_id="tg-main", start_at="2024-12-27 14:25:55"))[0].start_at == NOW


def test_operators_may_only_send_a_template_to_one_dialog() -> None:
    with pytest.raises(Refusal) as refused:
        plan(spec(), principal=OPERATOR)
    assert refused.value.status == 403
    template = Template(
        "acme", "welcome", (TemplateStep(1, 0, TextContent(text="Hi")),), next_step_id=2
    )
    one = spec(
        connection_id="tg-main",
        audience={"kind": "contacts", "contact_ids": ["tg-main:42"]},
        content={"kind": "template", "template": "welcome"},
    )
    assert len(plan(one, principal=OPERATOR, template=template)) == 1


def test_unknown_template_is_refused() -> None:
    with pytest.raises(Refusal, match="unknown template 'nope'"):
        plan(spec(content={"kind": "template", "template": "nope"}))


def test_content_must_suit_the_messenger() -> None:
    with pytest.raises(Refusal, match="whatsapp cannot send a video_note"):
        plan(
            spec(
                connection_id="wa-main",
                content={"kind": "media", "media_type": "video_note", "file": "x"},
            )
        )
    with pytest.raises(Refusal, match="shorter than 1000"):
        plan(spec(connection_id="ig-main", content={"kind": "text", "text": "x" * 1500}))


def test_test_audience_does_not_count_toward_the_quota() -> None:
    planned = plan(spec(connection_id="tg-main", audience={"kind": "test", "external_id": "42"}))
    assert planned[0].counts_toward_quota is False


def test_month_bounds_roll_over_the_year() -> None:
    start, end = month_bounds(datetime(2026, 12, 31, 23, 59, tzinfo=UTC))
    assert (start, end) == (datetime(2026, 12, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))


def test_a_campaign_past_the_monthly_limit_is_refused() -> None:
    tenant = Tenant("acme", "free", 500, None)
    planned = [replace(p, estimated_audience=200) for p in plan(spec(connection_id="tg-main"))]
    check_monthly_limit(tenant, planned, committed=300)
    with pytest.raises(Refusal) as refused:
        check_monthly_limit(tenant, planned, committed=301)
    assert refused.value.code == "monthly_limit"
    assert "about 200 messages" in refused.value.reason
    assert "monthly limit of 500 for 2026-11" in refused.value.reason


def test_test_sends_and_unknown_estimates_do_not_count() -> None:
    tenant = Tenant("acme", "free", 10, None)
    test_send = plan(spec(connection_id="tg-main", audience={"kind": "test", "external_id": "1"}))
    check_monthly_limit(tenant, [replace(p, estimated_audience=1) for p in test_send], committed=10)
    check_monthly_limit(tenant, plan(spec(connection_id="tg-main")), committed=10)


def ai(fallback_text: str) -> dict[str, Any]:
    return {"kind": "ai", "prompt": "Invite them to our tasting", "fallback_text": fallback_text}


@pytest.mark.parametrize(
    ("connection_id", "fallback_text", "code", "message"),
    [
        ("ig-main", "x" * 1000, "fallback_text_too_long", "shorter than 1000 characters"),
        ("wa-main", "x" * 3897, "fallback_text_too_long", "at most 3896; this one has 3897"),
        ("tg-main", "Hi {{name}}!", "fallback_text_placeholder", "{x} is not a personal field"),
        ("tg-main", "Hi [Name]!", "fallback_text_placeholder", "[Name] is not"),
        ("tg-main", "Hi {first name}!", "fallback_text_placeholder", "{first name} is not"),
        ("wa-main", "Hi <name>!", "fallback_text_placeholder", "<name> is not"),
    ],
)
def test_the_fallback_text_must_suit_the_channel(
    connection_id: str, fallback_text: str, code: str, message: str
) -> None:
    with pytest.raises(Refusal) as refused:
        plan(spec(connection_id=connection_id, content=ai(fallback_text)))
    assert refused.value.status == 422
    assert refused.value.code == code
    assert refused.value.reason.startswith("content.fallback_text: ")
    assert message in refused.value.reason


def test_a_fallback_text_that_fits_is_accepted() -> None:
    fits = {
        "ig-main": "x" * 999,
        "wa-main": "x" * 3896,
        "tg-main": "Hi {first_name|there}, see you in {city}! {name} " + "x" * 4000,
    }
    for connection_id, fallback_text in fits.items():
        assert plan(spec(connection_id=connection_id, content=ai(fallback_text[:4096])))


def test_a_template_steps_fallback_text_is_named_by_its_step() -> None:
    template = Template(
        "acme",
        "chain",
        (
            TemplateStep(1, 0, TextContent(text="Hi")),
            TemplateStep(2, 0, AiContent(**ai("x" * 1200))),
        ),
        next_step_id=3,
    )
    with pytest.raises(Refusal, match=r"^step 2: fallback_text: Instagram texts"):
        plan(
            spec(connection_id="ig-main", content={"kind": "template", "template": "chain"}),
            template=template,
        )
