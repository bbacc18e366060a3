"""Spanish, addressing the customer with `tú`."""

from __future__ import annotations

import re

from . import Language, PhraseBank, lead, words

_PLEASE = r"^(?:por\s+favor,?\s+)?"
_WRITE = (
    _PLEASE + r"(?:escribe|redacta|crea|genera|prepara|envía|manda|escriba|redacte|cree|"
    r"genere|prepare|envíe|mande)\b[^:]*?"
)
_AUDIENCE = (
    r"(?:a\s+)?(?:(?:los|las|nuestros|nuestras|todos\s+los|todas\s+las)\s+)?(?:clientes?|"
    r"usuari[oa]s?|suscriptor(?:es|as)?|seguidor(?:es|as)?|destinatari[oa]s?|personas|"
    r"todos|todas)"
)
_SOMEONE = r"(?:" + _AUDIENCE + r"\s+)?"

PHRASES = PhraseBank(
    greetings=(
        "¡Hola, {name}!",
        "¡Buenas, {name}!",
        "Hola, {name}:",
        "¡Hey, {name}!",
        "{name}, ¡hola!",
        "¡Hola, {name}! Esperamos que estés bien.",
        "¡Buen día, {name}!",
        "¡Qué tal, {name}!",
        "¡Hola de nuevo, {name}!",
        "¡Saludos, {name}!",
    ),
    anonymous_greetings=(
        "¡Hola!",
        "¡Buenas!",
        "¡Buen día!",
        "¡Hola! Esperamos que estés bien.",
        "¡Qué tal!",
        "¡Saludos!",
        "¡Hola de nuevo!",
    ),
    openers=(
        "Te lo contamos rápido: {topic}.",
        "Tenemos novedades para ti: {topic}.",
        "Esto es nuevo: {topic}.",
        "Eres de los primeros en saberlo: {topic}.",
        "No queríamos que te lo perdieras: {topic}.",
        "Algo que creemos que te gustará: {topic}.",
        "Buenas noticias de nuestra parte: {topic}.",
        "Para que lo sepas: {topic}.",
        "Un pequeño detalle para ti: {topic}.",
        "Recién salido: {topic}.",
        "Te contamos la novedad: {topic}.",
        "Nos alegra contártelo: {topic}.",
    ),
    announcements=(
        "Tenemos novedades para ti.",
        "Te enviamos una breve actualización.",
        "Queremos compartir algo contigo.",
        "Un mensaje breve de nuestro equipo.",
        "Esto es lo nuevo por aquí.",
        "Algo nuevo de nuestra parte.",
    ),
    bridges=(
        "Pensamos que te gustaría saberlo.",
        "Hace tiempo que no te escribíamos, así que aquí va una novedad.",
        "Creemos que es justo lo tuyo.",
        "Vale la pena echarle un vistazo.",
        "Nos encantaría que formaras parte.",
        "Lo preparamos pensando en nuestros clientes habituales.",
        "Es un pequeño detalle, pero creemos que te gustará.",
        "Nosotros mismos estamos muy ilusionados.",
        "Gracias por seguir con nosotros.",
        "Echarle un vistazo solo te llevará un momento.",
        "Queríamos que te enteraras por nosotros primero.",
        "Esperamos que te alegre el día.",
    ),
    name_bridges=(
        "Esto es para ti, {name}.",
        "{name}, pensamos primero en ti.",
        "Nos encantaría contar contigo, {name}.",
        "{name}, esperamos que sea una buena noticia para ti.",
        "Lo pensamos para ti, {name}.",
    ),
    details=(
        "{detail}.",
        "Además: {detail}.",
        "Y una cosa más: {detail}.",
        "Por si fuera poco: {detail}.",
    ),
    places=(
        "Especialmente para ti en {city}.",
        "Nuestros clientes en {city} lo saben primero.",
        "Buenas noticias también para {city}.",
        "Pensamos primero en todos en {city}.",
    ),
    labels=(
        "Como estás en nuestra lista «{label}», te enteras primero.",
        "Por ser parte de nuestro círculo «{label}», recibes la noticia antes.",
        "Esto llega primero a nuestra lista «{label}».",
    ),
    interests=(
        "Sabemos que te gusta {value}, así que esto te va a encantar.",
        "Con tu gusto por {value}, creemos que lo disfrutarás.",
    ),
    purchases=(
        "Combina muy bien con tu última compra: {value}.",
        "Si te gustó {value}, esto también te gustará.",
    ),
    first_order=(
        "¡Gracias por tu primer pedido con nosotros!",
        "¡Nos alegra que hayas comprado con nosotros!",
    ),
    orders=(
        "¡Gracias por tus {count} pedidos hasta ahora!",
        "{count} pedidos con nosotros: ¡gracias por tu confianza!",
    ),
    calls_to_action=(
        "Responde a este mensaje para saber más.",
        "Escríbenos aquí y te enviamos los detalles.",
        "Si tienes preguntas, contéstanos por aquí.",
        "Responde y nos encargamos del resto.",
        "Envíanos un mensaje para más información.",
        "¡Dinos si te interesa!",
        "¿Dudas? Pregúntanos aquí mismo.",
        "¡Responde con un «sí» si te interesa!",
        "¿Preguntas? Estamos a un mensaje de distancia.",
        "Escríbenos si quieres saber más.",
    ),
    sign_offs=(
        "¡Hasta pronto!",
        "¡Que tengas un gran día!",
        "¡Un saludo!",
        "¡Nos vemos!",
        "¡Saludos cordiales!",
        "¡Un abrazo!",
        "¡Cuídate!",
        "",
    ),
)

