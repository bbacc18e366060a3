"""German, addressing the customer with `du`."""

from __future__ import annotations

import re

from . import Language, PhraseBank, lead, words

_PLEASE = r"^(?:bitte\s+)?"
_WRITE = (
    _PLEASE + r"(?:schreib(?:e)?|verfasse|erstelle|formuliere|entwirf|generiere|sende|"
    r"schick(?:e)?)\b[^:]*?"
)
_AUDIENCE = (
    r"(?:(?:die|den|alle|allen|unsere|unseren)\s+)?(?:kund(?:en|innen|schaft)|"
    r"empfänger(?:innen)?|abonnent(?:en|innen)|nutzer(?:innen)?|leute|gäste|sie|alle)"
)

PHRASES = PhraseBank(
    greetings=(
        "Hallo {name}!",
        "Hi {name}!",
        "Hey {name},",
        "Guten Tag, {name}!",
        "{name}, hallo!",
        "Hallo {name}, wir hoffen, es geht dir gut!",
        "Schönen Tag, {name}!",
        "Grüß dich, {name}!",
        "Moin {name}!",
        "Hallo {name}, schön, dass du da bist!",
    ),
    anonymous_greetings=(
        "Hallo!",
        "Hi!",
        "Guten Tag!",
        "Hallo, wir hoffen, es geht dir gut!",
        "Grüß dich!",
        "Moin!",
        "Hallo, schön, dass du da bist!",
    ),
    openers=(
        "Kurz zur Info: {topic}.",
        "Wir haben Neuigkeiten für dich: {topic}.",
        "Das ist neu: {topic}.",
        "Du gehörst zu den Ersten, die es erfahren: {topic}.",
        "Das wollten wir dir nicht vorenthalten: {topic}.",
        "Etwas, das dir gefallen dürfte: {topic}.",
        "Gute Nachrichten von uns: {topic}.",
        "Nur damit du Bescheid weißt: {topic}.",
        "Eine kleine Überraschung für dich: {topic}.",
        "Ganz frisch von uns: {topic}.",
        "Hier kommt unsere Neuigkeit: {topic}.",
        "Wir freuen uns, dir zu sagen: {topic}.",
    ),
    announcements=(
        "Wir haben Neuigkeiten für dich.",
        "Hier ein kurzes Update von uns.",
        "Wir möchten etwas mit dir teilen.",
        "Eine kurze Nachricht von unserem Team.",
        "Das gibt es Neues bei uns.",
        "Etwas Neues von uns.",
    ),
    bridges=(
        "Wir dachten, das interessiert dich.",
        "Es ist eine Weile her, deshalb ein kurzes Update.",
        "Wir glauben, das passt genau zu dir.",
        "Ein Blick lohnt sich.",
        "Wir würden uns freuen, wenn du dabei bist.",
        "Wir haben dabei an unsere Stammkundschaft gedacht.",
        "Eine Kleinigkeit, die dir hoffentlich gefällt.",
        "Wir sind selbst schon ganz gespannt.",
        "Danke, dass du uns treu bist.",
        "Es dauert nur einen Moment, reinzuschauen.",
        "Du solltest es zuerst von uns hören.",
        "Wir hoffen, das versüßt dir den Tag.",
    ),
    name_bridges=(
        "Das ist für dich, {name}.",
        "{name}, wir haben zuerst an dich gedacht.",
        "Wir würden uns freuen, dich dabeizuhaben, {name}.",
        "{name}, wir hoffen, das sind gute Nachrichten für dich.",
        "Dabei hatten wir dich im Kopf, {name}.",
    ),
    details=(
        "{detail}.",
        "Außerdem: {detail}.",
        "Und noch etwas: {detail}.",
        "Obendrein: {detail}.",
    ),
    places=(
        "Besonders für dich in {city}.",
        "Unsere Kundschaft in {city} erfährt es zuerst.",
        "Gute Nachrichten auch für {city}.",
        "Wir haben dabei zuerst an {city} gedacht.",
    ),
    labels=(
        "Weil du auf unserer Liste „{label}“ stehst, erfährst du es zuerst.",
        "Als Teil unseres Kreises „{label}“ bekommst du die Neuigkeit früher.",
        "Das geht zuerst an unsere Liste „{label}“.",
    ),
    interests=(
        "Wir wissen, dass du {value} magst, also passt das bestimmt.",
        "Bei deinem Faible für {value} dürfte dir das gefallen.",
    ),
    purchases=(
        "Das passt gut zu deinem letzten Kauf: {value}.",
        "Wenn dir {value} gefallen hat, gefällt dir das auch.",
    ),
    first_order=(
        "Danke für deine erste Bestellung bei uns!",
        "Schön, dass du bei uns bestellt hast!",
    ),
    orders=(
        "Danke für deine {count} Bestellungen bisher!",
        "{count} Bestellungen bei uns: danke für dein Vertrauen!",
    ),
    calls_to_action=(
        "Antworte einfach auf diese Nachricht, um mehr zu erfahren.",
        "Schreib uns hier, und wir schicken dir die Details.",
        "Bei Fragen schreib uns einfach zurück.",
        "Antworte kurz, und wir kümmern uns um den Rest.",
        "Schick uns eine Nachricht, wenn du mehr wissen möchtest.",
        "Sag uns Bescheid, wenn du interessiert bist!",
        "Fragen? Schreib uns einfach hier.",
        "Antworte mit einem kurzen „Ja“, wenn du Interesse hast!",
        "Fragen? Wir sind nur eine Nachricht entfernt.",
        "Melde dich gern hier, wenn du mehr wissen willst.",
    ),
    sign_offs=(
        "Bis bald!",
        "Einen schönen Tag noch!",
        "Viele Grüße!",
        "Liebe Grüße!",
        "Wir freuen uns auf dich!",
        "Mach's gut!",
        "Herzliche Grüße!",
        "",
    ),
)

