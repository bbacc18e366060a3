from __future__ import annotations

import pytest
from platform_sim.ratelimit import Limit, SlidingLog
from platform_sim.recorder import Recorder, Stats


def test_limit_from_rates() -> None:
    assert Limit.per_second(30) == Limit(30, 1.0)
    assert Limit.per_second(1) == Limit(1, 1.0)
    one_in_six = Limit.per_second(1 / 6)
    assert one_in_six.count == 1
    assert one_in_six.window == pytest.approx(6.0)


def test_window_is_half_open() -> None:
    log = SlidingLog()
    limit = Limit(2, 1.0)
    log.add("k", 10.0, 1.0)
    log.add("k", 10.4, 1.0)
    assert not log.allows("k", 10.99, limit)
    assert log.allows("k", 11.0, limit)  # the event at 10.0 left the window (10.0, 11.0]
    assert log.count("k", 11.4, 1.0) == 0
    assert log.count("other", 11.4, 1.0) == 0


def test_keys_are_independent() -> None:
    log = SlidingLog()
    log.add(("chat", 1), 0.0, 1.0)
    assert log.count(("chat", 1), 0.5, 1.0) == 1
    assert log.count(("chat", 2), 0.5, 1.0) == 0
    log.clear()
    assert log.count(("chat", 1), 0.5, 1.0) == 0


def test_busiest_window_counts_sends_in_any_second() -> None:
    stats = Stats()
    for at in (0.0, 0.3, 0.99, 1.0, 1.2, 2.5):
        stats.on_send("bot", at)
    # [0.3, 1.3) holds 0.3, 0.99, 1.0, 1.2
    assert stats.as_dict()["accounts"]["bot"]["max_in_any_1s_window"] == 4


def test_recorder_since_and_capacity() -> None:
    recorder = Recorder("telegram", capacity=3)
    for n in range(5):
        recorder.record(
            at=float(n), account="a", method="m", recipient=None, params={}, status=200, response={}
        )
    assert [call["seq"] for call in recorder.query()] == [3, 4, 5]
    assert [call["seq"] for call in recorder.query(since=4)] == [5]
    assert [call["seq"] for call in recorder.query(since=1)] == [3, 4, 5]
    assert recorder.query(since=9) == []
