"""The built-in backend: the offline writer, for when no model is configured.

Its texts are marked `ai_builtin`, so a campaign's report shows they were not
written by a language model."""

from __future__ import annotations

from typing import Final

from contracts.dispatch import Composition

from ..domain.model import Brief, Draft
from ..domain.writer import write


class BuiltinBackend:
    name: Final = "builtin"
    composition: Final[Composition] = "ai_builtin"

    async def write(self, brief: Brief) -> Draft:
        return Draft(write(brief))

    async def close(self) -> None:
        """Holds nothing to release."""
