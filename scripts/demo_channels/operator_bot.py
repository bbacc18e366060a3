"""The operator bot: the demo tenant links its operators' Telegram group (a simulated
forum group with its own bot); a scripted admin posts a photo in General and replies
`/send all` to it, then asks `/send sid<n>`.  The demo prints what the bot answered,
its notices when the sending starts and ends, and the report it posted."""

from __future__ import annotations

import time
from typing import Any

import httpx

from .common import TELEGRAM_SIM, call, heading
from .telegram import CONNECTION

GROUP = -1009990000001
BOT_ID = "9900000001"
BOT_TOKEN = f"{BOT_ID}:AAdemo-operator-group-bot-token-000"
ADMIN = {"id": 555001, "first_name": "Alla", "username": "alla_admin"}
WAIT_SECONDS = 90


def post(sim: httpx.Client, text: str | None = None, **fields: Any) -> dict[str, Any]:
    """The admin writes in General."""
    body = {"bot_id": BOT_ID, "from": ADMIN, "chat_id": GROUP, "is_forum": True, **fields}
    if text is not None:
        body["text"] = text
    message: dict[str, Any] = call(sim, "POST", "/_sim/telegram/updates", json=body)["message"]
    return message


def replies(sim: httpx.Client, message: dict[str, Any], count: int) -> list[dict[str, Any]]:
    """The bot's messages replying to `message`, once there are `count` of them."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        query = {"account": BOT_ID, "recipient": GROUP}
        calls = call(sim, "GET", "/_sim/calls", params=query)["calls"]
        found = [c for c in calls if c["status"] == 200 and _replies_to(c, message)]
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.5)


def _replies_to(found: dict[str, Any], message: dict[str, Any]) -> bool:
    params = found["params"]
    target = params.get("reply_to_message_id") or (params.get("reply_parameters") or {})
    if isinstance(target, dict):
        target = target.get("message_id")
    return str(target) == str(message["message_id"])


def sending_id(found: list[dict[str, Any]]) -> str:
    """The `sid<n>` the bot's first answer names."""
    words = str(found[0]["params"].get("text", "")).split() if found else []
    return next((w.strip(":.,;()") for w in words if w.startswith("sid")), "sid1")


def show(found: list[dict[str, Any]], sim: httpx.Client) -> None:
    for reply in found:
        if reply["method"] == "sendDocument":
            document = reply["response"]["result"]["document"]
            report = sim.get(f"/_sim/telegram/files/{document['file_id']}").text
            rows = report.splitlines()
            example = rows[1] if len(rows) > 1 else ""
            print(f"  bot posted the report {document.get('file_name')}: {len(rows) - 1} rows")
            print(f"    e.g. {example}")
        else:
            print("  bot: " + str(reply["params"].get("text", "")).replace("\n", "\n       "))


def run(api: httpx.Client) -> None:
    heading("The operator bot: /send in the team's Telegram group")
    call(
        api,
        "PUT",
        f"/v1/operator-groups/{GROUP}",
        json={"bot_token": BOT_TOKEN, "language": "en", "allowed_user_ids": []},
    )
    with httpx.Client(base_url=TELEGRAM_SIM, timeout=30) as sim:
        call(sim, "PUT", f"/_sim/telegram/chats/{GROUP}/members/{ADMIN['id']}",
             json={"status": "creator", "user": {"first_name": "Alla"}})  # fmt: skip
        print(f"group {GROUP} linked with its bot; Alla administers it")
        photo = post(sim, media="photo", caption="Our winter collection is here!")
        command = post(sim, f"/send all {CONNECTION}", reply_to_message_id=photo["message_id"])
        print(f"Alla, in General, replying to a photo: /send all {CONNECTION}")
        found = replies(sim, command, count=4)
        show(found, sim)
        sid = sending_id(found)
        status = post(sim, f"/send {sid}")
        print(f"Alla: /send {sid}")
        show(replies(sim, status, count=1), sim)
    print(f"(the customers got the photo from {CONNECTION}, by its Telegram file id)")
