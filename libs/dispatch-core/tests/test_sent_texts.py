"""The text an outcome says was sent: the job's text, a media message's caption, a
WhatsApp template's name and parameters, or what the platform client says it sent."""

from __future__ import annotations

from contracts.dispatch import OutboundMedia, OutboundTemplate, OutboundText
from dispatch_core.results import sent_text


def test_a_text_is_itself_and_a_media_message_its_caption() -> None:
    assert sent_text(OutboundText(text="Hi Anna")) == "Hi Anna"
    photo = OutboundMedia(media_type="photo", file="AgAD", caption="Our new shop")
    assert sent_text(photo) == "Our new shop"
    assert sent_text(photo.model_copy(update={"caption": None})) is None


def test_a_template_is_its_name_language_and_parameters() -> None:
    template = OutboundTemplate(
        template_name="spring_offer",
        language="de",
        components=[
            {"type": "header", "parameters": [{"type": "text", "text": "Anna"}]},
            {
                "type": "body",
                "parameters": [
                    {"type": "text", "text": "20%"},
                    {"type": "currency", "currency": {"fallback_value": "9,90 €", "code": "EUR"}},
                ],
            },
            {"type": "button", "sub_type": "url", "index": "0", "parameters": []},
        ],
    )
    assert sent_text(template) == "[spring_offer (de)] Anna; 20%; 9,90 €"
    bare = OutboundTemplate(template_name="hello_world", language="en_US")
    assert sent_text(bare) == "[hello_world (en_US)]"
