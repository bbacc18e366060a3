"""The built-in writer's phrase banks, one per language: English (the fallback),
German, Spanish and French.

Every bank has the same parts; a message takes one phrase from each part it
uses.  `{name}`, `{topic}`, `{detail}`, `{city}`, `{label}`, `{value}` and
`{count}` are filled by the writer, never sent as they are.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PhraseBank:
    greetings: tuple[str, ...]
    anonymous_greetings: tuple[str, ...]
    openers: tuple[str, ...]
    details: tuple[str, ...]
    places: tuple[str, ...]
    labels: tuple[str, ...]
    interests: tuple[str, ...]
    purchases: tuple[str, ...]
    first_order: tuple[str, ...]
    orders: tuple[str, ...]
    calls_to_action: tuple[str, ...]
    sign_offs: tuple[str, ...]
    """An empty sign-off leaves the message without one."""


ENGLISH = PhraseBank(
    greetings=(
        "Hi {name}!",
        "Hello {name}!",
        "Hey {name},",
        "Dear {name},",
        "{name}, hi!",
        "Hi {name}, hope you're doing well!",
        "Hello {name}, hope your week is going well!",
        "Greetings, {name}!",
    ),
    anonymous_greetings=(
        "Hi there!",
        "Hello!",
        "Hey!",
        "Good day!",
        "Hi, hope you're doing well!",
        "Greetings!",
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
    ),
    sign_offs=("See you soon!", "Have a great day!", "Best wishes!", "Talk soon!", "Cheers!", ""),
)

GERMAN = PhraseBank(
    greetings=(
        "Hallo {name}!",
        "Hi {name}!",
        "Hey {name},",
        "Guten Tag, {name}!",
        "{name}, hallo!",
        "Hallo {name}, wir hoffen, es geht dir gut!",
        "Schönen Tag, {name}!",
        "Grüß dich, {name}!",
    ),
    anonymous_greetings=(
        "Hallo!",
        "Hi!",
        "Guten Tag!",
        "Hallo, wir hoffen, es geht dir gut!",
        "Grüß dich!",
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
    ),
    sign_offs=(
        "Bis bald!",
        "Einen schönen Tag noch!",
        "Viele Grüße!",
        "Liebe Grüße!",
        "Wir freuen uns auf dich!",
        "",
    ),
)

SPANISH = PhraseBank(
    greetings=(
        "¡Hola, {name}!",
        "¡Buenas, {name}!",
        "Hola, {name}:",
        "¡Hey, {name}!",
        "{name}, ¡hola!",
        "¡Hola, {name}! Esperamos que estés bien.",
        "¡Buen día, {name}!",
        "¡Qué tal, {name}!",
    ),
    anonymous_greetings=(
        "¡Hola!",
        "¡Buenas!",
        "¡Buen día!",
        "¡Hola! Esperamos que estés bien.",
        "¡Qué tal!",
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
    ),
    sign_offs=(
        "¡Hasta pronto!",
        "¡Que tengas un gran día!",
        "¡Un saludo!",
        "¡Nos vemos!",
        "¡Saludos cordiales!",
        "",
    ),
)

FRENCH = PhraseBank(
    greetings=(
        "Bonjour {name} !",
        "Bonjour {name},",
        "Salut {name} !",
        "{name}, bonjour !",
        "Bonjour {name}, nous espérons que vous allez bien !",
        "Hello {name} !",
        "Bien le bonjour, {name} !",
    ),
    anonymous_greetings=(
        "Bonjour !",
        "Salut !",
        "Hello !",
        "Bonjour, nous espérons que vous allez bien !",
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
    ),
    sign_offs=(
        "À bientôt !",
        "Belle journée !",
        "Bien à vous !",
        "Amicalement !",
        "À très vite !",
        "",
    ),
)

BANKS: dict[str, PhraseBank] = {"en": ENGLISH, "de": GERMAN, "es": SPANISH, "fr": FRENCH}
"""By language code; any other language is written in English."""
