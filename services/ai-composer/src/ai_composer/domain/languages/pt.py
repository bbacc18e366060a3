"""Portuguese, addressing the customer with `você`."""

from __future__ import annotations

import re

from . import Language, PhraseBank, lead, words

_PLEASE = r"^(?:por\s+favor,?\s+)?"
_WRITE = (
    _PLEASE + r"(?:escreva|escreve|redija|redige|crie|cria|gere|gera|prepare|prepara|envie|"
    r"envia|mande|manda|componha)\b[^:]*?"
)
_AUDIENCE = (
    r"(?:(?:os|as|nossos|nossas|todos\s+os|todas\s+as|aos|às|a\s+todos\s+os)\s+)?(?:clientes?|"
    r"usuári[oa]s?|utilizador(?:es|as)?|assinantes?|seguidor(?:es|as)?|destinatári[oa]s?|"
    r"pessoas|todos|todas)"
)
_SOMEONE = r"(?:-(?:os|as|lhes)\s+|\s+)(?:" + _AUDIENCE + r"\s+)?"

PHRASES = PhraseBank(
    greetings=(
        "Olá, {name}!",
        "Oi, {name}!",
        "Oi, {name}, tudo bem?",
        "Olá, {name}, tudo bem por aí?",
        "{name}, olá!",
        "Que bom falar com você, {name}!",
        "E aí, {name}!",
        "Olá, {name}! Esperamos que esteja bem.",
        "Saudações, {name}!",
        "Olá de novo, {name}!",
    ),
    anonymous_greetings=(
        "Olá!",
        "Oi!",
        "Oi, tudo bem?",
        "Olá, tudo bem por aí?",
        "Olá! Esperamos que esteja bem.",
        "Saudações!",
        "Olá de novo!",
    ),
    openers=(
        "Rapidinho: {topic}.",
        "Temos novidades para você: {topic}.",
        "Olha só o que há de novo: {topic}.",
        "Você está entre os primeiros a saber: {topic}.",
        "Não queríamos que você perdesse isto: {topic}.",
        "Algo de que achamos que você vai gostar: {topic}.",
        "Boas notícias da nossa parte: {topic}.",
        "Só para você saber: {topic}.",
        "Um mimo para você: {topic}.",
        "Fresquinho: {topic}.",
        "Passando para contar: {topic}.",
        "Anote aí: {topic}.",
    ),
    announcements=(
        "Temos novidades para você.",
        "Aqui vai uma atualização rápida.",
        "Queremos compartilhar algo com você.",
        "Um recado rápido da nossa equipe.",
        "Veja o que há de novo por aqui.",
        "Uma novidade da nossa parte.",
    ),
    bridges=(
        "Achamos que você gostaria de saber.",
        "Faz um tempo que não escrevemos, então aqui vai uma novidade.",
        "Achamos que tem tudo a ver com você.",
        "Vale a pena dar uma olhada.",
        "Adoraríamos contar com você.",
        "Preparamos pensando nos nossos clientes de sempre.",
        "É um detalhe, mas achamos que você vai gostar.",
        "Nós mesmos estamos animados com isso.",
        "Obrigado por continuar com a gente.",
        "Dar uma olhada leva só um instante.",
        "Queríamos que você soubesse primeiro por nós.",
        "Esperamos que isto deixe o seu dia melhor.",
    ),
    name_bridges=(
        "Isto é para você, {name}.",
        "{name}, pensamos em você primeiro.",
        "Adoraríamos ter você com a gente, {name}.",
        "{name}, esperamos que seja uma boa notícia para você.",
        "Lembramos de você, {name}.",
    ),
    details=(
        "{detail}.",
        "Além disso: {detail}.",
        "E tem mais: {detail}.",
        "Ah, e também: {detail}.",
    ),
    places=(
        "Especialmente para você em {city}.",
        "Nossos clientes de {city} ficam sabendo primeiro.",
        "Boas notícias também para {city}.",
        "Pensamos primeiro em quem está em {city}.",
    ),
    labels=(
        "Como você está na nossa lista “{label}”, fica sabendo primeiro.",
        "Por fazer parte do nosso grupo “{label}”, você recebe a novidade antes.",
        "Isto chega primeiro à nossa lista “{label}”.",
    ),
    interests=(
        "Sabemos que você gosta de {value}, então isto deve combinar com você.",
        "Com o seu gosto por {value}, achamos que você vai curtir.",
    ),
    purchases=(
        "Combina muito bem com a sua última compra: {value}.",
        "Se você gostou de {value}, vai gostar disto também.",
    ),
    first_order=(
        "Obrigado pelo seu primeiro pedido conosco!",
        "Que bom que você comprou com a gente!",
    ),
    orders=(
        "Obrigado pelos seus {count} pedidos até agora!",
        "{count} pedidos com a gente: obrigado pela confiança!",
    ),
    calls_to_action=(
        "Responda a esta mensagem para saber mais.",
        "É só responder aqui que enviamos os detalhes.",
        "Ficou com alguma dúvida? Responda por aqui.",
        "Responda e nós cuidamos do resto.",
        "Mande uma mensagem para saber mais.",
        "Conte para a gente se tiver interesse!",
        "Dúvidas? É só perguntar aqui.",
        "Responda com um “sim” se tiver interesse!",
        "Estamos a uma mensagem de distância.",
        "Escreva para a gente se quiser saber mais.",
    ),
    sign_offs=(
        "Até breve!",
        "Tenha um ótimo dia!",
        "Um abraço!",
        "Até logo!",
        "Abraços!",
        "Cuide-se!",
        "Até a próxima!",
        "",
    ),
)