LANGUAGE = Language(
    code="es",
    phrases=PHRASES,
    leads=(
        lead(
            _WRITE + r"\b(?:diciendo|informando|contando|avisando(?:\s+de)?|para\s+decir)\s+que\s+"
            r"(?P<topic>.+)$"
        ),
        lead(_WRITE + r":\s*(?P<topic>.+)$"),
        lead(
            _WRITE + r"\b(?:sobre|acerca\s+de)\s+(?P<topic>.+)$", "tenemos novedades sobre {topic}"
        ),
        lead(
            _PLEASE
            + r"(?:invita|invite|invítal[oae]s?)\s+"
            + _SOMEONE
            + r"(?P<topic>(?:a|al)\s+.+)$",
            "te invitamos {topic}",
        ),
        lead(
            _PLEASE
            + r"(?:recuerda|recuérdales|recuérdale|recuerde)\s+"
            + _SOMEONE
            + r"que\s+(?P<topic>.+)$",
            "te recordamos que {topic}",
        ),
        lead(
            _PLEASE
            + r"(?:recuerda|recuérdales|recuérdale|recuerde)\s+"
            + _SOMEONE
            + r"(?P<topic>.+)$",
            "te recordamos {topic}",
        ),
        lead(
            _PLEASE + r"(?:di|dile|diles|diga|cuenta|cuéntales|cuéntale|informa|infórmales|"
            r"informe|avisa|avísales)\s+" + _SOMEONE + r"(?:de\s+)?que\s+(?P<topic>.+)$"
        ),
        lead(
            _PLEASE
            + r"(?:informa|infórmales|informe|avisa|avísales|habla|háblales)\s+"
            + _SOMEONE
            + r"(?P<topic>(?:de|del|sobre)\s+.+)$",
            "te informamos {topic}",
        ),
        lead(
            _PLEASE + r"(?:anuncia|promociona|presenta|anuncie|promocione|presente)\s+"
            r"(?P<topic>.+)$",
            "te presentamos {topic}",
        ),
        lead(
            _PLEASE + r"(?:agradece|agradéceles|agradezca)\s+" + _SOMEONE + r"(?P<topic>por\s+.+)$",
            "gracias {topic}",
        ),
        lead(
            _PLEASE + r"(?:desea|deséales|deséale|desee)\s+" + _SOMEONE + r"(?P<topic>.+)$",
            "te deseamos {topic}",
        ),
    ),
    instructions=re.compile(
        _PLEASE + r"(?:menciona|mencione|usa|use|utiliza|utilice|sé|sea|incluye|incluya|evita|"
        r"evite|añade|añada|agrega|agregue|firma|firme|no|mantén|mantenga|tutea|tutee|termina|"
        r"termine|empieza|empiece|comienza|comience|dirígete|trata|trate|hazlo|"
        r"escribe\s+(?:en|de\s+forma|breve|corto))\b",
        re.IGNORECASE,
    ),
    verbs=words(
        "escribe redacta crea genera prepara envía manda escriba redacte cree genere prepare "
        "envíe mande invita invite invítalos invítales recuerda recuérdales recuerde informa "
        "infórmales informe di dile diles diga cuenta cuéntales avisa avísales anuncia "
        "promociona presenta agradece desea deséales felicita ofrece ofréceles explica "
        "describe haz hazles pide anima convence motiva"
    ),
    stopwords=words(
        "el la los las y del que en para con por nuestro nuestra nuestros nuestras una es "
        "son su sus clientes todos al hoy nuevo nueva mensaje sobre muy les"
    ),
    letters="ñ¿¡",
    pronouns={"su": "tu", "sus": "tus"},
    lower_after_colon=True,
    leading_words=words(
        "nuestra nuestro nuestras nuestros el la los las un una este esta nuevo nueva"
    ),
)
