"""What every text-writing backend offers the composer."""

from __future__ import annotations

from typing import Protocol

from contracts.dispatch import Composition

from ..domain.model import Brief, Draft


class Backend(Protocol):
    @property
    def name(self) -> str:
        """`openai` or `builtin`: the label of its metrics and logs."""
        ...

    @property
    def composition(self) -> Composition:
        """What a delivery records when this backend's text is sent."""
        ...

    async def write(self, brief: Brief) -> Draft:
        """A draft for `brief`; raises `GenerationFailed` when there is none to be had."""
        ...

    async def close(self) -> None: ...
