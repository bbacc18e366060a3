"""The JSON log lines: a broker restart's expected errors are warnings."""

from __future__ import annotations

import json
import logging

import pytest
from service_kit.logs import configure_logging


def _lines(captured: str) -> list[dict[str, str]]:
    return [json.loads(line) for line in captured.splitlines() if line.startswith("{")]


@pytest.mark.parametrize(
    ("logger", "message"),
    [
        (
            "aio_pika.tools",
            "Callback <OneShotCallback: cb=<bound method RobustChannel._on_close of "
            "<aio_pika.robust_channel.RobustChannel object at 0x7f5d2e0b1350>>> error: "
            "ChannelInvalidStateError: No active transport in channel",
        ),
        (
            "aiormq.connection",
            'Unexpected connection close from remote "amqp://guest:******@127.0.0.1:5672/", '
            'Connection.Close(reply_code=320, reply_text="CONNECTION_FORCED - broker forced '
            "connection closure with reason 'shutdown'\")",
        ),
        (
            "aiormq.connection",
            "error when creating transport: <AMQPConnectionError: (111, 'Connection refused')>",
        ),
        (
            "service_kit.broker",
            "CancelledError: [Errno 320] CONNECTION_FORCED - broker forced connection closure "
            "with reason 'shutdown'",
        ),
    ],
    ids=[
        "channel close callback",
        "connection closed by the broker",
        "reconnect refused",
        "handler cancelled by the broker's shutdown",
    ],
)
def test_a_broker_restart_is_logged_as_a_warning(
    capsys: pytest.CaptureFixture[str], logger: str, message: str
) -> None:
    configure_logging("test")
    logging.getLogger(logger).error(message)
    [line] = _lines(capsys.readouterr().out)
    assert line["level"] == "warning"
    assert line["event"] == message


def test_other_errors_of_the_broker_clients_stay_errors(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("test")
    logging.getLogger("aio_pika.tools").error("Callback <x> error: KeyError: 'y'")
    logging.getLogger("aiormq.connection").error("Unexpected frame")
    logging.getLogger("service_kit.broker").error("CancelledError: ")
    levels = [line["level"] for line in _lines(capsys.readouterr().out)]
    assert levels == ["error", "error", "error"]
