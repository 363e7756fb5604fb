"""The benchmark's fixed data set: the same books, in the same order, on every run and every machine.

Books are second-hand copies with titles, authors and condition notes in six languages (accents, ñ, ß,
ø, apostrophes), prices of a used-book shop and small stocks. They are generated from a seeded
random.Random, whose algorithms Python keeps stable across versions, so book N is always the same book;
ids are 1..N because the books go first into an empty table.

The books are written straight into catalog's database in multi-row INSERTs (the columns of
services/catalog/migrations/0002_create_books.sql), which loads 100,000 books in seconds instead of the
minutes the API would take. They therefore announce no book.created event: orders' read model does not
know them, which orders tolerates (catalog stays the authority on stock and price). Nor do they pass
through catalog's word index: fixtures.py fills book_words afterwards with catalog's backfill migration.
"""

from __future__ import annotations

import dataclasses
import datetime
import random

SEED = 20240601
BATCH_ROWS = 1000
# Book i is dated 7 minutes (and a few seconds) after book i - 1, from this instant on, whatever the
# number of books loaded (so sort=newest is well defined and book N does not depend on the count).
OLDEST = datetime.datetime(2024, 1, 1, 8, 0, 0)

# (article + noun phrases, adjectives, places, condition notes) per language. Titles are made from
# these with the language's own patterns below.
LANGUAGES = {
    "es": {
        "nouns": ["La noche", "El jardín", "La casa", "El río", "La canción", "El invierno", "La ciudad",
                  "El corazón", "La sombra", "El camino", "La última carta", "El niño", "La isla",
                  "El faro", "La memoria", "El otoño", "La señora", "El viaje", "La montaña", "El café"],
        "adjectives": ["perdida", "oscura", "dorada", "olvidada", "silenciosa", "lejana", "pequeña", "rota",
                       "azul", "infinita"],
        "places": ["Sevilla", "Córdoba", "Cádiz", "Valparaíso", "Bogotá", "Medellín", "Málaga", "Mérida",
                   "Asunción", "Cartagena de Indias"],
        "patterns": ["{noun} de {place}", "{noun} {adjective}", "Crónica de {place}", "{noun}",
                     "Cien años en {place}", "Los días de {place}"],
        "notes": ["Buen estado.", "Lomo algo gastado.", "Subrayados a lápiz.", "Como nuevo.",
                  "Primera edición.", "Tapas con marcas de uso.", "Dedicatoria en la portadilla."],
    },
    "fr": {
        "nouns": ["La nuit", "Le jardin", "La maison", "Le fleuve", "L'été", "L'hiver", "La ville",
                  "Le cœur", "L'ombre", "Le chemin", "La dernière lettre", "L'enfant", "L'île",
                  "Le phare", "La mémoire", "L'automne", "La dame", "Le voyage", "La montagne", "Le café"],
        "adjectives": ["perdue", "obscure", "dorée", "oubliée", "silencieuse", "lointaine", "éternelle",
                       "brisée", "bleue", "étrangère"],
        "places": ["Orléans", "Besançon", "Nîmes", "Montréal", "Québec", "Genève", "Alès", "Sète",
                   "Saint-Étienne", "Compiègne"],
        "patterns": ["{noun} à {place}", "{noun} {adjective}", "Les enfants de {place}", "{noun}",
                     "Un été à {place}", "Chroniques de {place}"],
        "notes": ["Très bon état.", "Quelques annotations au crayon.", "Couverture défraîchie.",
                  "Comme neuf.", "Édition originale.", "Pages jaunies.", "Ex-libris sur la page de garde."],
    },
    "en": {
        "nouns": ["The Night", "The Garden", "The House", "The River", "The Summer", "The Winter",
                  "The City", "The Heart", "The Shadow", "The Road", "The Last Letter", "The Child",
                  "The Island", "The Lighthouse", "The Memory", "The Autumn", "The Lady", "The Journey",
                  "The Mountain", "The Harbour"],
        "adjectives": ["Lost", "Dark", "Golden", "Forgotten", "Silent", "Distant", "Little", "Broken",
                       "Blue", "Endless"],
        "places": ["York", "Dublin", "Galway", "Edinburgh", "Bath", "Boston", "Savannah", "Whitby",
                   "Canterbury", "Brighton"],
        "patterns": ["{noun} at {place}", "The {adjective} {place}", "A Winter in {place}", "{noun}",
                     "Letters from {place}", "{noun} of {place}"],
        "notes": ["Good copy.", "Light foxing on the edges.", "Pencil notes in the margins.",
                  "As new.", "First edition.", "Dust jacket torn.", "Ex-library copy."],
    },
    "de": {
        "nouns": ["Die Nacht", "Der Garten", "Das Haus", "Der Fluss", "Der Sommer", "Der Winter",
                  "Die Stadt", "Das Herz", "Der Schatten", "Die Straße", "Der letzte Brief", "Das Kind",
                  "Die Insel", "Der Leuchtturm", "Die Erinnerung", "Der Herbst", "Die Dame", "Die Reise",
                  "Der Berg", "Das Café"],
        "adjectives": ["verlorene", "dunkle", "goldene", "vergessene", "stille", "ferne", "kleine",
                       "zerbrochene", "blaue", "ewige"],
        "places": ["München", "Köln", "Lübeck", "Göttingen", "Würzburg", "Zürich", "Düsseldorf",
                   "Nürnberg", "Weißenfels", "Graz"],
        "patterns": ["{noun} von {place}", "Die {adjective} Stadt", "Ein Sommer in {place}", "{noun}",
                     "Briefe aus {place}", "{noun} in {place}"],
        "notes": ["Gut erhalten.", "Leichte Gebrauchsspuren.", "Mit Bleistiftnotizen.", "Wie neu.",
                  "Erstausgabe.", "Schutzumschlag eingerissen.", "Widmung auf dem Vorsatzblatt."],
    },
    "pt": {
        "nouns": ["A noite", "O jardim", "A casa", "O rio", "O verão", "O inverno", "A cidade",
                  "O coração", "A sombra", "O caminho", "A última carta", "O menino", "A ilha",
                  "O farol", "A memória", "O outono", "A senhora", "A viagem", "A montanha", "O café"],
        "adjectives": ["perdida", "escura", "dourada", "esquecida", "silenciosa", "distante", "pequena",
                       "partida", "azul", "infinita"],
        "places": ["Lisboa", "Coimbra", "Évora", "Óbidos", "São Paulo", "Belém", "Maceió", "Florianópolis",
                   "Guimarães", "Ponta Delgada"],
        "patterns": ["{noun} de {place}", "{noun} {adjective}", "Crónica de {place}", "{noun}",
                     "Um verão em {place}", "Os dias de {place}"],
        "notes": ["Bom estado.", "Lombada gasta.", "Sublinhados a lápis.", "Como novo.",
                  "Primeira edição.", "Capa com marcas de uso.", "Dedicatória na folha de rosto."],
    },
    "nordic": {
        "nouns": ["Natten", "Haven", "Huset", "Elven", "Sommeren", "Vinteren", "Byen", "Hjertet",
                  "Skyggen", "Veien", "Det siste brevet", "Barnet", "Øya", "Fyret", "Minnet", "Høsten",
                  "Damen", "Reisen", "Fjellet", "Kaféen"],
        "adjectives": ["tapte", "mørke", "gylne", "glemte", "stille", "fjerne", "lille", "knuste", "blå",
                       "evige"],
        "places": ["Tromsø", "Ålesund", "Bodø", "Göteborg", "Malmö", "Århus", "Odense", "Jönköping",
                   "Kiruna", "Þingvellir"],
        "patterns": ["{noun} i {place}", "Den {adjective} byen", "En vinter i {place}", "{noun}",
                     "Brev fra {place}", "{noun} ved {place}"],
        "notes": ["God stand.", "Lett slitt rygg.", "Blyantnotater i margen.", "Som ny.",
                  "Førsteutgave.", "Omslaget er revet.", "Dedikasjon på forsatsbladet."],
    },
}
LANGUAGE_WEIGHTS = {"es": 30, "en": 25, "fr": 18, "de": 12, "pt": 10, "nordic": 5}

