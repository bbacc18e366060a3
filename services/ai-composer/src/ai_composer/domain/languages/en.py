"""English: the writer's language when neither the prompt nor the recipient names another."""

from __future__ import annotations

import re

from . import Language, PhraseBank, lead, words

_PLEASE = r"^(?:please\s+)?"
_WRITE = _PLEASE + r"(?:write|compose|create|draft|send|prepare|craft|generate)\b[^:]*?"
_AUDIENCE = (
    r"(?:the\s+|our\s+|all\s+)?(?:customers?|clients?|recipients?|users?|subscribers?|"
    r"followers?|people|everyone|them)"
)
_MESSAGE = r"^(?:an?\s+)?(?:message|text|note|broadcast|announcement)\s+(?:to|for)\s+"

PHRASES = PhraseBank(
    greetings=(
        "Hi {name}!",
        "Hello {name}!",
        "Hey {name},",
        "Dear {name},",
        "{name}, hi!",
        "Hi {name}, hope you're doing well!",
        "Hello {name}, hope your week is going well!",
        "Greetings, {name}!",
        "Good to see you here, {name}!",
        "Hi there, {name}!",
    ),
    anonymous_greetings=(
        "Hi there!",
        "Hello!",
        "Hey!",
        "Good day!",
        "Hi, hope you're doing well!",
        "Greetings!",
        "Hello, hope your week is going well!",
    ),
    openers=(
        "Quick heads-up: {topic}.",
        "We have news for you: {topic}.",
        "Here's what's new: {topic}.",
        "You're among the first to hear it: {topic}.",
        "We didn't want you to miss this: {topic}.",
        "Something we think you'll like: {topic}.",
        "Good news from our side: {topic}.",
        "Just so you know: {topic}.",
        "A little something for you: {topic}.",
        "Fresh from us: {topic}.",
        "Straight to the point: {topic}.",
        "We're happy to tell you: {topic}.",
    ),
    announcements=(
        "We have some news for you.",
        "Here's a quick update from us.",
        "We wanted to share something with you.",
        "A short note from our team.",
        "Here's what's new with us.",
        "Something new from our side.",
    ),
    bridges=(
        "We thought you'd want to know.",
        "It's been a while, so here's a quick update.",
        "We think it's right up your street.",
        "This one is worth a look.",
        "We'd love for you to be part of it.",
        "We put it together with our regulars in mind.",
        "It's a small thing, but we think you'll like it.",
        "We're quite excited about this one.",
        "Thank you for staying with us.",
        "It only takes a moment to check it out.",
        "We wanted you to hear it from us first.",
        "We hope it makes your day a little better.",
    ),
    name_bridges=(
        "This one's for you, {name}.",
        "{name}, we thought of you first.",
        "We'd be glad to have you with us, {name}.",
        "{name}, we hope this is good news for you.",
        "We kept you in mind for this, {name}.",
    ),
    details=(
        "{detail}.",
        "Also: {detail}.",
        "On top of that: {detail}.",
        "One more thing: {detail}.",
    ),
    places=(
        "Especially for you in {city}.",
        "Our customers in {city} hear it first.",
        "Good news for {city}, too.",
        "We thought of everyone in {city} first.",
    ),
    labels=(
        "Since you're on our {label} list, you hear about it first.",
        "As part of our {label} circle, you get the news early.",
        "This one goes out to our {label} list first.",
    ),
    interests=(
        "We know you like {value}, so this should suit you.",
        "With your taste for {value}, we think you'll enjoy it.",
    ),
    purchases=(
        "It goes nicely with your last purchase: {value}.",
        "If you liked {value}, you'll like this too.",
    ),
    first_order=("Thanks for your first order with us!", "We're glad you ordered from us!"),
    orders=(
        "Thanks for your {count} orders so far!",
        "{count} orders with us: thank you for your trust!",
    ),
    calls_to_action=(
        "Reply to this message to learn more.",
        "Just reply here and we'll send you the details.",
        "Write back if you have any questions.",
        "Tap reply and we'll take care of the rest.",
        "Send us a message to find out more.",
        "Let us know if you're interested!",
        "Any questions? Just ask here.",
        "Reply with a quick 'yes' if you're interested!",
        "Questions? We're one message away.",
        "Drop us a line here if you'd like to know more.",
    ),
    sign_offs=(
        "See you soon!",
        "Have a great day!",
        "Best wishes!",
        "Talk soon!",
        "Cheers!",
        "Warm regards!",
        "Take care!",
        "",
    ),
)

LANGUAGE = Language(
    code="en",
    phrases=PHRASES,
    leads=(
        lead(_WRITE + r"\b(?:about|announcing|promoting|regarding)\s+(?P<topic>.+)$"),
        lead(_WRITE + r"\binvit\w*\s+" + _AUDIENCE + r"\s+to\s+(?P<topic>.+)$"),
        lead(_WRITE + r"\bthat\s+(?P<topic>.+)$"),
        lead(_WRITE + r":\s*(?P<topic>.+)$"),
        lead(_MESSAGE + _AUDIENCE + r"\s+(?:about|announcing|on)\s+(?P<topic>.+)$"),
        lead(_PLEASE + r"thank\s+" + _AUDIENCE + r"\s+(?P<topic>for\s+.+)$", "thank you {topic}"),
        lead(_PLEASE + r"wish\s+" + _AUDIENCE + r"\s+(?P<topic>.+)$", "we wish you {topic}"),
        lead(
            _PLEASE + r"congratulate\s+" + _AUDIENCE + r"\s+on\s+(?P<topic>.+)$",
            "congratulations on {topic}",
        ),
        lead(
            _PLEASE + r"offer\s+" + _AUDIENCE + r"\s+(?P<topic>.+)$", "we're offering you {topic}"
        ),
        lead(
            _PLEASE
            + r"(?:invite|remind|tell|inform|notify|ask|encourage|let)\s+"
            + _AUDIENCE
            + r"\s+(?:know\s+)?(?:to|about|of|that|on)?\s*(?P<topic>.+)$"
        ),
        lead(_PLEASE + r"(?:announce|promote|advertise|share|present|introduce)\s+(?P<topic>.+)$"),
    ),
    instructions=re.compile(
        _PLEASE + r"(?:mention|use|include|add|keep|make|be|sign|don't|do\s+not|never|"
        r"avoid|address|refer|personali[sz]e|end|start|finish|begin|write\s+in|answer|limit|"
        r"stay|sound|tone)\b",
        re.IGNORECASE,
    ),
    verbs=words(
        "write compose create draft send prepare craft generate make produce tell invite "
        "remind inform notify ask encourage let announce promote advertise share present "
        "introduce thank wish congratulate offer give explain describe say mention please "
        "convince motivate persuade"
    ),
    stopwords=words(
        "the and our your their to of for with on at is are this that about all customers "
        "them you we in it be will new off from they who by an"
    ),
    pronouns={
        "their": "your",
        "theirs": "yours",
        "them": "you",
        "they": "you",
        "they're": "you're",
        "themselves": "yourself",
    },
    leading_words=words("our the a an your we this it all every new"),
)