LANGUAGE = Language(
    code="de",
    phrases=PHRASES,
    leads=(
        lead(_WRITE + r",?\s+dass\s+(?P<topic>.+)$", "wir möchten dir sagen, dass {topic}"),
        lead(_WRITE + r":\s*(?P<topic>.+)$"),
        lead(
            _WRITE + r"\b(?P<topic>(?:über|zu|zum|zur)\s+.+)$",
            "es gibt Neuigkeiten {topic}",
        ),
        lead(
            _PLEASE
            + r"lade\s+"
            + _AUDIENCE
            + r"\s+(?:herzlich\s+)?(?P<topic>(?:zu|zum|zur|in|ins|auf|für)\s+.+?)\s+ein$",
            "du bist herzlich {topic} eingeladen",
        ),
        lead(
            _PLEASE + r"erinnere\s+" + _AUDIENCE + r"\s+daran,?\s+dass\s+(?P<topic>.+)$",
            "wir erinnern dich daran, dass {topic}",
        ),
        lead(
            _PLEASE + r"erinnere\s+" + _AUDIENCE + r"\s+(?P<topic>an\s+.+)$",
            "wir erinnern dich {topic}",
        ),
        lead(
            _PLEASE
            + r"(?:sag(?:e)?|teile?)\s+"
            + _AUDIENCE
            + r"(?:\s+mit)?,?\s+dass\s+(?P<topic>.+)$",
            "wir möchten dir sagen, dass {topic}",
        ),
        lead(
            _PLEASE + r"informiere\s+" + _AUDIENCE + r"\s+(?P<topic>(?:über|zu|zum|zur)\s+.+)$",
            "wir informieren dich {topic}",
        ),
        lead(
            _PLEASE + r"(?:kündige|stelle)\s+(?P<topic>.+?)\s+(?:an|vor)$",
            "wir präsentieren {topic}",
        ),
        lead(
            _PLEASE + r"(?:bewirb|bewerbe|präsentiere)\s+(?P<topic>.+)$", "wir präsentieren {topic}"
        ),
        lead(
            _PLEASE + r"bedanke\s+dich\s+(?:bei\s+" + _AUDIENCE + r"\s+)?(?P<topic>für\s+.+)$",
            "danke {topic}",
        ),
        lead(
            _PLEASE + r"wünsche\s+" + _AUDIENCE + r"\s+(?P<topic>.+)$", "wir wünschen dir {topic}"
        ),
    ),
    instructions=re.compile(
        _PLEASE + r"(?:erwähne|nenne|verwende|benutze|nutze|sei|seid|halte|bleib(?:e)?|vermeide|"
        r"füge|unterschreibe|sprich|duze|sieze|achte|beende|beginne|starte|nicht|"
        r"schreib(?:e)?\s+(?:kurz|knapp|freundlich|locker|höflich|auf|in|im|per))\b",
        re.IGNORECASE,
    ),
    verbs=words(
        "schreib schreibe verfasse erstelle formuliere entwirf generiere sende schicke schick "
        "lade erinnere informiere sag sage teile kündige bewirb bewerbe präsentiere stelle "
        "bedanke wünsche gratuliere biete erkläre beschreibe mach mache bitte benachrichtige "
        "motiviere ermutige frage überzeuge werbe lass lasse"
    ),
    stopwords=words(
        "der die das und unser unsere unseren unserer unserem ihr ihre ihren zu zum zur mit "
        "für auf ist sind ein eine einen den dem des nicht kunden alle am um uhr im bei auch "
        "heute neue neuen sie dass wir wird gibt"
    ),
    letters="äöüß",
    pronouns={
        "ihr": "dein",
        "ihre": "deine",
        "ihren": "deinen",
        "ihrem": "deinem",
        "ihrer": "deiner",
        "ihres": "deines",
    },
    capitalize_topic=True,
)
