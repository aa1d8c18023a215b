"""Demo learning stories: invented people and places, for local use and screenshots.

Each story names the chapter (by slug) it belongs under, the index of its author among
the demo members, and whether curators feature it. `key` makes it idempotent."""

from typing import Any

THEMES = [
    ("Openbare ruimte", "openbare-ruimte"),
    ("Vergunningen", "vergunningen"),
    ("Buurtbudget", "buurtbudget"),
    ("Ondernemen", "ondernemen"),
    ("Communicatie", "communicatie"),
    ("Ontmoeting", "ontmoeting"),
    ("Participatie", "participatie"),
]

STORIES: list[dict[str, Any]] = [
    {
        "key": "straatfeest",
        "chapter": "leefwereld-en-systeemwereld",
        "author": 0,
        "municipality": "Zwolle",
        "themes": ["vergunningen", "openbare-ruimte"],
        "featured": True,
        "title": "Een vergunning voor het straatfeest",
        "body": """\
Vorig voorjaar besloten we in de Lindenstraat dat het tijd werd voor een straatfeest.
Niets groots: een lange tafel, een springkussen voor de kinderen en iemand met een
gitaar. Ik dacht dat het regelen een kwestie van een middag zou zijn.

Het werden zes weken. Het formulier voor een evenementenvergunning vroeg naar een
veiligheidsplan, een bereikbaarheidsplan voor hulpdiensten en het verwachte aantal
bezoekers per uur. Ik wist niet eens dat onze straat een *calamiteitenroute* was.

Het keerpunt kwam toen ik de gemeente belde en niet het loket kreeg, maar Ruben, een
vergunningverlener die zelf in een straat met een jaarlijks buurtfeest woont. Hij kwam
een avond langs, liep met ons de straat door en wees aan waar de brandweer moest kunnen
keren. „Dit formulier is gemaakt voor festivals,” zei hij, „niet voor jullie.” Een paar
maanden later bestond er een eenvoudige melding voor kleine buurtfeesten.

Wat ik ervan leerde: achter een systeem zitten mensen die dat systeem zelf ook soms te
groot vinden. Als je ze uitnodigt in je leefwereld, gaan ze anders kijken. En de
gitarist? Die speelde tot half elf, precies zoals afgesproken.""",
        "replies": [
            (
                3,
                "Wat herkenbaar. Bij ons duurde het net zo lang, en niemand kwam langs. "
                "Weet je of die melding voor kleine buurtfeesten ook online staat?",
            ),
            (6, "Mooi hoe één gesprek op straat meer deed dan zes weken formulieren."),
        ],
    },
    {
        "key": "bankje-bij-de-bakker",
        "chapter": "samen-maken",
        "author": 1,
        "municipality": "Deventer",
        "themes": ["openbare-ruimte"],
        "featured": False,
        "title": "Het bankje bij de bakker",
        "body": """\
Bij de bakker op de hoek stond jarenlang een bankje. Oudere buurtbewoners rustten er
even uit met hun boodschappen, kinderen aten er hun krentenbol. Toen de stoep werd
vernieuwd, verdween het bankje. Niemand had erom gevraagd, en op de tekening had
niemand het gemist.

Ik heb eerst een mail gestuurd. Daarop kwam een keurig antwoord: het bankje paste niet
in het nieuwe plan voor straatmeubilair. Toen ben ik handtekeningen gaan verzamelen bij
de bakker zelf. Binnen een week stonden er tachtig namen op de lijst, en bakker Henk
schreef erbij: „Mijn klanten blijven korter als ze nergens kunnen zitten.”

Wat het verschil maakte, was niet de lijst maar het gesprek dat volgde. Een medewerker
van de gemeente ging een ochtend bij de bakker zitten, op een klapstoeltje, en telde
hoeveel mensen even wilden uitrusten. Het waren er zevenentwintig vóór twaalf uur.

Het nieuwe bankje is van gerecycled plastic en heeft armleuningen, op verzoek van
mevrouw De Wit van nummer twaalf. Het staat er nu een jaar. Mijn les: cijfers uit de
straat overtuigen vaak meer dan argumenten op papier.""",
        "replies": [
            (4, "Dat de medewerker gewoon is gaan tellen, dat ga ik onthouden."),
            (
                9,
                "Wij lazen dit verhaal voor in onze leesclub. Iedereen wist meteen een "
                "plek in de eigen stad waar ook een bankje was verdwenen.",
            ),
        ],
    },
    {
        "key": "buurtbudget",
        "chapter": "leren-als-gemeente",
        "author": 2,
        "municipality": "Utrecht",
        "themes": ["buurtbudget", "participatie"],
        "featured": True,
        "title": "Buurtbudget: wie beslist er eigenlijk?",
        "body": """\
Onze wijk kreeg twee jaar geleden een eigen buurtbudget: vijftigduizend euro per jaar,
te besteden aan ideeën van bewoners. Op papier prachtig. In de eerste ronde kwamen vooral
voorstellen binnen van mensen die de weg al kenden: de tennisvereniging, het
wijkcomité, en eerlijk gezegd ikzelf ook.

Hoe scheef het was, merkten we pas bij de stemming. Van de drieduizend huishoudens deden
er tweehonderd mee. De flats aan de rand van de wijk, waar veel jonge gezinnen en nieuwe
Nederlanders wonen, waren nauwelijks vertegenwoordigd.

De tweede ronde hebben we anders aangepakt. Geen online formulier als enige ingang, maar
een ideeënkar die drie zaterdagen bij de flats stond, met thee, tolken en een bord waarop
je met stickers kon kiezen. Wie de taal nog leerde, kon tekenen wat hij bedoelde. Het
winnende idee kwam van twee tieners: verlichting en een overkapping bij het
voetbalveldje, zodat ze er ook in de winter terechtkunnen.

Wie beslist er eigenlijk? Wie je uitnodigt, en hoe. Dat vind ik de belangrijkste les van
ons buurtbudget.""",
        "replies": [
            (7, "De ideeënkar is een prachtige vondst. Mogen wij die komen lenen?"),
            (
                8,
                "Als raadslid lees ik dit met een kleur op mijn wangen. Dank voor het "
                "eerlijke verhaal.",
            ),
            (2, "Graag! De kar staat bij het buurthuis, vraag maar naar Said."),
        ],
    },
    {
        "key": "winkelier-en-wegopbreking",
        "chapter": "communicatie-als-hart-van-beleid",
        "author": 3,
        "municipality": "Amersfoort",
        "themes": ["ondernemen", "communicatie"],
        "featured": False,
        "title": "De winkelier en de wegopbreking",
        "body": """\
Ik heb een fietsenwinkel aan de Stationsweg. Toen de gemeente aankondigde dat de weg
acht maanden open zou gaan voor nieuwe riolering, schrok ik. Acht maanden zonder
aanloop overleef je niet als kleine zaak.

De eerste informatieavond was een presentatie met planningen en doorsneden van buizen.
Na afloop stonden we met vijf ondernemers op de stoep, allemaal met dezelfde vraag:
kunnen klanten ons straks nog bereiken?

Wat toen gebeurde, had ik niet verwacht. De omgevingsmanager, Lisa, vroeg of ze de week
erna in onze winkels mocht komen kijken. Ze zag hoe mijn klanten binnenkomen: met de fiets
aan de hand, vaak met een lekke band. Dat is iets anders dan een voetganger die een
winkelstraat in loopt.

Het werk werd in fasen opgedeeld, zodat er altijd een looppad met een fietsgoot naar mijn
deur bleef. Er kwamen gele borden met *Wij zijn gewoon open*, en de aannemer liet zijn
mensen hun fietsen bij mij repareren. Ik heb die maanden omzet verloren, maar minder dan
ik vreesde, en ik heb er een manier van samenwerken voor teruggekregen.

Communicatie is meer dan informeren. Het is komen kijken.""",
        "replies": [(1, "„Komen kijken.” Daar zit het hele boek in, wat mij betreft.")],
    },
    {
        "key": "koffie-aan-de-keukentafel",
        "chapter": "elkaar-echt-ontmoeten",
        "author": 4,
        "municipality": "Leeuwarden",
        "themes": ["ontmoeting"],
        "featured": False,
        "title": "Koffie aan de keukentafel",
        "body": """\
Ik werk als beleidsmedewerker wonen. Jarenlang schreef ik nota's over „de doelgroep”
zonder ooit bij iemand uit die doelgroep thuis te zijn geweest. Dat veranderde toen mijn
teamleider voorstelde dat we allemaal drie keukentafelgesprekken zouden voeren, zonder
agenda.

Mijn eerste gesprek was met meneer Visser, tachtig jaar, al vijftig jaar in dezelfde
huurwoning. Ik had een lijstje vragen over woningaanpassingen meegenomen. Hij schonk
koffie, pakte een fotoalbum en vertelde over de buren die allemaal waren vertrokken. Pas
na een uur kwam de drempel naar de badkamer ter sprake, en dan nog terloops.

Wat ik leerde: het probleem dat ik kwam onderzoeken, was voor hem niet het probleem.
Eenzaamheid was het probleem. De drempel was hooguit een reden om niet meer naar buiten
te gaan.

Ik heb mijn nota niet weggegooid, maar er is een hoofdstuk bijgekomen over ontmoeting in
de wijk. En ik ga nog steeds eens per maand bij meneer Visser langs. Niet voor mijn werk.
Gewoon voor de koffie.""",
        "replies": [
            (0, "Wat een mooi slot. Ik denk dat meneer Visser dit verhaal ook graag zou lezen."),
        ],
    },
    {
        "key": "brief-die-niemand-begreep",
        "chapter": "communicatie-als-hart-van-beleid",
        "author": 5,
        "municipality": "Apeldoorn",
        "themes": ["communicatie"],
        "featured": False,
        "title": "Een brief die niemand begreep",
        "body": """\
Onze vereniging van eigenaren kreeg een brief van de gemeente over de „aanpassing van
het parkeerregime in het kader van de mobiliteitstransitie”. Vier kantjes. Na het lezen
wisten we nog steeds niet of we volgend jaar moesten betalen om voor onze eigen deur te
parkeren.

Ik heb de brief toen met markeerstiften bewerkt: groen voor wat ik begreep, roze voor wat
niet. Het was vooral roze. Die versie heb ik teruggestuurd, met een vriendelijk briefje
erbij: „Wilt u ons helpen dit te begrijpen?”

Tot mijn verrassing belde er een week later iemand van de afdeling communicatie. Ze vroeg
of ze mijn roze brief mocht gebruiken in een training voor collega's, en of ik wilde
meelezen met de volgende versie.

Die volgende brief was één kantje. Bovenaan stond in één zin wat er veranderde, daaronder
wat het voor ons betekende en wie je kon bellen. Ik heb er niets meer in gemarkeerd.

Soms is meedoen heel klein: laten zien waar je de draad kwijtraakt. Dat is geen klagen.
Het is informatie die de gemeente anders niet krijgt.""",
        "replies": [
            (
                4,
                "Ik werk zelf bij een gemeente en ga deze roze-groene methode voorstellen. "
                "Dank je wel!",
            ),
        ],
    },
    {
        "key": "moestuin-op-het-veld",
        "chapter": "samen-maken",
        "author": 6,
        "municipality": "Groningen",
        "themes": ["openbare-ruimte", "participatie"],
        "featured": True,
        "title": "De moestuin op het braakliggende veld",
        "body": """\
Naast onze school lag al jaren een veld te wachten op woningbouw die maar niet kwam.
Hekken eromheen, onkruid tot je knieën. Een paar ouders, de conciërge en ik dachten: daar
kan in de tussentijd iets groeien.

De gemeente was eerst voorzichtig. Tijdelijk gebruik betekent afspraken over
aansprakelijkheid, over opruimen als de bouw begint, over water. We kregen een contract
van elf pagina's. Toen hebben we met de grondeigenaar, de gemeente en een buurtbewoner
die jurist is een avond aan tafel gezeten en het teruggebracht tot twee pagina's die
iedereen kon lezen.

Nu staan er achtentwintig bakken. Elke klas heeft er een, de rest is van buurtbewoners.
De bakker brengt zijn koffiedik voor de compost, een hovenier uit de wijk geeft op
woensdag les. Dit voorjaar kwam de wethouder radijsjes oogsten met groep vier.

Ooit komen er huizen. Dat weten we, en dat is goed. De bakken staan op pallets, zodat we
kunnen verhuizen. Maar wat we hier geleerd hebben, het vertrouwen tussen school, buurt en
gemeente, nemen we mee, waar de tuin ook naartoe gaat.""",
        "replies": [
            (1, "Van elf pagina's naar twee: dat verdient een eigen hoofdstuk."),
            (5, "Bakken op pallets, wat slim. Zo maak je tijdelijk iets blijvends."),
        ],
    },
    {
        "key": "exemplaar-doorgegeven",
        "chapter": "een-boek-waar-je-lid-van-wordt",
        "author": 7,
        "municipality": "Tilburg",
        "themes": ["ontmoeting"],
        "featured": False,
        "title": "Waarom ik mijn uitnodiging doorgaf",
        "body": """\
Ik kreeg dit boek van mijn buurvrouw, die lid werd via haar werk bij de bibliotheek. Ze
gaf me haar uitnodiging met de woorden: „Jij doet dit al jaren, je weet het alleen nog
niet.”

Ze bedoelde het huiswerkcafé dat ik sinds 2019 in de moskee organiseer. Voor mij was
dat gewoon iets wat moest gebeuren: kinderen die thuis geen rustige plek hebben,
studenten die willen helpen, een zaal die doordeweeks leegstond. Ik had nooit gedacht
dat het „samen maken” heette.

Toen ik de eerste hoofdstukken las, herkende ik veel, vooral het stuk over de leefwereld
en de systeemwereld. Toen we subsidie aanvroegen, moesten we maatschappelijke effecten
meten. Wij wisten alleen dat Yasmina haar havodiploma haalde en nu zelf bijles geeft.

Ik heb mijn eigen uitnodiging doorgegeven aan de jongerenwerker van de gemeente, met wie
we nu samenwerken. Ik hoop dat hij hier ooit zijn kant van het verhaal schrijft. Zo
groeit het boek, denk ik: door het door te geven aan iemand die je beter wilt leren
kennen.""",
        "replies": [(2, "Groeten aan Yasmina! Wat een mooi bewijs van effect.")],
    },
    {
        "key": "speeltuin-en-de-raad",
        "chapter": "leren-als-gemeente",
        "author": 8,
        "municipality": "Haarlem",
        "themes": ["participatie", "openbare-ruimte"],
        "featured": False,
        "title": "Wat de raad leerde van de speeltuin",
        "body": """\
Als raadslid stemde ik drie jaar geleden in met de renovatie van een speeltuin in onze
wijk. Een ontwerpbureau maakte een prachtig plan, met natuurlijke materialen en een
klimrots. Na de opening bleek dat er bijna niemand speelde.

Ik ben toen een paar middagen gaan kijken. De kinderen speelden op de stoep ernaast. De
klimrots stond in de volle zon en werd 's zomers te heet om aan te raken. De bankjes voor
ouders stonden met hun rug naar de speeltoestellen. En het hek sloot de kortste route
naar school af.

Niemand had de kinderen gevraagd. We hadden een inspraakavond gehouden, om half acht, in
het stadhuis. Daar kwamen vier mensen op af, geen van hen jonger dan vijftig.

We hebben het met de basisschool opnieuw gedaan. Kinderen maakten maquettes van karton
en ouders liepen met ons de route naar school. Er kwamen schaduwbomen en een poort in het
hek. Het kostte extra geld, en dat heb ik in de raad moeten uitleggen.

Mijn les: participatie is geen avond in het stadhuis. Het is gaan zitten waar het leven
gebeurt.""",
        "replies": [(6, "Maquettes van karton! Dat gaan wij met groep vier ook doen.")],
    },
    {
        "key": "leesclub-bibliotheek",
        "chapter": "het-boek-groeit",
        "author": 9,
        "municipality": "Nijmegen",
        "themes": ["ontmoeting"],
        "featured": False,
        "title": "Het boek groeit in onze bibliotheek",
        "body": """\
In onze bibliotheek is sinds dit najaar een leesclub over dit boek. We lezen elke maand
één hoofdstuk en nemen daarna de leerverhalen door die eronder staan. Dat laatste bleek
het beste deel.

De eerste avond kwamen er negen mensen: twee ambtenaren, een ondernemer uit het
winkelcentrum, een paar gepensioneerden en een student bestuurskunde. Bij het hoofdstuk
over elkaar echt ontmoeten vertelde de ondernemer dat hij de gemeente altijd als één
loket had gezien, tot hij aan tafel zat met de ambtenaar die drie huizen verderop woont.

Wat ons opvalt: de verhalen maken het boek concreter dan welke samenvatting ook. Iemand
las het verhaal over het bankje bij de bakker voor, en meteen wist iedereen een plek in
onze eigen stad waar ook een bankje was verdwenen.

We hebben afgesproken dat we na elke avond samen één verhaal schrijven over wat we in
onze eigen gemeente zien. Dit is het eerste. Volgende maand zijn we bij hoofdstuk vijf,
en ik ben benieuwd wat we dan meebrengen.""",
        "replies": [(1, "Wat leuk dat mijn bankje in jullie leesclub terechtkwam!")],
    },
]

# Who gives which reactions: (story index, member index, kind).
REACTIONS = [
    (0, 1, "herkenbaar"),
    (0, 2, "herkenbaar"),
    (0, 5, "dank"),
    (1, 0, "herkenbaar"),
    (1, 9, "dank"),
    (2, 4, "herkenbaar"),
    (2, 7, "herkenbaar"),
    (2, 8, "dank"),
    (2, 0, "dank"),
    (3, 1, "herkenbaar"),
    (4, 6, "dank"),
    (4, 3, "herkenbaar"),
    (5, 4, "dank"),
    (5, 0, "herkenbaar"),
    (6, 2, "herkenbaar"),
    (6, 8, "dank"),
    (6, 9, "dank"),
    (7, 3, "dank"),
    (8, 6, "herkenbaar"),
    (9, 1, "dank"),
]
