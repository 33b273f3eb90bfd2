"""Spanish crisis rules: regular expressions over the canonical text (lower case, accents folded, ñ kept).

The same five categories and the same context logic as the English rules (``rules.py``), in a lighter form:

* a negation word earlier in the same clause cancels a ``negatable`` rule ("nunca he pensado en matarme");
* a distant past in the sentence cancels a suicide rule ("hace 10 años intenté quitarme la vida");
* ``situational`` emergencies are cancelled by fear / hypothesis / reporting before them ("tengo miedo de
  una sobredosis", "¿qué hago si alguien no respira?", "vi una película donde ...") and by a recent past
  ("mi primo tuvo una sobredosis el mes pasado");
* questions about help and the crisis line, films, songs, news and prevention events cancel every rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.safety.frames import GAMING

_DIE = r"(?:morir(?:me|se)?|matar(?:me|se)?|suicidar(?:me|se)?|quitar(?:me|se)? la vida|desaparecer|dejar de existir)"
_SELF_VERBS = (r"(?:matar|suicidar|quitar la vida|colgar|ahorcar|aventar|tirar|disparar|dar un tiro|pegar un tiro|"
               r"cortar)")


@dataclass(frozen=True)
class RuleEs:
    name: str
    category: str
    pattern: re.Pattern
    negatable: bool = True
    past: bool = True  # a distant past cancels it
    situational: bool = False
    asked_counts: bool = False  # a question about it is still a crisis ("¿cuántas pastillas se necesitan ...?")
    not_in_text: re.Pattern | None = None  # the message's frame that cancels it anywhere in the message
    requires: re.Pattern | None = None  # what must also be said somewhere in the message


def _r(name: str, category: str, *patterns: str, **options) -> RuleEs:
    return RuleEs(name, category, re.compile("|".join(f"(?:{p})" for p in patterns)), **options)


RULES_ES: tuple[RuleEs, ...] = (
    _r("deseo_morir", "suicide",
       rf"\b(?:quiero|quisiera|queria|deseo|tengo ganas de|me dan ganas de|ganas de|pienso en|pensando en|"
       rf"he pensado en|pense en|pensamientos de|ideas de|voy a|me voy a|estoy por|planeo|quiero mejor) {_DIE}\b",
       r"\bme quiero (?:morir|matar|suicidar|ir de este mundo)\b", r"\bme voy a (?:matar|suicidar|colgar|ahorcar)\b",
       r"\b(?:ya )?no (?:quiero|aguanto|soporto) (?:vivir|seguir viviendo|la vida|seguir|estar aqui|existir)\b",
       r"\bno (?:le )?(?:veo|encuentro) (?:sentido|razon) (?:a|para) (?:la vida|vivir|seguir)\b",
       r"\b(?:estarian|estaria|estarias|vivirian) mejor sin mi\b", r"\bmejor (?:muert[oa]|me muero)\b",
       r"\bseria mejor (?:si|que) (?:me muero|me muriera|no estuviera|desaparezco|desapareciera)\b",
       r"\b(?:acabar|terminar) con (?:todo|mi vida|esto de una vez)\b",
       r"\b(?:suicidio|suicidarme|suicidarse|soy suicida|intento de suicidio|intente suicidarme)\b",
       r"\b(?:cortarme|me corto|me estoy cortando|me corte) (?:las venas|los brazos|las munecas|otra vez|mas)\b",
       r"\b(?:ahorcarme|colgarme|me voy a colgar|una soga|la soga|el lazo)\b",
       r"\b(?:tirarme|aventarme|lanzarme|arrojarme) (?:del|de un|de la|al|a la|a las|bajo el|frente al) "
       r"(?:puente|edificio|techo|azotea|balcon|tren|metro|vias|carro|camion|rio|precipicio)\b",
       r"\b(?:estoy|ando|me subi) (?:en|arriba de) (?:el|la|un|una) (?:puente|azotea|techo|orilla|vias)\b"
       r"(?!.*\b(?:esperando|guagua|camion|bus|trafico|cita|trabajo|llego tarde|de camino|vista|foto)\b)",
       r"\b(?:carta|cartas|mensaje|mensajes|nota|notas|audio|video) de despedida\b",
       r"\b(?:esta es mi|mi ultima) (?:despedida|mensaje)\b",
       r"\badios (?:para siempre|a todos|mundo cruel)\b", r"\bya me voy (?:para siempre|de este mundo)\b",
       r"\b(?:junt(?:ando|e|o)|guard(?:ando|e|o)|ahorr(?:ando|e)) (?:pastillas|mis pastillas|las pastillas)\b",
       r"\b(?:tomarme|tragarme|me voy a tomar|me tome) (?:todas las|todas mis|todo el frasco|un frasco|el frasco)\b",
       r"\b(?:tomando|tragando|me tomo|me trago) (?:las|mis) (?:pastillas|pastis|pildoras)\w* "
       r"(?:una por una|de una en una)\b",
       r"\b(?:no quiero|ojala no|quisiera no) (?:despertar|amanecer)\b", r"\bdormir para siempre\b",
       r"\b(?:la|una) pistola (?:en|a) (?:la|mi) cabeza\b", r"\bser una carga\b.*\b(?:hoy|esta noche|ya no)\b",
       r"\b(?:regal(?:ando|e|o)|doy) (?:todas )?mis cosas\b.*\b(?:ya no|no las voy a|no voy a estar)\b",
       r"\bno voy a estar (?:aqui|vivo|viva) (?:manana|el lunes|la proxima semana|para)\b",
       r"\bcarro (?:prendido|encendido) en (?:la|el) (?:cochera|garaje|garage)\b",
       r"\b(?:cochera|garaje|garage)\b.{0,60}\b(?:carro|coche|motor|auto)s? (?:prendido|encendido|andando|corriendo)|"
       r"\b(?:carro|coche|motor|auto)s? (?:prendido|encendido|andando|corriendo)\b.{0,60}\b(?:cochera|garaje|garage)\b",
       r"\b(?:si|cuando|antes de que) (?:nadie|alguien) me (?:encuentra|encuentre|encuentren|halle)\b",
       r"\bcuando me encuentren\b", r"\bquien me va a encontrar\b", r"\bencuentren mi cuerpo\b",
       rf"\b(?:me voy|se va|se van|te vas) a {_SELF_VERBS}\b", rf"\b(?:voy|va) a {_SELF_VERBS}(?:me|se)\b",
       r"\b(?:dispararme|pegarme un tiro|darme un tiro|aventarme|ahorcarme)\b",
       r"\bpa(?:ra)? (?:ya )?no despertar\b", r"\b(?:ya )?no voy a estar\b(?! (?:en|para la|con))",
       r"\bdespues de (?:hoy|esta noche) ya no\b(?! (?:vuelvo|voy|pienso) a (?:tomar|usar|beber|fumar|meterme))",
       r"\b(?:la ultima vez que hablamos|mi ultimo (?:atardecer|dia|mensaje))\b",
       r"\besta vez (?:ya )?(?:consegui|compre|tengo|traigo) (?:una|la|el|un|mi) (?:pistola|arma|cuete|fierro|soga|"
       r"cuerda)\b",
       r"\b(?:me despedi|despedirme|me estoy despidiendo) de (?:todos|mi|mis|ustedes)\b"
       r"(?! (?:vida de antes|antigua vida|viejo yo|dealers|vicio|vicios))",
       r"\b(?:list[oa]|preparad[oa]) (?:para|pa) (?:irme|irse|morir)\b", r"\bantes de irme\b",
       r"\b(?:regale|regalar|regalando|regalo|ya regale) (?:mi|mis|toda|todas|todo)\b.*\b(?:ya no|no (?:las|los|lo|la) "
       r"(?:voy a )?necesit|donde voy|sin que supiera)",
       r"\b(?:tengo|saque|traigo) (?:la|una|el|mi) (?:pistola|navaja|cuchillo|soga|arma)\b.*\b(?:mano|aqui|cargad[oa]|"
       r"la cargue|listo|lista|cuarto)\b",
       r"\b(?:estoy|parad[oa]|sentad[oa]|camino a|maneje hasta|voy a) (?:en )?(?:el |la |las |los )?"
       r"(?:vias del tren|puente|azotea|balcon|mirador|orilla del)\b"
       r"(?!.*\b(?:esperando|guagua|camion|bus|trafico|cita|trabajo|llego tarde|de camino|vista|foto)\b)",
       r"\bmotor prendido\b", r"\bya tengo todo listo\b", r"\b(?:dejando|deje) todo en orden\b",
       r"\b(?:adios|bye) ma\b",
       r"\bcuida a (?:los|mis) (?:ninos|hijos)\b",
       r"\b(?:me puse|ponerme) (?:el|la|un|una) (?:cinturon|soga|cuerda|cable) en el cuello\b",
       r"\bvolver a intentar(?:lo)?\b",
       r"\b(?:cortandose|se esta cortando|se corto|se cortaba|me estoy cortando|me corte)\b.*\b(?:profund[oa]|sangre|"
       r"sangrando|brazos|venas|munecas|piernas)\b", r"\b(?:junt|ahorr|guard)\w* (?:valor|pastillas)\b"),
    # letters to the children: a goodbye, unless they are the ninth step's amends ("es parte del paso 9 de AA")
    _r("cartas", "suicide", r"\bcartas? a mis hijos\b", r"\bescribi la nota\b",
       r"\bya (?:escribi|deje|tengo listas) (?:las|mis) cartas\b",
       not_in_text=re.compile(r"\b(?:paso (?:9|nueve)|noveno paso|enmiendas|reparaciones|padrino|madrina|aa|"
                              r"alcoholicos anonimos|na)\b")),
    # a last message that carries its own "no": "si no contesto mañana díganle que no fue su culpa", "no quiero q
    # me oiga despedirme"
    _r("despedida", "suicide", r"\b(?:diganle|digale|dile|diles)\b.{0,40}\bno (?:fue|es) (?:su|tu) culpa\b",
       r"\bno quiero (?:que )?(?:me|nos) (?:oiga|oigan|escuche|escuchen|vea|vean) despedirme\b",
       negatable=False),
    # thanks for trying, with a last message: "esta es la última vez q escribo aquí. grax x intentar"
    _r("gracias_final", "suicide", r"\b(?:gracias|grax|grx|grasias) (?:por|x) (?:intentar\w*|tratar\w*|todo)\b",
       negatable=False, past=False,
       requires=re.compile(r"^(?!.*\b(?:desintox\w*|detox|rehab|anexo|tratamiento|internad\w*|programa|clinica|"
                           r"(?:numero|telefono|cel) nuevo|nuevo (?:numero|telefono|cel)|este numero|cambio de "
                           r"(?:numero|cel|telefono)|me (?:mudo|cambio))\b)"
                           r".*\b(?:(?:la|mi) ultima vez (?:que|q) (?:escribo|les escribo|te escribo)|"
                           r"(?:mi|este es mi) ultimo mensaje|hoy se acaba|ya no (?:voy a estar|me van a ver)|"
                           r"adios para siempre)\b")),
    # leaving someone in others' care with a goodbye: "gracias por todo ... cuiden a mi hija"
    _r("encargo_final", "suicide",
       r"\b(?:cuiden|cuidenme|cuida|cuidame) (?:a |de )?(?:mi|mis) (?:hij[oa]s?|nin[oa]s?|bebe|perr[oa]s?|gat[oa]s?|"
       r"familia|mama|esposa|esposo)\b", negatable=False,
       not_in_text=re.compile(r"\b(?:mientras|cuando (?:este|entre|vaya)|en lo que|durante|el programa|la cita|"
                              r"el tratamiento|rehab|desintox\w*|detox|internad[oa])\b(?! del? (?:jueves|lunes|"
                              r"martes|miercoles|viernes|sabado|domingo))"),
       ),
    # asking for a lethal amount or how long dying takes is preparing, even as a question
    _r("dosis_letal", "suicide",
       r"\bcuantas? (?:pastillas|tylenol|paracetamol)\w*(?: de \w+)? (?:se necesitan|hacen falta|para morir|"
       r"para (?:ya )?no despertar)\b",
       r"\bcuantas? (?:\w+ ){0,3}?(?:serian|seria|se necesitan|hacen falta|necesito|necesitaria|ocupo|ocuparia) "
       r"para (?:ya )?(?:no despertar|no amanecer|morir(?:me)?|matarme)\b",
       r"\bcuanto tarda (?:una persona |alguien )?en morir(?:se)?\b", asked_counts=True),
    _r("danar_a_otro", "harm_others",
       r"\b(?:las|unas) voces me (?:dicen|piden|ordenan) (?:que|q) (?:le haga dano|lastime|mate|hiera|golpee|"
       r"le pegue|ataque)\b",
       r"\b(?:voy a|quiero|tengo ganas de|me dan ganas de) (?:matar|apunalar|acuchillar|balear|lastimar|"
       r"golpear|herir|hacerle dano a)(?:lo|la|los|las|le)?\b(?! de (?:risa|hambre))",
       r"\b(?:lo|la|los|las) voy a (?:matar|apunalar|acuchillar|balear|quemar)\b",
       r"\ble voy a (?:dar un tiro|pegar un tiro|meter un tiro|partir la madre|romper la cara)\b",
       r"\bmatar a (?:mi|su|ese|esa|el|la|mis)\b",
       r"\b(?:lo|la|los|las) voy a (?:picar|ahorcar|quebrar|partir|balear|disparar)\b",
       r"\ble voy a (?:disparar|partir la cara|partir la madre|pegar)\b",
       r"\b(?:va|van|vas) a (?:apunalar|matar|picar|balear|disparar)(?:le|lo|la)? a\b",
       r"\b(?:hoy|ahorita) (?:la|lo|los) (?:ahorco|mato|pico)\b",
       r"\bhacerle dano al? (?:bebe|nino|nina|hijo|hija)\b",
       r"\b(?:le esta pegando|la esta golpeando|lo esta golpeando)\b",
       r"\bme la paga\b.*\bpistola\b|\bpistola\b.*\bme la paga\b",
       r"\b(?:con|tengo) (?:un|una|el|la) (?:bate|navaja|cuchillo|pistola)\b.*"
       r"\b(?:le voy|voy para|afuera|ahorita|me enga)"),
    _r("sobredosis", "overdose",
       r"\bsobredosis\b", r"\b(?:se tomo|me tome|tomo|trago|se trago) (?:todas las|todas mis|todas sus|todo el|"
       r"un frasco|muchas|"
       r"demasiadas|un monton de|toda la caja de)\b", r"\b(?:tome|tomo|use|uso|se metio|me meti) demasiad[oa]s?\b",
       r"\bespuma (?:por|en|de) la boca\b", r"\b(?:necesito|tienen|alguien tiene) (?:narcan|naloxona)\b",
       r"\b(?:le|les) (?:pusimos|puse|dimos|di|echamos|eche|pusieron|dieron) (?:el |la |un |una )?"
       r"(?:narcan|naloxona)\b.{0,60}\b(?:se (?:esta|va) yendo|otra vez|no (?:reacciona|despierta|respira))\b",
       r"\b(?:se tomo|me tome|me meti|se metio) (?:como )?\d+ (?:pastillas|pastis|xanax|clonazepam|percocet|"
       r"oxis?|tylenol|rivotril|seroquel|pastillas de)\b", r"\bun punado de\b",
       r"\bmezcle \w+ con\b", r"\bsiento que me voy\b",
       r"\b(?:mi|el|la) (?:ni[nñ]o|ni[nñ]a|bebe|hijo|hija|nieto|nieta|nene|nena)\b.{0,30}"
       r"\bse (?:comio|trago|tomo|metio)\b.{0,30}\b(?:pastillas?|pildoras?|tira|tiras|suboxone|metadona|medicinas?|"
       r"tylenol|xanax|clonazepam|fentanil\w*|droga|drogas|gomitas)\b",
       r"\bme pase con (?:la|el|las|los) (?:coca|cristal|pastillas|droga|perico|fenta\w*|heroina|chiva|alcohol|"
       r"pisto|trago|piedra|xanax|pastis)\b",
       r"\b(?:el )?corazon me (?:late|esta latiendo) (?:durisimo|muy fuerte|a mil|rapidisimo)\b.*\bno siento\b",
       r"\btodas las pastillas\b.*\b(?:lo voy a hacer|voy a hacerlo|lo hare)\b",
       r"\bse tomo (?:la|el|las|los) \w+ que\b",
       situational=True, past=False),
    _r("no_respira", "by_context",
       r"\bno (?:esta )?respira\w*", r"\bno puede respirar\b", r"\b(?:apenas|casi no) respira\b",
       r"\b(?:esta|se puso|se esta poniendo|tiene los labios|labios) (?:morad[oa]s?|azul(?:es)?)\b",
       r"\bno (?:despierta|reacciona|responde|se mueve)\b", r"\binconsciente\b", r"\bse desmayo y\b",
       r"\bponiendose (?:azul|morad[oa])\b", r"\brespira (?:bien |muy )?(?:lento|raro|poquito)\b",
       r"\b(?:desplomad[oa]|desmayad[oa])\b", r"\bfri[oa] y (?:azul|morad[oa])\b", r"\bno habla bien\b",
       situational=True, past=False, negatable=False),
    _r("emergencia_medica", "medical_emergency",
       r"\b(?:dolor|presion) (?:fuerte )?(?:en el|de) pecho\b", r"\bme duele (?:mucho )?el pecho\b",
       r"\b(?:ataque al corazon|infarto|derrame cerebral)\b", r"\b(?:esta|estoy) sangrando mucho\b",
       r"\bmucha sangre\b", r"\bno (?:puedo|puede) respirar\b", r"\b(?:llamen|llame|llamo) (?:al|a la) 911\b",
       r"\bse me cayo (?:un lado de )?la cara\b", r"\bno puedo hablar bien\b", r"\bvomitando sangre\b",
       r"\bse pego en la cabeza\b", r"\b(?:lo|la|me) (?:apunalaron|balearon|dispararon)\b",
       r"\bsangrando (?:mucho|del|de la|por)\b", r"\bno (?:para|deja) de (?:salir(?:me|le)? )?sangr\w*\b",
       r"\b(?:necesito|manden) una ambulancia\b", r"\bes una emergencia\b", r"\bme (?:apunalaron|dispararon)\b",
       situational=True, past=False),
    _r("abstinencia_peligrosa", "by_context_w",
       r"\bconvulsi\w+", r"\b(?:veo|estoy viendo|ve|esta viendo) (?:cosas|bichos|animales|gente|personas) que no\b",
       r"\b(?:veo|ve|viendo) (?:bichos|aranas|sombras|animales|cosas raras)\b", r"\balucin\w+", r"\bdelirium\b",
       r"\bno (?:se|sabe) (?:ni )?donde (?:estoy|esta)\b", r"\b(?:oigo|oye|escucho) voces\b",
       r"\b(?:oigo|oye|escucho|escucha) (?:que (?:me|lo|la) llaman|cosas que no)\b",
       r"\b(?:le|me) (?:caminan|hablan) (?:cosas|gente|personas)\b", r"\bgente que no (?:esta|existe)\b",
       r"\bno me reconoce\b", r"\b(?:me|le) (?:acaba de dar|dio) un ataque\b",
       situational=True, past=False),
)

_ABBREVIATION = re.compile(r"\b(lic|licda|dr|dra|sr|sra|srta|ing|prof|mtro|mtra|ud|uds)\.")
# "sin tomar" is withdrawal, not a negation of what follows ("segundo dia sin tomar y veo bichos")
_WITHOUT_USING = re.compile(r"\bsin (?:tomar|beber|usar|consumir|alcohol|pisto|trago|droga|drogas|pastillas|fumar)\b")
_INTENT_NOW = re.compile(r"(?<!\bno )(?<!\bnunca )(?<!\bjamas )"
                         r"\b(?:lo voy a hacer|voy a hacerlo|lo hare) (?:ahorita|ahora|hoy|esta noche|ya)\b|"
                         # cut wrists bleeding now: "jaja, solo me corte las venas y hay mucha sangre" is no joke
                         r"\b(?:venas|munecas)\b.{0,80}\b(?:(?:hay|sale|tengo|esta saliendo) (?:mucha|bastante|"
                         r"un chingo de) sangre|no (?:para|deja) de sangrar|sigo sangrando|me estoy desangrando)\b")
_CLAUSE = re.compile(r"[.;!?\n]|,|\bpero\b|\baunque\b|\bsino\b|\by\b")
NEGATION_REACH = 6  # words before a rule's words where a negation still cancels it
_NEGATION = re.compile(r"\b(?:no|nunca|jamas|ni|tampoco|nadie|sin|nada)\b")
_DISTANT_PAST = re.compile(r"\bhace (?:\d+|muchos|varios|unos|un par de) anos\b|\bhace anos\b|"
                           r"\bcuando (?:yo )?(?:era|tenia|estaba)\b|\ben (?:el )?(?:19|20)\d\d\b|\bel ano pasado\b|"
                           r"\bde (?:joven|nino|nina)\b|"
                           r"\ba los (?:1\d|[2-9]\d)(?: anos)?\b(?! (?:minutos|segundos|horas|dias|semanas|meses))|"
                           r"\bhace (?:mucho|tiempo|anos)\b(?! (?:aire|frio|calor|viento|sol|ruido))|"
                           r"\bdesde entonces\b|\bya (?:sali|salio) de eso\b|"
                           r"\buna vez\b|(?<!\bfuera )(?<!\bsea )(?<!\bseria )\bla ultima vez\b|"
                           r"\bya no (?:pienso|me siento|siento) (?:asi|eso|igual)\b|"
                           r"\bcuando (?:tomaba|bebia|usaba|consumia|me drogaba)\b|"
                           r"\bllevo \d+ (?:anos|meses|semanas)\b|\bestoy (?:mejor|bien|limpi[oa])\b|"
                           r"\bya (?:lo supere|estoy bien|esta bien|paso)\b")
_RECENT_PAST = re.compile(r"\b(?:la semana|el mes|el ano|el verano|el invierno|la primavera|el otono|la navidad|"
                          r"el fin de semana|el finde) pasad[oa]\b|"
                          r"\bhace (?:\d+|unas?|dos|tres) (?:semanas|meses)\b|"
                          r"\bya esta bien\b|\bya se recupero\b|\bsalio del hospital\b")
_NOW = re.compile(r"\b(?:ahora mismo|en este momento|ya no respira|ayuda|auxilio)\b")
_FRAME = re.compile(r"\b(?:miedo|temo|me preocupa|preocupad[oa]|que pasa si|que hago si|si (?:a )?alguien|en caso de|"
                    r"como (?:ayudo|se usa|puedo)|pelicula|serie|cancion|libro|noticia|noticias|documental|video|"
                    r"podcast|clase|caminata|prevencion|charla|platica|el 988|al 988|llamar al 988|linea de crisis|"
                    r"(?:me )?pregunt(?:o|aron|a) si|le dije (?:que|q) no|señales|pueden? (?:dar|causar|provocar)|"
                    r"se puede|ofrecen|tienen grupo|pregunta|aceptan|senales|ensayo|corrido|personaje|"
                    r"como se evita|van a arrestar|es peligroso|tiktok|instagram|facebook|youtube|comentarios|"
                    r"(?:que|q|k) (?:hago|hacemos|debo hacer) si)\b|'[^']{3,60}'|\"[^\"]{3,60}\"")
_FEAR = re.compile(r"\b(?:miedo|temo|me preocupa|preocupad[oa])\b")
# in withdrawal now (stopped at once, days without, shaking): fear of a seizure is not a hypothesis ("dejé el
# clonazepam de golpe y tengo miedo de convulsionar"); "si/cuando deje" (if/when I quit) is
_WITHDRAWING_NOW = re.compile(r"(?<!\bsi )(?<!\bcuando )\b(?:deje|pare|corte|suspendi)\b[^.?!]{0,40}\bde golpe\b|"
                              r"\b(?:llevo|tengo|van) (?:\d+|un|una|dos|tres|cuatro|cinco) (?:dias?|horas?) sin\b|"
                              r"\bhace (?:\d+|un|una|dos|tres|cuatro|cinco) (?:dias?|horas?) (?:que no|sin)\b|"
                              r"\b(?:estoy temblando|tiemblo|me tiembla\w*|temblando (?:mucho|feo|horrible))\b")
# Media, reports, other people's stories: the crisis words are the topic, not what is happening
_MEDIA = re.compile(r"\b(?:rola|cancion|reggaeton|corrido|telenovela|novela|serie|pelicula|cuento|libro|historia|"
                    r"podcast|video|tiktok|noticia|noticias|noticiero|noticiario|periodico|clase|maestra|maestro|"
                    r"junta|testimonio|"
                    r"presentacion|ensayo|programa de tv|la tele|tarea|estadisticas|investigacion|"
                    r"trabajo (?:para|pa|de) la (?:uni|universidad|escuela|clase|prepa))\b|"
                    r"\b(?:conto|platico|compartio|leimos|vimos)\b|"
                    r"\ben (?:el|la|mi) (?:grupo|junta|reunion|terapia de grupo)\b.{0,40}"
                    r"\b(?:alguien|una senora|un senor|un chavo|una chava|un companero|una companera) "
                    r"(?:dijo|conto|comento|compartio)\b")
# A question about something, not a statement of danger ("cuales son las señales de una sobredosis?")
_QUESTION = re.compile(r"^\W*(?:que|cual|cuales|como|cuanto|cuantos|cuantas|hay|acepta|aceptan|cubre|da|puede|"
                       r"pueden|es|sirve|para que|donde|cuando|el programa|el seguro|la metadona)\b")
_DANGER_NOW = re.compile(r"\b(?:ahorita|ahora mismo|en este momento|ayuda|auxilio|urgente|se esta|esta muy|"
                         r"no respira|no despierta)\b")
# the story is over: someone recovered, came home, passed away long ago, years sober
_OVER = re.compile(r"\bya esta (?:en (?:su )?casa|bien|sobri[oa]|limpi[oa]|en rehab)\b|\bsobrevivio\b|\bya no usa\b|"
                   r"\bya regreso\b|\blo dieron de alta\b|\bla dieron de alta\b|\bfallecio\b|"
                   r"\b(?:tengo|llevo|lleva|tiene) \d+ (?:anos|meses) (?:sobri|limpi|en)\w*\b|"
                   r"\bahora (?:es|esta|ayudo|trabaja)\b|\bya esta en casa\b")
# years or months clean or sober: what the message tells of is over
_CLEAN_TIME = re.compile(r"\b(?:tengo|llevo|lleva|tiene|llevamos) (?:\d+|uno|dos|tres|cuatro|cinco|seis|varios|muchos) "
                         r"(?:anos|meses) (?:sobri|limpi)\w*\b|\b(?:sobri|limpi)\w* (?:desde hace|hace) "
                         r"(?:\d+|uno|dos|tres|varios|muchos) (?:anos|meses)\b")
_WHEN = re.compile(r"\ben (?:enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|"
                   r"diciembre)\b|\b(?:19|20)\d\d\b|\bel (?:lunes|martes|miercoles|jueves|viernes|sabado|domingo)"
                   r"(?: pasado)?\b|\bcuando (?:yo )?era\b")
_JOKE = re.compile(r"\b(?:jaja\w*|jeje\w*|exagero|es broma|no es cierto|no manches)\b")
_IDIOM = re.compile(r"\b(?:me voy a|te vas a|se va a) morir de tanto (?:tomar|beber|fumar|usar|comer|trabajar)\b|"
                    r"\bme muero (?:de|por) (?:risa|hambre|sueno|ganas|calor|frio|verguenza|aburrimiento)\b|"
                    r"\bme (?:mata|matan|esta matando) (?:el|la|los|las|este|esta)\b|\bmuerto de (?:risa|hambre|sueno|"
                    r"cansancio)\b|\bme quiero morir de (?:la )?(?:risa|verguenza|pena)\b|"
                    r"\bmor(?:ir|ia|i|iria|irme|irse)\w* de (?:la |tanta |puro |pura )?"
                    r"(?:risa|verguenza|pena|hambre|sueno|aburrimiento|calor|frio|cansancio)\b|"
                    # "el trafico es un suicidio": something reckless, said of a thing (not "mi unica salida es ...")
                    r"(?<!salida )(?<!opcion )(?<!solucion )(?<!plan )(?<!idea )(?<!camino )"
                    r"\b(?:es|era|seria|fue) (?:un|una|puro|pura) suicidio\b")
# a loss told of: "perdí a mi mejor amiga por suicidio", "... por una sobredosis" (grief, not danger now)
_LOSS = re.compile(r"\bperdi a (?:mi|su|un|una|nuestro|nuestra)(?: \w+){1,3} "
                   r"(?:por|a causa de|por un|por una|en un|en una) (?:suicidio|sobredosis)\b")
# Spanish chat shorthand, so the rules read one spelling ("q hago si" = "que hago si", "xq" = "porque")
_SHORTHAND = ((re.compile(r"\b(?:q|k|ke)\b"), "que"), (re.compile(r"\b(?:xq|pq|porq|xk)\b"), "porque"),
              (re.compile(r"\bpa\b"), "para"), (re.compile(r"\b(?:tmb|tb|tmbn)\b"), "tambien"),
              (re.compile(r"\bx\b"), "por"), (re.compile(r"\bd\b"), "de"),
              (re.compile(r"\bk(?=(?:iero|ieres|iere|ieren|isiera|ise|iso|izas?)\b)"), "qu"),
              (re.compile(r"\baki\b"), "aqui"), (re.compile(r"\bporke\b"), "porque"))


def signals_es(text: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """((category, rule name) that count, (category, rule name) whose context cancelled them)."""
    found: list[tuple[str, str]] = []
    cancelled: list[tuple[str, str]] = []
    # the rules are written without ñ ("daño", "el año pasado" read as typed without it); "la lic. ramirez" is
    # one sentence
    text = _ABBREVIATION.sub(r"\1", text.replace("ñ", "n"))
    for pattern, replacement in _SHORTHAND:
        text = pattern.sub(replacement, text)
    cleaned = _IDIOM.sub(" ", text)
    for sentence in re.split(r"(?<=[.!?\n])", cleaned):
        for rule in RULES_ES:
            if rule.requires is not None and not rule.requires.search(cleaned):
                continue
            for match in rule.pattern.finditer(sentence):
                before = sentence[:match.start()]
                clause_before = _CLAUSE.split(before)[-1]
                reason = _cancelled(rule, sentence, before, clause_before, cleaned) or bool(
                    rule.not_in_text and rule.not_in_text.search(cleaned))
                (cancelled if reason else found).append((rule.category, rule.name))
    return found, cancelled


def _cancelled(rule: RuleEs, sentence: str, before: str, clause_before: str, text: str = "") -> bool:
    if _INTENT_NOW.search(text):
        return False  # "¿qué pasa si me tomo todas? lo voy a hacer ahorita": the question is not the frame
    # a negation close before the words ("no me quiero matar"), not one a long unpunctuated clause earlier ("ya no
    # voy a ir mas al grupo hoy me voy a quitar la vida")
    if rule.negatable and _NEGATION.search(" ".join(_WITHOUT_USING.sub(" ", clause_before).split()[-NEGATION_REACH:])):
        return True
    # a laugh does not make asking for a lethal amount a joke ("toy bien jaja, cuantas serian pa no despertar")
    if _MEDIA.search(before) or _JOKE.search(sentence) and not rule.asked_counts or _LOSS.search(sentence) or (
            rule.category == "harm_others" and GAMING.search(text)):
        return True
    # a question about it, from the sentence's start or the clause's ("soy enfermera, ¿cuál es su protocolo
    # cuando alguien ... sobredosis?")
    if "?" in sentence and not _DANGER_NOW.search(sentence) and (
            _QUESTION.search(clause_before) or _QUESTION.search(sentence)) and not rule.asked_counts:
        return True
    if _OVER.search(text) and (_WHEN.search(text) or _DISTANT_PAST.search(text) or _RECENT_PAST.search(text)):
        return True
    if _CLEAN_TIME.search(text) and not (_NOW.search(sentence) or _DANGER_NOW.search(sentence)):
        return True  # "tuvo sobredosis dos veces pero ya lleva 3 años limpio"
    if rule.name == "abstinencia_peligrosa" and _WITHDRAWING_NOW.search(text):
        before = _FEAR.sub(" ", before)
    if _FRAME.search(before) or _FRAME.search(sentence) and not rule.situational and "?" in sentence:
        return True
    if rule.past and _DISTANT_PAST.search(sentence):
        return True
    # fear after the event is not a hypothesis: "me tomé un montón de pastillas ... y ahora tengo miedo"
    return rule.situational and bool(_RECENT_PAST.search(sentence) or _DISTANT_PAST.search(sentence)
                                     or _FRAME.search(_FEAR.sub(" ", sentence))) and not _NOW.search(sentence)
