"""French, addressing the customer with `vous`."""

from __future__ import annotations

import re

from . import Language, PhraseBank, lead, words

_PLEASE = r"^(?:merci\s+d[e']\s*|s'il\s+(?:te|vous)\s+pla[iî]t,?\s+)?"
_WRITE = (
    _PLEASE + r"(?:écris|écrivez|rédige|rédigez|crée|créez|génère|générez|prépare|préparez|"
    r"envoie|envoyez|compose|composez)\b[^:]*?"
)
_AUDIENCE = (
    r"(?:(?:les|nos|tous\s+les|toutes\s+les|aux|à\s+nos|à\s+tous\s+nos|à\s+tous\s+les)\s+)?"
    r"(?:clients?|clientes?|utilisateurs?|utilisatrices?|abonnés?|abonnées?|destinataires?|"
    r"personnes|gens|tout\s+le\s+monde)"
)
_SOMEONE = r"(?:-(?:les|leur)\s+|\s+)(?:" + _AUDIENCE + r"\s+)?"
_THAT = r"(?:qu'|que\s+)"
_ELIDED = re.compile(r"\b(qu|d|l)e\s+(?=[aeiouyàâäéèêëîïôöûùüœ])", re.IGNORECASE)

PHRASES = PhraseBank(
    greetings=(
        "Bonjour {name} !",
        "Bonjour {name},",
        "Salut {name} !",
        "{name}, bonjour !",
        "Bonjour {name}, nous espérons que vous allez bien !",
        "Bien le bonjour, {name} !",
        "Bonjour {name}, ravis de vous retrouver !",
        "{name}, bonjour et bienvenue !",
        "Rebonjour {name} !",
    ),
    anonymous_greetings=(
        "Bonjour !",
        "Salut !",
        "Bonjour, nous espérons que vous allez bien !",
        "Bien le bonjour !",
        "Bonjour, ravis de vous retrouver !",
        "Rebonjour !",
    ),
    openers=(
        "En bref : {topic}.",
        "Nous avons des nouvelles pour vous : {topic}.",
        "Du nouveau : {topic}.",
        "Vous êtes parmi les premiers à le savoir : {topic}.",
        "Nous ne voulions pas que vous le manquiez : {topic}.",
        "Quelque chose qui devrait vous plaire : {topic}.",
        "Bonne nouvelle de notre côté : {topic}.",
        "Pour votre information : {topic}.",
        "Une petite attention pour vous : {topic}.",
        "Tout frais : {topic}.",
        "Voici la nouvelle : {topic}.",
        "Nous sommes heureux de vous l'annoncer : {topic}.",
    ),
    announcements=(
        "Nous avons des nouvelles pour vous.",
        "Voici une petite mise à jour de notre part.",
        "Nous voulions partager quelque chose avec vous.",
        "Un petit mot de notre équipe.",
        "Voici ce qui est nouveau chez nous.",
        "Du nouveau de notre côté.",
    ),
    bridges=(
        "Nous avons pensé que cela vous intéresserait.",
        "Cela faisait un moment, alors voici une petite nouvelle.",
        "Nous pensons que c'est tout à fait pour vous.",
        "Cela vaut le coup d'œil.",
        "Nous serions ravis de vous compter parmi nous.",
        "Nous l'avons préparé en pensant à nos fidèles clients.",
        "C'est un petit rien, mais il devrait vous plaire.",
        "Nous avons nous-mêmes hâte d'y être.",
        "Merci de votre fidélité.",
        "Y jeter un œil ne prend qu'un instant.",
        "Nous tenions à ce que vous l'appreniez par nous.",
        "Nous espérons que cela égaiera votre journée.",
    ),
    name_bridges=(
        "C'est pour vous, {name}.",
        "{name}, nous avons pensé à vous en premier.",
        "Nous serions ravis de vous voir, {name}.",
        "{name}, nous espérons que c'est une bonne nouvelle pour vous.",
        "Nous avons pensé à vous, {name}.",
    ),
    details=(
        "{detail}.",
        "Aussi : {detail}.",
        "Et ce n'est pas tout : {detail}.",
        "En plus : {detail}.",
    ),
    places=(
        "Tout spécialement pour vous à {city}.",
        "Nos clients à {city} l'apprennent en premier.",
        "Bonne nouvelle aussi pour {city}.",
        "Nous avons d'abord pensé à {city}.",
    ),
    labels=(
        "Comme vous êtes sur notre liste « {label} », vous l'apprenez en premier.",
        "En tant que membre de notre cercle « {label} », vous avez la primeur.",
        "Ceci part d'abord à notre liste « {label} ».",
    ),
    interests=(
        "Nous savons que vous aimez {value}, cela devrait vous plaire.",
        "Avec votre goût pour {value}, vous allez adorer.",
    ),
    purchases=(
        "Cela va très bien avec votre dernier achat : {value}.",
        "Si vous avez aimé {value}, ceci vous plaira aussi.",
    ),
    first_order=(
        "Merci pour votre première commande chez nous !",
        "Ravis que vous ayez commandé chez nous !",
    ),
    orders=(
        "Merci pour vos {count} commandes jusqu'ici !",
        "{count} commandes chez nous : merci de votre confiance !",
    ),
    calls_to_action=(
        "Répondez à ce message pour en savoir plus.",
        "Écrivez-nous ici et nous vous enverrons les détails.",
        "Une question ? Répondez simplement ici.",
        "Répondez et nous nous occupons du reste.",
        "Envoyez-nous un message pour plus d'informations.",
        "Dites-nous si cela vous intéresse !",
        "Des questions ? Nous sommes là.",
        "Répondez « oui » si cela vous intéresse !",
        "Une envie d'en savoir plus ? Écrivez-nous.",
        "Nous sommes à un message de vous.",
    ),
    sign_offs=(
        "À bientôt !",
        "Belle journée !",
        "Bien à vous !",
        "Amicalement !",
        "À très vite !",
        "Au plaisir !",
        "Prenez soin de vous !",
        "",
    ),
)


def _elide(text: str) -> str:
    """`que il` -> `qu'il`, `de une` -> `d'une`: where a topic meets its lead."""
    return _ELIDED.sub(lambda match: match.group(1) + "'", text)


LANGUAGE = Language(
    code="fr",
    phrases=PHRASES,
    leads=(
        lead(_WRITE + r"\b(?:pour\s+dire|disant|expliquant)\s+" + _THAT + r"(?P<topic>.+)$"),
        lead(_WRITE + r"\s*:\s*(?P<topic>.+)$"),
        lead(
            _WRITE + r"\b(?:pour\s+annoncer|annonçant|pour\s+présenter)\s+(?P<topic>.+)$",
            "nous vous présentons {topic}",
        ),
        lead(
            _WRITE
            + r"\b(?P<topic>(?:sur|concernant|au\s+sujet\s+d[eu']|à\s+propos\s+d[eu'])\s*.+)$",
            "nous avons du nouveau {topic}",
        ),
        lead(
            _PLEASE + r"(?:invite|invitez)" + _SOMEONE + r"(?P<topic>(?:à|au|aux)\s+.+)$",
            "nous vous invitons {topic}",
        ),
        lead(
            _PLEASE + r"(?:rappelle|rappelez)" + _SOMEONE + _THAT + r"(?P<topic>.+)$",
            "nous vous rappelons que {topic}",
        ),
        lead(
            _PLEASE + r"(?:rappelle|rappelez)" + _SOMEONE + r"(?P<topic>.+)$",
            "nous vous rappelons {topic}",
        ),
        lead(
            _PLEASE + r"(?:dis|dites|annonce|annoncez|informe|informez|explique|expliquez|"
            r"préviens|prévenez)" + _SOMEONE + _THAT + r"(?P<topic>.+)$"
        ),
        lead(
            _PLEASE + r"(?:informe|informez)" + _SOMEONE + r"(?P<topic>(?:de|du|des|d')\s*.+)$",
            "nous vous informons {topic}",
        ),
        lead(
            _PLEASE + r"(?:annonce|annoncez|présente|présentez|promeus|promouvez|"
            r"mets\s+en\s+avant|mettez\s+en\s+avant)\s+(?P<topic>.+)$",
            "nous vous présentons {topic}",
        ),
        lead(
            _PLEASE + r"(?:remercie|remerciez)" + _SOMEONE + r"(?P<topic>(?:pour|de|d')\s*.+)$",
            "merci {topic}",
        ),
        lead(
            _PLEASE + r"(?:souhaite|souhaitez)" + _SOMEONE + r"(?P<topic>.+)$",
            "nous vous souhaitons {topic}",
        ),
    ),
    instructions=re.compile(
        _PLEASE + r"(?:mentionne|mentionnez|mentionner|utilise|utilisez|sois|soyez|inclus|"
        r"incluez|évite|évitez|ajoute|ajoutez|signe|signez|ne|n'|reste|restez|garde|gardez|"
        r"termine|terminez|commence|commencez|tutoie|tutoyez|vouvoie|vouvoyez|parle|parlez|"
        r"adresse-toi|adressez-vous)\b",
        re.IGNORECASE,
    ),
    verbs=words(
        "écris écrivez rédige rédigez crée créez génère générez prépare préparez envoie "
        "envoyez compose composez invite invitez rappelle rappelez informe informez dis "
        "dites annonce annoncez présente présentez promeus promouvez remercie remerciez "
        "souhaite souhaitez félicite félicitez propose proposez explique expliquez décris "
        "décrivez fais faites préviens prévenez encourage encouragez convaincs"
    ),
    stopwords=words(
        "le la les et des du que pour avec par notre nos une est sont leur leurs clients "
        "tous au aux aujourd nouveau nouvelle message sur à ce cette vous nous dans qui"
    ),
    letters="èùœûîôëç",
    pronouns={"leur": "votre", "leurs": "vos"},
    lower_after_colon=True,
    leading_words=words("notre nos le la les l' un une ce cette ces nouveau nouvelle nous"),
    tidy=_elide,
)
