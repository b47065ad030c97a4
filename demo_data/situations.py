"""Hard matching situations an AWS partner's books hold, planted with their truth (issue 13).

Every ACE opportunity gets one situation label in `truth.ace_situation` (`ordinary` unless planted), so
`revops eval` reports quality per situation:

- `renamed`            the customer was renamed/rebranded between the Odoo record and the ACE registration: the
                       ACE name and usually the website are the new ones; only the AWS account id (or the old
                       website) ties them.
- `account_moved`      the ACE account id belongs, in Odoo, to another customer (an acquisition or
                       reorganisation moved it; Odoo still lists the old owner); name and website are right.
- `shared_domain`      customers on a shared hosting/social page (sites.google.com, facebook.com, github.com, …)
                       and free mail: the same host says nothing; also prospects on those hosts without a lead.
- `namesake`           companies with a common name ("Cloud Solutions") in several countries, and referrals
                       one letter or one word away from an existing customer, elsewhere, that have no lead.
- `parent_subsidiary`  a subsidiary registered in ACE ("Brand Deutschland GmbH", own domain), worked in Odoo
                       under the parent's lead.
- `script`             the name typed with homoglyphs (Cyrillic/Greek look-alike letters), invisible characters
                       (zero-width space, soft hyphen, BOM) or full-width forms.
- `name_only`          the registration carries no key at all: no AWS account id, no website, no CRM id, the
                       contacts write from free mail, and the lead has no ACE id typed on it; only the company name
                       (as reps type it) and the dates tie it to its lead. Also planted on registrations of known
                       customers that have no lead (another deal of the customer that never reached Odoo), so a fit
                       sees both sides: the same name with the deal's dates, and the same name without them.

Shares at scale 1.0 (of linked / unlinked ACE opportunities) are set in SHARES.
"""

from __future__ import annotations

import random

from demo_data import names

# share of linked ACE opportunities per situation, and of opportunities without a lead
SHARES = {"renamed": 0.04, "account_moved": 0.02, "parent_subsidiary": 0.03, "script": 0.03, "name_only": 0.10}
# share of the registrations of known customers without a lead that carry no key either (situation name_only)
NAME_ONLY_UNLINKED_SHARE = 0.3
NO_MATCH_SHARES = {"namesake": 0.10, "shared_domain": 0.05}
# shared pages: (host, path template); the host is what a domain key sees
SHARED_SITES = (
    ("sites.google.com", "https://sites.google.com/view/{slug}"),
    ("facebook.com", "https://www.facebook.com/{slug}"),
    ("github.com", "https://github.com/{slug}"),
    ("linkedin.com", "https://www.linkedin.com/company/{slug}"),
    ("linktr.ee", "https://linktr.ee/{slug}"),
)
COMMON_NAMES = ("Cloud Solutions", "Global Consulting", "Digital Services", "Data Systems")
SUBSIDIARY_WORDS = {"DE": "Deutschland", "GB": "UK", "FR": "France", "NL": "Nederland", "US": "America",
                    "IN": "India", "CA": "Canada", "ES": "España", "IT": "Italia", "CH": "Schweiz"}
# Latin letter -> a look-alike from another script (Cyrillic unless noted)
HOMOGLYPHS = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у", "i": "і", "A": "А", "B": "В",
              "E": "Е", "H": "Н", "K": "К", "M": "М", "O": "О", "P": "Р", "C": "С", "T": "Т", "X": "Х", "N": "Ν"}
INVISIBLE = ("\u200b", "\u00ad", "\ufeff", "\u200d")


def slug(brand: str) -> str:
    return "".join(ch for ch in names.strip_accents(brand).lower() if ch.isalnum()) or "company"


def shared_site(rng: random.Random, brand: str) -> tuple[str, str]:
    """(host, url) of a page on a shared host."""
    host, template = rng.choice(SHARED_SITES)
    return host, template.format(slug=slug(brand))


def scripted(rng: random.Random, name: str) -> str:
    """The name with homoglyphs, invisible characters or full-width letters."""
    style = rng.choice(("homoglyph", "invisible", "fullwidth", "homoglyph_invisible"))
    out = name
    if style.startswith("homoglyph"):
        letters = [i for i, ch in enumerate(out) if ch in HOMOGLYPHS]
        for i in rng.sample(letters, min(len(letters), rng.randint(1, 3))):
            out = out[:i] + HOMOGLYPHS[out[i]] + out[i + 1:]
    if style.endswith("invisible"):
        for _ in range(rng.randint(1, 2)):
            i = rng.randint(1, max(1, len(out) - 1))
            out = out[:i] + rng.choice(INVISIBLE) + out[i:]
    if style == "fullwidth":
        out = "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in out)
    return out


def near_name(rng: random.Random, brand: str) -> str:
    """One letter or one word away from a brand ("Nordwind" -> "Nordwinds", "Nordwind Labs")."""
    if rng.random() < 0.5 and len(brand) > 4:
        i = rng.randint(1, len(brand) - 2)
        return brand[:i] + rng.choice("aeiourstln") + brand[i + 1:]
    return f"{brand} {rng.choice(('Labs', 'Digital', 'Partners', 'Systems', 'Studio'))}"
