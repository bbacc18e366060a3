"""The one backoff: waits grow by the factor up to the longest, jitter only
shortens them (by at most its share), and retry_transient waits by it, retrying
what is transient and nothing that fails the same way again."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Awaitable, Callable

import asyncpg
import pydantic
import pytest
from service_kit.backoff import TRANSIENT, Backoff
from service_kit.retry import retry_transient
from test_support.waiting import eventually


def test_waits_grow_by_the_factor_and_stop_at_the_longest() -> None:
    assert [TRANSIENT.delay(n) for n in range(1, 10)] == [
        0.05,
        0.1,
        0.2,
        0.4,
        0.8,
        1.6,
        3.2,
        5.0,
        5.0,
    ]
    meta = Backoff(first=4.0, longest=900.0, factor=4.0)
    assert [meta.delay(n) for n in range(1, 7)] == [4.0, 16.0, 64.0, 256.0, 900.0, 900.0]


def test_a_first_wait_longer_than_the_longest_is_cut_to_it() -> None:
    assert Backoff(first=10.0, longest=8.0).delay(1) == 8.0


def test_a_long_outage_stays_at_the_longest_wait() -> None:
    assert TRANSIENT.delay(5000) == 5.0  # 2.0 ** 4999 is past a float's range


def test_jitter_takes_at_most_its_share_off_and_never_adds() -> None:
    jittered = Backoff(first=1.0, longest=8.0, jitter=0.25)
    for failures, plain in [(1, 1.0), (3, 4.0), (9, 8.0)]:
        waits = [jittered.delay(failures) for _ in range(500)]
        assert all(plain * 0.75 <= wait <= plain for wait in waits)
        assert len(set(waits)) > 1, "jitter varies the waits"


def test_without_jitter_the_waits_are_exact() -> None:
    assert {Backoff(first=0.5, longest=30.0).delay(3) for _ in range(50)} == {2.0}


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"first": -1.0, "longest": 1.0}, "first"),
        ({"first": 1.0, "longest": -1.0}, "longest"),
        ({"first": 1.0, "longest": 1.0, "factor": 0.5}, "factor"),
        ({"first": 1.0, "longest": 1.0, "jitter": 1.5}, "jitter"),
    ],
)
def test_a_backoff_that_makes_no_sense_is_refused_naming_the_field(
    fields: dict[str, float], named: str
) -> None:
    with pytest.raises(ValueError, match=named):
        Backoff(**fields)


def test_there_is_no_wait_before_the_first_failure() -> None:
    with pytest.raises(ValueError, match="failures"):
        TRANSIENT.delay(0)


def failing(
    errors: list[BaseException], answer: str = "done"
) -> tuple[Callable[[], Awaitable[str]], list[float]]:
    """An operation that fails with `errors` in turn, then answers; and when each
    call came."""
    calls: list[float] = []

    async def operation() -> str:
        calls.append(time.monotonic())
        if len(calls) <= len(errors):
            raise errors[len(calls) - 1]
        return answer

    return operation, calls


async def test_transient_failures_are_retried_after_the_backoffs_waits() -> None:
    errors: list[BaseException] = [
        asyncpg.PostgresConnectionError("gone"),
        ConnectionResetError("reset"),
        TimeoutError(),
    ]
    operation, calls = failing(errors)
    backoff = Backoff(first=0.02, longest=0.05)
    assert await retry_transient(operation, what="query", backoff=backoff) == "done"
    gaps = [later - earlier for earlier, later in itertools.pairwise(calls)]
    assert len(gaps) == 3
    for gap, wait in zip(gaps, [0.02, 0.04, 0.05], strict=True):
        assert gap >= wait * 0.9


@pytest.mark.parametrize(
    "error",
    [
        asyncpg.DataError("invalid byte sequence"),
        asyncpg.ProgramLimitExceededError("index row size exceeds maximum"),
        OverflowError("date value out of range"),
        KeyError("a bug"),
    ],
)
async def test_what_fails_the_same_way_again_is_raised_at_once(error: Exception) -> None:
    operation, calls = failing([error])
    with pytest.raises(type(error)):
        await retry_transient(operation, what="query")
    assert len(calls) == 1


async def test_a_model_that_cannot_be_built_is_not_retried() -> None:
    class Recipient(pydantic.BaseModel):
        count: int

    calls = 0

    async def build() -> Recipient:
        nonlocal calls
        calls += 1
        return Recipient.model_validate({"count": "many"})

    with pytest.raises(pydantic.ValidationError):
        await retry_transient(build, what="build")
    assert calls == 1


async def test_retry_on_widens_what_is_retried() -> None:
    operation, calls = failing([KeyError("a bug"), KeyError("a bug")])
    quick = Backoff(first=0.001, longest=0.001)
    assert await retry_transient(operation, what="work", backoff=quick, retry_on=(Exception,))
    assert len(calls) == 3


async def test_give_up_after_raises_the_failure_once_the_time_is_spent() -> None:
    operation, calls = failing([ConnectionRefusedError("down")] * 1000)
    quick = Backoff(first=0.01, longest=0.01)
    started = time.monotonic()
    with pytest.raises(ConnectionRefusedError):
        await retry_transient(operation, what="connect", backoff=quick, give_up_after=0.1)
    assert 0.1 <= time.monotonic() - started < 1.0
    assert 2 <= len(calls) < 100


async def test_without_give_up_after_it_retries_until_cancelled() -> None:
    operation, calls = failing([ConnectionRefusedError("down")] * 1000)
    quick = Backoff(first=0.001, longest=0.001)
    task = asyncio.create_task(retry_transient(operation, what="connect", backoff=quick))

    async def retried_five_times() -> bool:
        return len(calls) >= 5

    await eventually(retried_five_times, what="five attempts")
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
