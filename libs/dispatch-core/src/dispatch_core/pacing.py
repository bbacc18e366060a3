"""Pacing one connection's sends within its limits.

One process sends for a connection at a time (it holds the connection's lease,
see `ownership`), so the pacer lives in memory and sees every send.  A send is
booked (`wait_turn`), leaves (`depart`, right before the request is written) and
is answered (`answered`); a booking that never leaves is `release`d.

* rate: sends are spaced `1/rate` apart on a virtual schedule (GCRA); a send
  late by up to `LATENESS_FORGIVEN` keeps its place on the schedule, so the
  sends after it catch up; one later than that moves the schedule to
  `LATENESS_FORGIVEN` behind it while the connection is sending, and after a
  quiet spell starts it afresh; so at most that much ever bursts;
* a hard guard keeps every 1-second window of the platform at or under `rate`
  sends: a request reaches the platform some time between the moment it left
  and the moment its answer came back, so send `k + rate` is allowed only a
  second after the answer to send `k` (or, while that answer is still awaited,
  a second and a margin after it left; not before it has left);
* `min_gap_seconds` between two sends of the account and
  `per_recipient_interval_seconds` between two sends to one person, counted
  like the window: from the latest moment the earlier one may have arrived;
* a pause (429 `retry_after`, a restricted account) holds every send.

A process that takes a connection over `resume`s from what its predecessor left
in PostgreSQL (when it last sent, until when the platform asked it to wait), so
the gaps and windows hold across a failover too.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from .limits import Limits

WINDOW = 1.0
IN_FLIGHT_MARGIN = 0.05
"""How late, at most, a request that has left is taken to arrive while its
answer is still awaited."""
SAFETY = 0.002
LATENESS_FORGIVEN = 0.25
"""How late, in seconds (or one interval, if longer), a send may be and keep its
place on the schedule: a stall of a busy machine up to this long is caught up,
in a burst the window guard keeps within the rate (why 0.25 s:
docs/decisions/dispatch-report-batches-and-lateness.md)."""
RECIPIENTS_REMEMBERED = 10_000


@dataclass(eq=False)
class Booking:
    """One send: when it was allowed, when it left, when its answer came back."""

    recipient: str
    allowed_at: float
    departed_at: float | None = None
    answered_at: float | None = None
    released: bool = False
    before: Booking | None = field(default=None, repr=False)
    """The account's previous booking."""
    before_to: Booking | None = field(default=None, repr=False)
    """The previous booking to the same person."""

    @property
    def latest_arrival(self) -> float:
        """The latest moment it may reach the platform: its answer's, or while that
        is awaited, a margin after it left; not known (inf) before it has left;
        never (-inf) once released."""
        if self.answered_at is not None:
            return self.answered_at
        if self.departed_at is not None:
            return self.departed_at + IN_FLIGHT_MARGIN
        return -math.inf if self.released else math.inf


@dataclass
class PacerState:
    """What a successor must honour, in wall-clock (Unix) seconds."""

    last_send_at: float | None
    paused_until: float | None


