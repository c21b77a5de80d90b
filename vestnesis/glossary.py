"""Words that mean the same across Latvian, English and Lithuanian, so that a question in one
language finds event titles and plan text written in another. Each group becomes a shared
term ("~library") alongside the words' own stems."""

from __future__ import annotations

from functools import cache

from vestnesis import kinds, words

GROUPS: tuple[tuple[str, ...], ...] = (
    ("bibliotēka", "bibliotēku", "library", "libraries", "biblioteka", "bibliotekų"),
    ("bibliotekārs", "bibliotekāri", "librarian", "librarians", "bibliotekininkas"),
    ("biedrība", "association", "draugija", "asociacija", "society"),
    ("biedrs", "biedri", "member", "members", "narys", "nariai"),
    ("sabiedrība", "public", "visuomenė", "community", "kopiena", "bendruomenė"),
    ("profesija", "profession", "profesija", "profesionāls", "professional", "profesinis"),
    ("prestižs", "prestige", "prestižas"),
    ("vērtība", "value", "vertė"),
    ("attīstība", "development", "plėtra", "vystymas", "develop"),
    ("nozare", "sector", "field", "industry", "sektorius", "sritis"),
    ("starptautisks", "international", "tarptautinis", "global"),
    ("organizācija", "organisation", "organization", "organizacija"),
    ("sadarbība", "cooperation", "collaboration", "partnership", "bendradarbiavimas"),
    ("partneris", "partner", "partnerystė"),
    ("komunikācija", "communication", "komunikacija", "komunicēt", "communicate"),
    ("kanāls", "channel", "kanalas"),
    ("tīmekļvietne", "website", "svetainė", "web"),
    ("informācija", "information", "informacija", "informēt", "inform", "informuoti"),
    ("pilnveide", "training", "kvalifikacija", "tobulinimas", "tobulėjimas", "upskilling"),
    ("kompetence", "competence", "competences", "kompetencija", "skills", "prasmes"),
    ("literatūra", "literature", "literatūra"),
    ("pieredze", "experience", "patirtis"),
    ("apmaiņa", "exchange", "mainai"),
    ("ideja", "idea", "idėja"),
    ("iedvesmot", "iedvesmošana", "inspire", "inspiration", "įkvėpti", "įkvėpimas"),
    ("iespējot", "iespējošana", "empower", "empowerment", "įgalinti", "įgalinimas"),
    ("motivācija", "motivation", "motyvacija", "motivate"),
    ("balva", "award", "prize", "apdovanojimas", "premija"),
    ("atzinība", "recognition", "pripažinimas", "novērtējums", "appreciation"),
    ("ietekme", "influence", "impact", "įtaka", "poveikis"),
    ("aizstāvība", "advocacy", "gynimas", "interests", "intereses"),
    ("nepārtrauktība", "continuity", "tęstinumas", "sustainability"),
    ("dokumentācija", "documentation", "dokumentacija", "documents", "dokumenti"),
    ("kultūra", "culture", "kultūra", "cultural"),
    ("ilgtspējīgs", "ilgtspējīgas", "sustainable", "darnus", "darnaus"),
    ("tiešsaiste", "tiešraide", "online", "internet", "livestream", "nuotolinis", "internetu"),
    ("kampaņa", "campaign", "kampanija"),
    ("aptauja", "survey", "apklausa"),
    ("projekts", "project", "projektas"),
    ("nedēļa", "week", "savaitė"),
    ("diena", "day", "diena"),
    ("nakts", "night", "naktis"),
    ("nacionāls", "national", "nacionalinis"),
    ("skola", "school", "mokykla"),
    ("bērni", "children", "vaikai", "kids"),
    ("lasīšana", "reading", "skaitymas"),
    ("grāmata", "book", "knyga"),
    ("dzeja", "poetry", "poezija"),
    ("gads", "year", "metai", "annual", "metinis"),
    ("reģionāls", "regional", "regioninis", "reģions", "region", "regionas"),
    ("digitāls", "digital", "skaitmeninis"),
    ("muzejs", "museum", "muziejus"),
    ("karjera", "career", "karjera"),
    ("pašvaldība", "municipality", "savivaldybė", "local government"),
    ("padome", "council", "taryba"),
    ("valde", "board", "valdyba"),
    ("politika", "policy", "politika"),
    ("lēmums", "decision", "sprendimas"),
    ("kvalitāte", "quality", "kokybė"),
    ("inovācija", "innovation", "inovacija"),
    ("pētījums", "research", "tyrimas", "studies"),
    ("stāsts", "story", "stories", "istorija"),
    ("atpazīstamība", "visibility", "žinomumas", "awareness"),
    ("piederība", "belonging", "priklausymas"),
    ("tulkot", "translate", "translation", "versti", "vertimas"),
    ("darbs", "work", "darbas"),
    ("latvija", "latvia", "latvian", "latviešu", "latvijos", "latvių"),
    ("lietuva", "lithuania", "lietuva"),
    ("igaunija", "estonia", "estija"),
    ("rīga", "riga", "ryga"),
    ("jauns", "new", "naujas"),
    ("vadība", "leadership", "management", "vadovavimas"),
    ("somija", "finland", "suomija"),
    ("zviedrija", "sweden", "švedija"),
    ("norvēģija", "norway", "norvegija"),
    ("dānija", "denmark", "danija"),
    ("vācija", "germany", "vokietija"),
    ("polija", "poland", "lenkija"),
    ("eiropa", "europe", "european", "europa", "eiropas"),
    ("viļņa", "vilnius", "vilniaus", "viļņā"),
    ("kauņa", "kaunas", "kauno"),
    ("tallina", "tallinn", "talinas"),
    ("autortiesības", "copyright", "autorių", "teisės"),
    ("veicināšana", "promotion", "skatinimas"),
    ("prasmes", "skills", "įgūdžiai"),
    ("jaunieši", "youth", "jaunimas", "young"),
    ("seniori", "senjori", "seniors", "senjorai", "older"),
    ("zinātne", "science", "mokslas"),
    ("atvērtā", "open", "atvira", "atviroji"),
    ("krājums", "collection", "collections", "fondas", "rinkinys"),
    ("katalogs", "catalogue", "catalog", "katalogas"),
    ("mantojums", "heritage", "paveldas"),
    ("novadpētniecība", "local history", "kraštotyra"),
    ("vēsture", "history", "istorija"),
    ("izglītība", "education", "švietimas"),
    ("pratība", "literacy", "raštingumas", "medijpratība"),
    ("mediji", "media", "medijos", "medijų"),
    ("mākslīgais", "artificial", "dirbtinis"),
    ("intelekts", "intelligence", "intelektas"),
    ("pavasaris", "spring", "pavasaris"),
    ("vasara", "summer", "vasara"),
    ("rudens", "autumn", "ruduo"),
    ("ziema", "winter", "žiema"),
    ("ziemassvētki", "christmas", "kalėdos", "kalėdinis", "ziemassvētku"),
    ("lasītājs", "lasītāji", "reader", "readers", "skaitytojas", "skaitytojai"),
    ("grāmatnīca", "bookshop", "knygynas"),
    ("dzejnieks", "poet", "poetas"),
    ("rakstnieks", "writer", "author", "rašytojas"),
    ("tikšanās ar", "meet the", "susitikimas su"),
    ("līderis", "leader", "lyderis"),
)


@cache
def _table() -> dict[str, frozenset[str]]:
    table: dict[str, set[str]] = {}
    groups = [*GROUPS, *(_kind_group(k) for k in kinds.KINDS)]
    for group in groups:
        term = "~" + words.fold(group[0])
        for word in group:
            for stem in words.union([word]):
                if len(stem) >= 3:
                    table.setdefault(stem, set()).add(term)
    return {stem: frozenset(terms) for stem, terms in table.items()}


def _kind_group(kind: kinds.Kind) -> tuple[str, ...]:
    names = [n for pair in kind.names.values() for n in pair]
    return (kind.key, *names, *(t for t in kind.terms if " " not in t))


def terms(word: str) -> frozenset[str]:
    """A word's stems and the shared terms of the groups it belongs to."""
    own = words.stems(word)
    table = _table()
    shared = {t for s in own for t in table.get(s, ())}
    return own | shared
