"""Invented company and person names, and the ways the same name drifts between Odoo and ACE."""

from __future__ import annotations

import random
import unicodedata

from demo_data import vocab


def brand_name(rng: random.Random, taken: set[str]) -> str:
    """A new one-word brand ("Wondera", "Nordwind"), unique within `taken`."""
    for _ in range(1000):
        name = rng.choice(vocab.BRAND_HEADS) + rng.choice(vocab.BRAND_TAILS)
        if rng.random() < 0.25:
            name = name + rng.choice(("a", "o", "ix", "on", "us"))
        if name.lower() not in taken:
            taken.add(name.lower())
            return name
    name = f"{rng.choice(vocab.BRAND_HEADS)}{len(taken)}"
    taken.add(name.lower())
    return name


def legal_name(rng: random.Random, brand: str, country: str, with_word: bool) -> str:
    suffix = rng.choice(vocab.LEGAL_SUFFIXES[country])
    word = f" {rng.choice(vocab.INDUSTRY_WORDS)}" if with_word else ""
    return f"{brand}{word} {suffix}"


def domain_for(rng: random.Random, brand: str, country: str) -> str:
    base = strip_accents(brand).lower().replace(" ", "").replace("&", "and").replace("'", "")
    if rng.random() < 0.15:
        base = base.replace(" ", "-") + rng.choice(("-group", "hq", "-tech", "app"))
    tld = vocab.TLDS[country] if rng.random() < 0.5 else rng.choice(vocab.GENERIC_TLDS)
    return base + tld


def person(rng: random.Random) -> tuple[str, str]:
    return rng.choice(vocab.FIRST_NAMES), rng.choice(vocab.LAST_NAMES)


def email_local(first: str, last: str, rng: random.Random) -> str:
    first_a, last_a = strip_accents(first).lower(), strip_accents(last).lower().replace("'", "").replace(" ", "")
    pattern = rng.random()
    if pattern < 0.6:
        return f"{first_a}.{last_a}"
    if pattern < 0.8:
        return f"{first_a[0]}{last_a}"
    return first_a


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    out = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return out.replace("ø", "o").replace("Ø", "O").replace("ß", "ss")


def drop_suffix(name: str) -> str:
    """'Wondera Media Inc.' -> 'Wondera Media'; 'Nordwind GmbH & Co. KG' -> 'Nordwind'."""
    words = name.replace(",", "").split()
    suffixes = set(vocab.ALL_SUFFIX_WORDS) | {"&", "co", "cv", "de", "pvt", "private", "pte", "kk", "fz-llc", "dac", "sarl"}
    while len(words) > 1 and words[-1].lower().replace(".", "") in suffixes:
        words.pop()
    return " ".join(words)


def typo(rng: random.Random, name: str) -> str:
    """One plausible typing error: vowel swap (Intelligence -> Intellegence), doubled or dropped letter."""
    letters = [i for i, ch in enumerate(name) if ch.isalpha()]
    if len(letters) < 4:
        return name + name[-1]
    vowels = [i for i in letters[1:] if name[i].lower() in "aeiou"]
    kind = rng.random()
    if kind < 0.4 and vowels:
        i = rng.choice(vowels)
        repl = rng.choice([v for v in "aeiou" if v != name[i].lower()])
        return name[:i] + repl + name[i + 1:]
    i = rng.choice(letters[1:-1])
    if kind < 0.7:
        return name[:i] + name[i] + name[i:]
    return name[:i] + name[i + 1:]


def respace(name: str) -> str:
    """'BluePeak' <-> 'Blue Peak': split a one-word brand at its syllable joint or glue two words."""
    first = name.split(" ")[0]
    if " " in name and len(name.split(" ")) >= 2:
        parts = name.split(" ")
        return parts[0] + parts[1] + (" " + " ".join(parts[2:]) if len(parts) > 2 else "")
    for head in sorted(vocab.BRAND_HEADS, key=len, reverse=True):
        if first.startswith(head) and len(first) > len(head) + 1:
            return head + " " + first[len(head):].capitalize() + name[len(first):]
    return first[: len(first) // 2] + " " + first[len(first) // 2:] + name[len(first):]


def other_suffix(rng: random.Random, name: str, country: str) -> str:
    base = drop_suffix(name)
    choices = [s for s in vocab.LEGAL_SUFFIXES[country] + ("Inc.", "LLC", "Ltd") if not name.endswith(s)]
    return f"{base} {rng.choice(choices)}"


def acronym(name: str) -> str:
    words = [w for w in drop_suffix(name).split() if w[:1].isalpha()]
    return "".join(w[0].upper() for w in words) if len(words) > 1 else name.upper()
