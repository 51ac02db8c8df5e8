"""Fictional people for the demo and the benchmark data: common Swedish given names and
surnames, drawn from a seed (the same each time), with e-mail addresses that are never reused;
and how many of them go to each unit (spread)."""

import random
import secrets
import unicodedata
from collections.abc import Iterable

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX

# Common Swedish given names and surnames; combined at random they describe nobody in particular.

FIRST_NAMES = (
    "Agnes",
    "Ahmed",
    "Albin",
    "Alexander",
    "Alice",
    "Ali",
    "Alma",
    "Amanda",
    "Andreas",
    "Anna",
    "Anders",
    "Anette",
    "Anton",
    "Astrid",
    "Axel",
    "Barbro",
    "Benjamin",
    "Birgitta",
    "Björn",
    "Camilla",
    "Carina",
    "Caroline",
    "Cecilia",
    "Christer",
    "Daniel",
    "David",
    "Ebba",
    "Edvin",
    "Elin",
    "Elias",
    "Elisabet",
    "Ella",
    "Emil",
    "Emma",
    "Erik",
    "Eva",
    "Fatima",
    "Filip",
    "Frida",
    "Fredrik",
    "Gustav",
    "Hampus",
    "Hanna",
    "Hassan",
    "Helena",
    "Henrik",
    "Hugo",
    "Ida",
    "Ingrid",
    "Isak",
    "Jakob",
    "Jenny",
    "Jesper",
    "Johan",
    "Johanna",
    "Jonas",
    "Josefin",
    "Julia",
    "Karin",
    "Kerstin",
    "Kristina",
    "Lars",
    "Leila",
    "Lena",
    "Linda",
    "Linnea",
    "Lisa",
    "Louise",
    "Lovisa",
    "Lucas",
    "Magnus",
    "Maja",
    "Malin",
    "Maria",
    "Marie",
    "Martin",
    "Matilda",
    "Mattias",
    "Mikael",
    "Mohammed",
    "Moa",
    "Nils",
    "Nora",
    "Olivia",
    "Oscar",
    "Per",
    "Peter",
    "Petra",
    "Rasmus",
    "Rebecka",
    "Robert",
    "Sandra",
    "Sara",
    "Simon",
    "Sofia",
    "Stefan",
    "Susanne",
    "Thomas",
    "Tove",
    "Ulf",
    "Ulrika",
    "Viktor",
    "Wilma",
    "Yasmin",
    "Zainab",
    "Åsa",
    "Örjan",
)

LAST_NAMES = (
    "Abdi",
    "Ahmadi",
    "Andersson",
    "Axelsson",
    "Berg",
    "Bergström",
    "Björk",
    "Blom",
    "Dahlberg",
    "Ekström",
    "Eklund",
    "Engström",
    "Eriksson",
    "Falk",
    "Forsberg",
    "Fredriksson",
    "Gustafsson",
    "Hansson",
    "Hassan",
    "Hedlund",
    "Hermansson",
    "Holm",
    "Holmberg",
    "Håkansson",
    "Isaksson",
    "Jakobsson",
    "Johansson",
    "Jonsson",
    "Karlsson",
    "Kaya",
    "Larsson",
    "Lind",
    "Lindberg",
    "Lindgren",
    "Lindqvist",
    "Lindström",
    "Ljung",
    "Lundberg",
    "Lundgren",
    "Lundin",
    "Lundqvist",
    "Magnusson",
    "Mattsson",
    "Mohamed",
    "Månsson",
    "Nilsson",
    "Nordin",
    "Norberg",
    "Nyberg",
    "Nyström",
    "Olofsson",
    "Olsson",
    "Persson",
    "Petersson",
    "Sandberg",
    "Sjöberg",
    "Strand",
    "Ström",
    "Sundberg",
    "Svensson",
    "Söderberg",
    "Törnqvist",
    "Wallin",
    "Wikström",
    "Åberg",
    "Åkesson",
    "Öberg",
    "Östlund",
)


def ascii_fold(text: str) -> str:
    """'Åsa Öberg-Ström' -> 'asa oberg-strom': strip accents, keep a-z, digits, '-' and '.'."""
    folded = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return "".join(c for c in folded if c.isascii() and (c.isalnum() or c in "-."))


class NameGenerator:
    """Deterministic fictional names with e-mails fornamn.efternamn[N]@domain, never reused."""

    def __init__(self, seed: int, domain: str, taken: Iterable[str] = ()):
        self.rng = random.Random(seed)
        self.domain = domain
        self.taken = {e.lower() for e in taken}
        self.counts: dict[str, int] = {}

    def email_for(self, first: str, last: str) -> str:
        base = f"{ascii_fold(first)}.{ascii_fold(last)}"
        n = self.counts.get(base, 0)
        while True:
            n += 1
            email = f"{base}@{self.domain}" if n == 1 else f"{base}{n}@{self.domain}"
            if email not in self.taken:
                break
        self.counts[base] = n
        self.taken.add(email)
        return email

    def next(self) -> tuple[str, str]:
        first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
        return f"{first} {last}", self.email_for(first, last)


def unusable_password() -> str:
    """What set_unusable_password stores ("!" + 40 random characters), without its per-call
    overhead: fine for hundreds of thousands of rows."""
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)


def spread(total: int, weights: list[float]) -> list[int]:
    """Split total over weights by largest remainder: the parts add up to total exactly."""
    whole = sum(weights)
    raw = [total * w / whole for w in weights]
    parts = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (parts[i] - raw[i], i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts
