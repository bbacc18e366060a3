"""What a campaign sends: text, media, AI-written text, or a template chain."""

from __future__ import annotations

import json
import re
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import Field, ValidationInfo, field_validator

from .base import Input, is_stored

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024

MediaType = Literal[
    "photo", "video", "voice", "video_note", "sticker", "document", "animation", "audio"
]
MEDIA_TYPES: tuple[MediaType, ...] = (
    "photo",
    "video",
    "voice",
    "video_note",
    "sticker",
    "document",
    "animation",
    "audio",
)

FILE_ID = re.compile(r"^[A-Za-z0-9_-]+$")
FILE_PATTERN = r"^(?:[A-Za-z0-9_-]+|[Hh][Tt][Tt][Pp][Ss]?://[^\s/?#@:][^\s]*)$"
"""What `_media_file` takes, as JSON Schema says it: a file id, or an http(s) URL
with a host and no spaces."""
FILE_HELP = (
    "an http:// or https:// URL (like `https://example.com/sale.jpg`), or the platform's "
    "file id (letters, digits, `-` and `_`, like a Telegram file_id or a WhatsApp media id)"
)


def _media_file(value: str) -> str:
    """An http(s) URL with a host, or a file id; no other scheme (`file:`, `ftp:`, ...)."""
    if FILE_ID.match(value):
        return value
    try:
        parts = urlsplit(value)
    except ValueError:
        parts = None
    if (
        parts is None
        or parts.scheme.lower() not in {"http", "https"}
        or not parts.hostname
        or any(c.isspace() for c in value)
    ):
        raise ValueError(f"{value[:80]!r} is neither: give {FILE_HELP}")
    return value


TEMPLATE_NAME_PATTERN = r"^[A-Za-z][A-Za-z0-9_-]{0,63}$"
TemplateName = Annotated[
    str,
    Field(
        pattern=TEMPLATE_NAME_PATTERN,
        description="A Latin letter first, then letters, digits, `-` or `_` (at most 64)",
    ),
]


class TextContent(Input):
    """A ready text; `{name}`-style personal fields are filled per recipient."""

    kind: Literal["text"] = "text"
    text: str = Field(min_length=1, max_length=TEXT_LIMIT)


class MediaContent(Input):
    """A photo, video, voice, video note, sticker, document, animation or audio."""

    kind: Literal["media"] = "media"
    media_type: MediaType
    file: str = Field(min_length=1, max_length=2048, description=f"What to send: {FILE_HELP}")
    caption: str | None = Field(default=None, max_length=CAPTION_LIMIT)

    @field_validator("file")
    @classmethod
    def _file(cls, value: str, info: ValidationInfo) -> str:
        return value if is_stored(info.context) else _media_file(value)


class AiContent(Input):
    """A prompt; the AI composer writes a different message for every recipient."""

    kind: Literal["ai"] = "ai"
    prompt: str = Field(min_length=1, max_length=4000)
    fallback_text: str = Field(
        min_length=1,
        max_length=TEXT_LIMIT,
        description="Sent (with personal fields filled) when generation fails",
    )


class TemplateContent(Input):
    """A named chain of messages, each step sent its delay after the previous one."""

    kind: Literal["template"] = "template"
    template: TemplateName


class WhatsAppTemplateContent(Input):
    """A WhatsApp message template approved by Meta: the only kind of message a
    WhatsApp number may send to a person outside the 24-hour window.  Text
    parameters in `components` may hold `{name}`-style personal fields."""

    kind: Literal["whatsapp_template"] = "whatsapp_template"
    template_name: str = Field(min_length=1, max_length=512, pattern=r"^[a-z0-9_]+$")
    language: str = Field(default="en_US", min_length=2, max_length=15)
    components: list[dict[str, Any]] = Field(
        default_factory=list, description="The Cloud API's `components` (header, body, buttons)"
    )

    @field_validator("components")
    @classmethod
    def _no_nul(cls, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """A NUL character is no text a platform sends, and no JSON PostgreSQL stores."""
        if "\\u0000" in json.dumps(value):
            raise ValueError("components contain a NUL character (\\u0000): remove it")
        return value


StepContent = Annotated[
    TextContent | MediaContent | AiContent | WhatsAppTemplateContent, Field(discriminator="kind")
]
"""What one message (one template step) holds."""

Content = Annotated[
    TextContent | MediaContent | AiContent | WhatsAppTemplateContent | TemplateContent,
    Field(discriminator="kind"),
]
"""What a campaign sends."""
