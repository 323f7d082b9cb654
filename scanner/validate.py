"""Stage 7 - validate: check each code against its format, repair OCR confusions.

Nothing on the letters carries a check digit, so a code is trusted only when it
has the right shape.  Repairs are position-aware (a letter where the format
wants a digit becomes the digit it is usually mistaken for, and the reverse)
and every repair is reported as an uncertain character, never hidden.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field

import regex

ODS_RE = regex.compile(r"^(?:[A-HJ-NP-WY]\d{5}|(?:ALD|GUE|JER)\d{3})$")
ACCOUNT_RE = regex.compile(r"^\d{6,15}$")
#: The punctuation a linkage key may hold besides letters and figures (``../shared/letters.md``).
KEY_SYMBOLS = "/!?*+=-"
KEY_CHARS = string.ascii_uppercase + string.ascii_lowercase + string.digits + KEY_SYMBOLS
#: The shortest and longest linkage keys.
KEY_MIN, KEY_MAX = 6, 16
KEY_RE = regex.compile(rf"^[A-Za-z0-9{regex.escape(KEY_SYMBOLS)}]{{{KEY_MIN},{KEY_MAX}}}$")
#: Quotes, brackets and a sentence's punctuation around a word (never part of a code).
EDGE_PUNCT = "\"'“”‘’«»()[]<>.,;:"

#: What OCR confuses a digit with, seen from the letter side.
TO_DIGIT = {"O": "0", "o": "0", "D": "0", "Q": "0", "U": "0", "I": "1", "l": "1", "|": "1", "i": "1", "!": "1",
            "L": "1", "J": "1", "S": "5", "s": "5", "B": "8", "Z": "2", "z": "2", "G": "6", "b": "6", "T": "7",
            "q": "9", "g": "9", "A": "4", "$": "5"}
TO_LETTER = {"0": "O", "1": "I", "5": "S", "8": "B", "2": "Z", "6": "G", "7": "T", "4": "A", "$": "S", "£": "E",
             "(": "C",  # a blurred C's open round side reads as a bracket
             "¥": "Y"}  # a bold serifed Y's arms (seed 97's close-up: `¥78605` on the page)
ODS_FIRST = set("ABCDEFGHJKLMNPQRSTUVWY")
#: Where ``TO_LETTER``'s letter cannot start an ODS code (no code starts with O, I or Z): the
#: letters the figure is next most often read for, likeliest first (a blurred `D` reads `0`).
FIRST_LETTER_ELSE = {"0": ["D", "Q"], "O": ["D", "Q"]}


@dataclass
class Checked:
    """A candidate code after validation."""

    value: str | None
    valid: bool
    repaired: list[tuple[int, list[str]]] = field(default_factory=list)  # (index, [chosen, original])


def _clean(text: str) -> str:
    return "".join(ch for ch in text if not ch.isspace() and ch not in "‘’'\"`,.:;_")


def check_ods(text: str) -> Checked:
    """Validate an ODS code, repairing letter/digit confusions by position."""
    raw = _clean(text).upper() if len(_clean(text)) == 6 else _clean(text)
    raw = raw.upper()
    if ODS_RE.match(raw):
        return Checked(raw, True)
    if len(raw) != 6:
        return Checked(None, False)
    repaired: list[tuple[int, list[str]]] = []
    chars = list(raw)
    prefix = 3 if raw[:3] in ("ALD", "GUE", "JER") or (raw[:3].isalpha() and raw[3:].isdigit()) else 1
    for i, ch in enumerate(chars):
        if i < prefix:
            options = [TO_LETTER[ch]] if ch in TO_LETTER else []
            if prefix == 1 and (options or [ch])[0] not in ODS_FIRST:
                options = FIRST_LETTER_ELSE.get(ch, options)
            if options:
                chars[i] = options[0]
                repaired.append((i, [options[0], ch, *options[1:]]))
        elif not ch.isdigit():
            fix = TO_DIGIT.get(ch) or TO_DIGIT.get(ch.upper()) or TO_DIGIT.get(ch.lower())
            if fix is None:
                return Checked(None, False)
            chars[i] = fix
            repaired.append((i, [fix, ch]))
    value = "".join(chars)
    return Checked(value, bool(ODS_RE.match(value)), repaired) if ODS_RE.match(value) else Checked(None, False)


def check_account(text: str) -> Checked:
    """Validate an account ID (6-15 digits), repairing letters read for digits."""
    raw = _clean(text)
    if ACCOUNT_RE.match(raw):
        return Checked(raw, True)
    if not (6 <= len(raw) <= 15):
        return Checked(None, False)
    chars = list(raw)
    repaired: list[tuple[int, list[str]]] = []
    for i, ch in enumerate(chars):
        if not ch.isdigit():
            fix = TO_DIGIT.get(ch)
            if fix is None:
                return Checked(None, False)
            chars[i] = fix
            repaired.append((i, [fix, ch]))
    if len(repaired) > 2:
        return Checked(None, False)
    return Checked("".join(chars), True, repaired)


_WORD = regex.compile(r"[A-Z]?[a-z]+|[A-Z]+")
_NOT_A_KEY = (
    _WORD,  # a word
    # 22-Nov-2025, 3 March 2026: a month's name, not any run of letters (a key such as
    # 14WPPooLS1100 has digits, letters, digits too)
    regex.compile(r"\d{1,2}[-/. ]?(?i:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?"
                  r"|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)[-/. ]?\d{2,4}"),
    regex.compile(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}"),  # 22/11/2025
    regex.compile(r"[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2}"),  # a postcode
    regex.compile(r"\+?\d{6,}"),  # a phone, NHS or account number
)


#: Words of the sentences around a key ("your Linkage key, ODS code and account ID will be sent
#: separately", "... rLR16 is yours"): never a group of a key printed in groups.
PROSE_WORDS = frozenset({
    "is", "are", "was", "and", "or", "to", "in", "on", "at", "it", "be", "please", "keep", "use", "for",
    "the", "you", "your", "this", "that", "with", "case", "sensitive", "expires", "valid", "until", "from",
    "code", "codes", "key", "id", "number", "account", "will", "sent", "separately", "details", "not", "of",
})


#: Words a sentence puts between a code's label and the code ("your Linkage Key, which is ...",
#: "Account ID number: ...").
FILLER_WORDS = frozenset({"is", "are", "was", "will", "be", "your", "the", "a", "an", "this", "here", "of", "for",
                          "as", "=", "->", "to", "use", "code", "number", "no", "id", "which"})


def key_group_length(token: str) -> int:
    """A printed key group's length, a key's symbols at its ends counted (printed in groups of four,
    the key `lXZo-vW-K6SC01zn` has a group `-vW-`), a sentence's punctuation around it not."""
    return len(token.strip(EDGE_PUNCT) or token)


