"""Company-name normalisation and fuzzy similarity (rapidfuzz).

Fuzzy matching handles spelling: legal suffixes, punctuation, case, accents, spacing, typos, a domain typed as
a name ("Wondera.io"). It does not handle aliases and acronyms ("Amazon Web Services" vs "AWS"): the identity
embeddings are there for those.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from rapidfuzz import fuzz
from text_unidecode import unidecode

# Trailing words that say what kind of legal entity a company is, not who it is: dbt var legal_suffixes (the list
# the SQL normaliser strips, macro normalize_company_name) plus a few only the fuzzy comparison strips. Those are
# kept out of the dbt var so the SQL name keys stay as they are (moving one there re-keys stored matches and
# decisions: do it in the var, where SQL and Python both see it).
PYTHON_ONLY_LEGAL_SUFFIXES = frozenset("ltda sl pte private dac cv and".split())


def _legal_suffixes() -> frozenset[str]:
    from revops.dbt import project_var

    return frozenset(project_var("legal_suffixes")) | PYTHON_ONLY_LEGAL_SUFFIXES


LEGAL_SUFFIXES = _legal_suffixes()
# Top-level domains left over when a domain is typed as a name ("Wondera.io" -> "wondera io" -> "wondera").
DOMAIN_ENDINGS = frozenset("com io net org ai cloud co uk de fr nl es it se ch at ie ca au in sg jp br mx il ae".split())
_FOLD = str.maketrans({"ø": "o", "Ø": "O", "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ł": "l", "Ł": "L"})


# Cyrillic and Greek letters that look like Latin ones (Unicode confusables, the common subset): used inside words
# that mix scripts, where they are disguise ('Сloud' with a Cyrillic С), not a name written in another script.
_CONFUSABLES = str.maketrans(
    "аАвВеЕкКмМнНоОрРсСтТуУхХіІјЈѕЅԁԛԝαΑβΒεΕζΖηΗιΙκΚμΜνΝοΟρΡτΤυΥχΧ",
    "aAbBeEkKmMhHoOpPcCtTyYxXiIjJsSdqwaABBeEzZnHiIkKmMvNoOpPtTuYxX",
)


def _unmask_mixed_words(text: str) -> str:
    words = text.split(" ")
    for i, word in enumerate(words):
        if not word.isascii() and any("a" <= ch.lower() <= "z" for ch in word):
            words[i] = word.translate(_CONFUSABLES)
    return " ".join(words)


def fold_script(text: str) -> str:
    """Script-aware folding (issue 13): NFKC (full-width and compatibility forms: 'Ｃｌｏｕｄ' -> 'Cloud'), invisible
    format characters dropped (zero-width space/joiner, soft hyphen, BOM), every space-like character a plain
    space, then transliteration to ASCII, which also maps homoglyphs ('Сloud' with a Cyrillic С) and names typed in
    another script ('Калина Системс' -> 'Kalina Sistems') onto Latin letters."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(" " if ch.isspace() else ch for ch in text if unicodedata.category(ch) != "Cf")
    if text.isascii():
        return text
    return unidecode(_unmask_mixed_words(text).translate(_FOLD))


def fold_accents(text: str) -> str:
    """'Société Lumière' -> 'Societe Lumiere'; 'Müller' -> 'Muller'; 'Øresund' -> 'Oresund'; other scripts
    transliterated (`fold_script`)."""
    decomposed = unicodedata.normalize("NFKD", fold_script(text).translate(_FOLD))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalise_company_name(name: str | None) -> str:
    """Comparable form: accents folded, lower case, '&' as 'and', dots inside abbreviations dropped ('S.A.' -> 'sa'),
    other punctuation as spaces, trailing legal suffixes and domain endings removed. '' when nothing is left."""
    if not name:
        return ""
    text = fold_accents(name).lower().replace("&", " and ")
    looks_like_domain = re.search(r"[a-z0-9]\.[a-z]{2,6}\b", text) is not None
    text = re.sub(r"(?<=\b[a-z])\.(?=[a-z]\b)", "", text)  # s.a. -> sa., s.r.l. -> srl.
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    words = text.split()
    while len(words) > 1 and (words[-1] in LEGAL_SUFFIXES or (looks_like_domain and words[-1] in DOMAIN_ENDINGS)):
        words.pop()
    return " ".join(words)


def name_similarity(left: str | None, right: str | None) -> float | None:
    """Similarity of two company names in [0, 1] after normalisation; None when either side is empty.

    The best of plain edit similarity, word-order-insensitive similarity and similarity with spaces removed
    ('BluePeak' vs 'Blue Peak')."""
    a, b = normalise_company_name(left), normalise_company_name(right)
    if not a or not b:
        return None
    score = max(
        fuzz.ratio(a, b),
        fuzz.token_sort_ratio(a, b),
        fuzz.ratio(a.replace(" ", ""), b.replace(" ", "")),
    )
    return round(score / 100.0, 4)


def best_name_similarity(left: Iterable[str | None], right: Iterable[str | None]) -> float | None:
    """Best similarity over every pair of name variants (customer name, end-user name, typed name, account name)."""
    right = [r for r in right if r]
    scores = [s for a in left if a for b in right if (s := name_similarity(a, b)) is not None]
    return max(scores) if scores else None


_TITLE_NOISE = frozenset("the for of and to on in with a an project opportunity deal new phase wave".split())


def title_words(title: str | None, company_names: Iterable[str | None] = ()) -> list[str]:
    """Project words of a title: normalised, without the words of the company names and filler words."""
    if not title:
        return []
    company_words = {w for name in company_names for w in normalise_company_name(name).split()}
    company_words |= {w for name in company_names if name for w in fold_accents(name).lower().split()}
    words = re.sub(r"[^a-z0-9$]+", " ", fold_accents(title).lower()).split()
    return [w for w in words if w not in company_words and w not in _TITLE_NOISE and w not in LEGAL_SUFFIXES]


def title_similarity(left: str | None, right: str | None, company_names: Iterable[str | None] = ()) -> float | None:
    """What the two projects are about, compared without who they are for ("Lument - EMEA Migration" vs
    "Lument [SB - Funding Only] Migration EU"): rapidfuzz token set ratio in [0, 1]; None when a side is empty."""
    names = list(company_names)
    a, b = title_words(left, names), title_words(right, names)
    if not a or not b:
        return None
    return round(fuzz.token_set_ratio(" ".join(a), " ".join(b)) / 100.0, 4)