LANGUAGE = Language(
    code="pt",
    phrases=PHRASES,
    leads=(
        lead(
            _WRITE + r"\b(?:dizendo|contando|informando|avisando|para\s+dizer)\s+(?:de\s+)?que\s+"
            r"(?P<topic>.+)$"
        ),
        lead(_WRITE + r":\s*(?P<topic>.+)$"),
        lead(_WRITE + r"\bsobre\s+(?P<topic>.+)$", "temos novidades sobre {topic}"),
        lead(
            _WRITE + r"\b(?:anunciando|divulgando|promovendo)\s+(?P<topic>.+)$",
            "apresentamos {topic}",
        ),
        lead(
            _PLEASE
            + r"(?:convide|convida|convidem)"
            + _SOMEONE
            + r"(?P<topic>(?:para|a|ao|à|aos|às)\s+.+)$",
            "queremos convidar você {topic}",
        ),
        lead(
            _PLEASE + r"(?:lembre|lembra|relembre)" + _SOMEONE + r"(?:de\s+)?que\s+(?P<topic>.+)$",
            "lembramos que {topic}",
        ),
        lead(
            _PLEASE + r"(?:lembre|lembra|relembre)" + _SOMEONE + r"(?P<topic>d[eoa]s?\s+.+)$",
            "queremos lembrar você {topic}",
        ),
        lead(
            _PLEASE
            + r"(?:diga|diz|conte|conta|informe|informa|avise|avisa|explique|explica)"
            + _SOMEONE
            + r"(?:de\s+)?que\s+(?P<topic>.+)$"
        ),
        lead(
            _PLEASE
            + r"(?:informe|informa|avise|avisa|fale|fala|conte|conta)"
            + _SOMEONE
            + r"sobre\s+(?P<topic>.+)$",
            "temos novidades sobre {topic}",
        ),
        lead(
            _PLEASE + r"(?:anuncie|anuncia|divulgue|divulga|promova|promove|apresente|apresenta)"
            r"\s+(?P<topic>.+)$",
            "apresentamos {topic}",
        ),
        lead(
            _PLEASE
            + r"(?:agradeça|agradece)"
            + _SOMEONE
            + r"(?P<topic>(?:por|pela|pelo|pelas|pelos)\s+.+)$",
            "obrigado {topic}",
        ),
        lead(
            _PLEASE + r"(?:deseje|deseja)" + _SOMEONE + r"(?P<topic>.+)$",
            "desejamos a você {topic}",
        ),
    ),
    instructions=re.compile(
        _PLEASE + r"(?:mencione|menciona|use|usa|utilize|utiliza|seja|sê|inclua|inclui|evite|"
        r"evita|adicione|adiciona|acrescente|assine|assina|não|mantenha|mantém|termine|termina|"
        r"comece|começa|trate|trata|fale\s+(?:de\s+forma|com)|"
        r"escreva\s+(?:em|de\s+forma|curto|breve))\b",
        re.IGNORECASE,
    ),
    verbs=words(
        "escreva escreve redija redige crie cria gere gera prepare prepara envie envia mande "
        "manda componha convide convida lembre lembra relembre diga diz conte conta informe "
        "informa avise avisa explique explica fale fala anuncie anuncia divulgue divulga "
        "promova promove apresente apresenta agradeça agradece deseje deseja parabenize "
        "ofereça oferece descreva faça faz incentive motive convença peça"
    ),
    stopwords=words(
        "o os as e do da dos das que em no na para com por nosso nossa nossos nossas um uma "
        "é são seu sua clientes todos ao hoje novo nova mensagem sobre você não às pelo "
        "pela"
    ),
    letters="ãõç",
    lower_after_colon=True,
    leading_words=words("nosso nossa nossos nossas o a os as um uma este esta novo nova nós"),
)