FIRST_NAMES = ["José", "María", "Ramón", "Begoña", "Íñigo", "Concepción", "Émile", "Hélène", "François",
               "Anaïs", "Zoë", "Chloé", "Jürgen", "Käthe", "Günter", "Søren", "Åsa", "Bjørn", "Björk",
               "Sigríður", "João", "Conceição", "Estêvão", "Łukasz", "Ștefan", "Dvořák", "Ana", "Jane",
               "Charles", "Mary", "Lev", "Fiódor", "Gabriel", "Isabel", "Octavio", "Clarice", "Knut",
               "Selma", "Virginia", "Marguerite"]
LAST_NAMES = ["García Márquez", "Pérez Galdós", "Muñoz", "Núñez", "Ibáñez", "Valle-Inclán", "Saramago",
              "Lispector", "Queirós", "Brontë", "Dickens", "Austen", "Woolf", "Hardy", "Zola", "Balzac",
              "Flaubert", "Duras", "Yourcenar", "Éluard", "Mann", "Kästner", "Böll", "Grass", "Süskind",
              "Dürrenmatt", "Hamsun", "Lagerlöf", "Undset", "Kierkegaard", "Laxness", "Tolstói",
              "Dostoievski", "Chéjov", "Gógol", "Pessoa", "Cortázar", "Borges", "Neruda", "Sábato"]