class SendPacer:
    def __init__(
        self,
        limits: Limits,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._clock = clock
        self._wall_clock = wall_clock
        self._sleep = sleep
        self._lock = asyncio.Lock()
        self._changed = asyncio.Event()
        self._recent: deque[Booking] = deque()
        self._last: Booking | None = None
        self._last_to: OrderedDict[str, Booking] = OrderedDict()
        self._last_departure = -math.inf
        """The latest moment a send may have reached the platform: when it left,
        or, once answered, when its answer came back."""
        self._theoretical = 0.0
        self._not_before = -math.inf
        self._paused_until = 0.0
        self.limits = limits

    def pause(self, seconds: float) -> None:
        self._paused_until = max(self._paused_until, self._clock() + seconds)

    @property
    def paused_for(self) -> float:
        return max(0.0, self._paused_until - self._clock())

    def _earliest(self, recipient: str, now: float) -> float:
        limits = self.limits
        at = max(now, self._paused_until, self._not_before)
        if limits.min_gap_seconds and self._last is not None:
            at = max(at, self._last.latest_arrival + limits.min_gap_seconds)
        if limits.rate_per_second:
            at = max(at, self._theoretical)
            per_window = max(1, math.floor(limits.rate_per_second))
            while self._recent and self._recent[0].latest_arrival <= now - WINDOW - SAFETY:
                self._recent.popleft()
            if len(self._recent) >= per_window:
                at = max(at, self._recent[-per_window].latest_arrival + WINDOW + SAFETY)
        last = self._last_to.get(recipient)
        if last is not None and limits.per_recipient_interval_seconds:
            at = max(at, last.latest_arrival + limits.per_recipient_interval_seconds)
        return at

    async def wait_turn(self, recipient: str, lead: float = 0.0) -> Booking:
        """Wait until a message to `recipient` may leave, less `lead` (what the
        sender does before the call, done while the turn comes), and book the
        moment it may leave; then `await ready(booking)`, `depart(booking)` as the
        request goes out (or `release` it), and `answered(booking)` when the
        platform's answer arrives."""
        async with self._lock:
            while True:
                self._changed.clear()
                now = self._clock()
                at = self._earliest(recipient, now)
                if at <= now + lead:
                    break
                if math.isinf(at):
                    await self._changed.wait()  # a booked send has yet to leave
                else:
                    await self._sleep(at - lead - now)
            return self._book(recipient, max(at, now))

    async def ready(self, booking: Booking) -> None:
        """Wait for the moment a booking made ahead of its turn allows."""
        early = booking.allowed_at - self._clock()
        if early > 0:
            await self._sleep(early)

    def depart(self, booking: Booking) -> None:
        now = self._clock()
        booking.departed_at = now
        booking.before = booking.before_to = None  # settled: nothing to restore
        self._last_departure = max(self._last_departure, now)
        self._changed.set()

    def answered(self, booking: Booking) -> None:
        booking.answered_at = self._clock()
        self._last_departure = max(self._last_departure, booking.answered_at)
        self._changed.set()

    def release(self, booking: Booking) -> None:
        """A booked send that will not leave (stopped, or not this process's to send)."""
        if booking.departed_at is not None or booking.released:
            return
        booking.released = True
        with contextlib.suppress(ValueError):
            self._recent.remove(booking)
        if self._last is booking:
            self._last = booking.before
        if self._last_to.get(booking.recipient) is booking:
            if booking.before_to is None:
                del self._last_to[booking.recipient]
            else:
                self._last_to[booking.recipient] = booking.before_to
        booking.before = booking.before_to = None
        self._changed.set()

    def _book(self, recipient: str, now: float) -> Booking:
        booking = Booking(
            recipient=recipient,
            allowed_at=now,
            before=self._last,
            before_to=self._last_to.get(recipient),
        )
        rate = self.limits.rate_per_second
        if rate:
            interval = 1.0 / rate
            forgiven = max(interval, LATENESS_FORGIVEN)
            if now - self._theoretical <= forgiven:
                self._theoretical += interval  # on schedule, or catching up
            elif self._last is not None and now - self._last.allowed_at <= forgiven:
                # late while sending: held by the window guard (its answers come
                # back after their slots, so the schedule falls behind by the round
                # trip every second), or a stall; the schedule keeps `forgiven` of
                # catching up, so a stall then is not lost on top of the drift
                self._theoretical = now - forgiven + interval
            else:
                self._theoretical = now + interval  # after a quiet spell: afresh
            self._recent.append(booking)
        self._last = booking
        self._last_to[recipient] = booking
        self._last_to.move_to_end(recipient)
        if len(self._last_to) > RECIPIENTS_REMEMBERED:
            self._last_to.popitem(last=False)
        return booking

    # across processes

    def state(self) -> PacerState:
        """When this connection last sent and until when it must wait, as wall-clock
        times, for the process that sends for it next."""
        offset = self._wall_clock() - self._clock()
        last = self._last_departure
        return PacerState(
            last_send_at=None if math.isinf(last) else last + offset,
            paused_until=(
                self._paused_until + offset if self._paused_until > self._clock() else None
            ),
        )

    def resume(self, state: PacerState) -> None:
        """Honour what the process that sent for this connection before left: its
        last send (nothing for a gap, a window or one person's interval after it,
        for any person) and its pause."""
        offset = self._clock() - self._wall_clock()
        limits = self.limits
        if state.last_send_at is not None:
            quiet = max(
                limits.min_gap_seconds,
                limits.per_recipient_interval_seconds,
                WINDOW + SAFETY if limits.rate_per_second else 0.0,
            )
            self._not_before = max(self._not_before, state.last_send_at + offset + quiet)
            self._last_departure = max(self._last_departure, state.last_send_at + offset)
        if state.paused_until is not None:
            self._paused_until = max(self._paused_until, state.paused_until + offset)