def evenly_grouped(sizes: list[int], shortest: int = 1) -> bool:
    """Group lengths as letters print a key in groups: every group but the last of one length, at
    least ``shortest``, the last holding the rest (no longer)."""
    return bool(sizes) and len(set(sizes[:-1])) <= 1 and sizes[0] >= shortest and sizes[-1] <= sizes[0]


#: A key's symbols that OCR may set a space beside, splitting one key in two.
_SPLIT_SYMBOLS = set("-=/!?*+")


def grouped_like_a_key(tokens: list[str]) -> bool:
    """Words read beside a key label that could be one key printed in space-separated groups:
    no group is a word of the surrounding sentence, and every group but the last has 3-6
    characters (a line of prose read beside the label has short words; a whole key is longer).
    The last may be longer: OCR misplaces the spaces of a grouped key now and then, and may split
    one or two characters that are no word off its front (with a key's symbol: 'Lw!'), or up to
    four off its end."""
    if len(tokens) < 2:
        return True
    if _has_prose_word(tokens):
        return False
    bare = [_bare(t) or t for t in tokens]
    if all(_WORD.fullmatch(b) for b in bare):
        return False  # words of a sentence OCR misread ('ofher apps.'), not groups of a random key
    if len(tokens) == 2 and len(bare[0]) <= 2 and len(bare[1]) >= 8 and \
            (not_a_word(tokens[0]) or (len(bare[0]) == 1 and bare[0] not in "aAI")):
        # OCR split the first one or two characters off a key ("3o lDXh86SqQ6cS"; "S 1m2ZwodMQiUFuB":
        # one letter no sentence has as a word, its `a`, `A` and `I` being the only ones)
        return True
    if len(tokens) == 2 and len(bare[0]) >= 8 and len(bare[1]) <= 4 and not_a_word(tokens[0]) and \
            not_a_word(tokens[1]):
        return True  # ... or its last few, after a glyph set wide ("UFOro3Olf91 N-kk")
    if len(tokens) == 2 and (tokens[1][:1] in _SPLIT_SYMBOLS or tokens[0][-1:] in _SPLIT_SYMBOLS) and \
            not_a_word(tokens[0]) and not_a_word(tokens[1]):
        return True  # ... or at a symbol, whose side bearings a monospaced font sets wide ("mKww6VB -WU0C=")
    return all(3 <= key_group_length(t) <= 6 for t in tokens[:-1])


def reads_like_prose(tokens: list[str]) -> bool:
    """Words of a sentence, not a code misread: a word of the sentences around the codes, or more
    text than two of the longest code."""
    return _has_prose_word(tokens) or len("".join(tokens)) > 32


def _has_prose_word(tokens: list[str]) -> bool:
    return any((_bare(t) or t).lower() in PROSE_WORDS for t in tokens)


def _bare(token: str) -> str:
    """A token without a sentence's punctuation around it."""
    return regex.sub(r"^\W+|\W+$", "", token)


def not_a_word(token: str) -> bool:
    """A short token no sentence has: it holds a figure or a key's symbol, or a capital after a letter."""
    bare = _bare(token)
    return any(c in KEY_SYMBOLS for c in token) or not bare.isalpha() or (len(bare) == 2 and bare[1].isupper())


def looks_random(value: str) -> bool:
    """A linkage key is random: words, dates, postcodes and plain numbers are something else.
    A sentence's full stop or comma after one is no part of it (no key has one)."""
    value = value.rstrip(".,;:") or value
    return not any(p.fullmatch(value) for p in _NOT_A_KEY)


def check_key(text: str) -> Checked:
    """Validate a linkage key: group spaces removed, case and punctuation kept; a word, date,
    postcode or plain number printed next to a key label is not a key."""
    raw = "".join(text.split())
    if KEY_RE.match(raw) and looks_random(raw):
        return Checked(raw, True)
    return Checked(None, False)


def join_wrapped(head: str, tail: str) -> tuple[str | None, int | None]:
    """A key printed across two lines (``extract.wrapped_tail``), joined; and where a hyphen that
    ended its first line stood, or None.  Such a hyphen is taken for one the line break added (no
    part of the key, but a key may hold one: the caller flags it).  (None, None) when the joined
    text is no key."""
    tail = tail.rstrip(".,;:")
    hyphen = head.endswith("-") and len(head) > 1
    joined = check_key((head[:-1] if hyphen else head) + tail)
    if not joined.valid:
        return None, None
    return joined.value, (len(head) - 1 if hyphen else None)


def is_nhs_number(digits: str) -> bool:
    """True for a 10-digit string whose modulus-11 check digit is right."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1)))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])