# Names of the seller accounts registered through the API before the books are loaded.
SELLER_NAMES = ["Librería Álvarez", "Bouquinerie Hélène", "Antikvariat Åsa", "Sebo São João",
                "Antiquariat Müller", "Old Harbour Books", "Librería Cervantes", "Le Bouquiniste d'Orléans",
                "Livraria Évora", "Bokhandel Tromsø", "Libros del Sur", "Second Chapter", "Büchereck Köln",
                "La Boîte à Livres", "Alfarrabista Coimbra", "Papelería Ñandú"]

# Words for the search scenario: common and rare, accented and typed without accents (the collation
# is insensitive to both), titles and authors.
SEARCH_WORDS = ["noche", "jardin", "winter", "café", "corazon", "ete", "Zola", "Garcia", "Brontë",
                "Lisboa", "straße", "Tromsø", "memoria", "lighthouse", "Köln", "Pessoa", "orléans",
                "sombra", "Dickens", "verão"]


@dataclasses.dataclass(frozen=True)
class Book:
    title: str
    author: str
    description: str
    price_cents: int
    stock: int
    seller_index: int  # index into the registered sellers
    created_ms: int    # milliseconds after OLDEST (UTC)


def _weighted_language(rng: random.Random) -> str:
    names = list(LANGUAGE_WEIGHTS)
    return rng.choices(names, weights=[LANGUAGE_WEIGHTS[n] for n in names])[0]


def _title(rng: random.Random, lang: dict) -> str:
    pattern = rng.choice(lang["patterns"])
    return pattern.format(noun=rng.choice(lang["nouns"]), adjective=rng.choice(lang["adjectives"]),
                          place=rng.choice(lang["places"]))


def _stock(rng: random.Random) -> int:
    roll = rng.random()
    if roll < 0.15:
        return 0
    if roll < 0.65:
        return 1
    if roll < 0.95:
        return rng.randint(2, 5)
    return rng.randint(6, 20)


def _price_cents(rng: random.Random) -> int:
    # Used books: mostly a few euros, some collectibles. Lognormal around 9.90.
    euros = min(450.0, max(1.0, rng.lognormvariate(2.3, 0.7)))
    return int(round(euros * 100))


def books(count: int, sellers: int) -> list[Book]:
    """The first `count` books of the data set, for `sellers` seller accounts."""
    rng = random.Random(SEED)
    out = []
    for i in range(count):
        lang = LANGUAGES[_weighted_language(rng)]
        title = _title(rng, lang)
        if rng.random() < 0.3:
            title += f" ({rng.choice(['I', 'II', 'III'])})" if rng.random() < 0.2 else f", {rng.randint(1950, 2020)}"
        author = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        description = " ".join(rng.sample(lang["notes"], rng.randint(1, 2)))
        out.append(Book(title=title, author=author, description=description, price_cents=_price_cents(rng),
                        stock=_stock(rng), seller_index=i % sellers,
                        created_ms=i * 420_000 + rng.randrange(60_000)))
    return out


def _sql_text(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


def insert_statements(book_list: list[Book], seller_ids: list[int]):
    """Multi-row INSERTs of BATCH_ROWS books each into catalog's `books` table, in id order (the first
    statement sets the session variable the dates are computed from)."""
    yield f"SET @bench_oldest = '{OLDEST:%Y-%m-%d %H:%M:%S}';\n"
    columns = ("title, author, description, price, stock, stock_supplied, seller_id, version, created_at, "
               "updated_at")
    for start in range(0, len(book_list), BATCH_ROWS):
        rows = []
        for b in book_list[start:start + BATCH_ROWS]:
            price = f"{b.price_cents // 100}.{b.price_cents % 100:02d}"
            when = f"@bench_oldest + INTERVAL {b.created_ms * 1000} MICROSECOND"
            rows.append(f"({_sql_text(b.title)},{_sql_text(b.author)},{_sql_text(b.description)},{price},"
                        f"{b.stock},{b.stock},{seller_ids[b.seller_index]},1,{when},{when})")
        yield f"INSERT INTO books ({columns}) VALUES\n" + ",\n".join(rows) + ";\n"
