"""Stage 6 - extract: find each code's label on the page and the value beside it.

Labels are matched word by word with a little fuzziness (OCR misreads a letter
of a label now and then), longest synonym first.  The value is looked for to
the right of the label (same line or next table cell), then on the line below
(label-over-value cells).  Only when no label is found does a format-only
search run, and what it finds is always marked for review.  Values next to the
labels of other things on the page (NHS number, username, password,
registration token...) are never taken.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
import regex
from rapidfuzz.distance import Levenshtein

from .models import FieldName
from .ocr import Box, Word
from .validate import (
    ACCOUNT_RE,
    EDGE_PUNCT,
    FILLER_WORDS,
    KEY_CHARS,
    KEY_MAX,
    KEY_MIN,
    KEY_SYMBOLS,
    ODS_FIRST,
    ODS_RE,
    PROSE_WORDS,
    check_account,
    check_ods,
    evenly_grouped,
    grouped_like_a_key,
    is_nhs_number,
    key_group_length,
    looks_random,
    not_a_word,
    reads_like_prose,
)

LABELS: dict[str, tuple[str, ...]] = {
    "linkage_key": (
        "account linkage key", "third party passphrase", "linkage key", "pass phrase", "passphrase", "linkage",
    ),
    "ods_code": (
        "national practice code", "practice ods code", "organisation code", "organization code",
        "ods code", "practice code", "practice id", "surgery id", "ods",
    ),
    "account_id": ("account id number", "account id", "account number", "account no"),
    # Things printed near the codes that must never be taken as one.
    "other": (
        "online service registration token", "registration token", "user name", "username", "password",
        "patient id", "nhs number", "nhs no", "access id", "date of birth", "dob", "telephone", "tel",
        "phone", "postcode", "token", "reference", "mobile", "email",
    ),
}
#: The things above whose values are figures, dates or postcodes, never a key's mixed-case letters and
#: figures: near one, a word found by a key's format is no value of theirs (seed 99's photo of an email:
#: its "Pass phrase:" read `Pow phose`, taken for "phone", and the key beside it was passed over).
NOT_KEY_LIKE = {"nhs number", "nhs no", "date of birth", "dob", "telephone", "tel", "phone", "mobile", "postcode"}

_SPLIT = regex.compile(r"[\p{L}\p{N}]+")
#: How far the boxes of two words on one line may overlap, as a share of the line's height.
BOX_OVERLAP = 0.1
#: A letter's width is at least this share of its word box's height, on average over a label word.
NARROWEST_LETTER = 0.35
#: "ID" as OCR reads it: its I as any upright stroke, its D as `b`, `p` ("Ip:" at a monospaced D,
#: "1p:" on a photo) or the O it looks like when blurred ("Account 10:", "Surgery 10:" on a blurred
#: photo, in every page segmentation mode); "ids": "ID:" blurred.
_ID_VARIANTS = {i + d for i in "il1|" for d in "dbpo0"} | {"iD", "lD", "ids"}
#: What is left of "ID" when blur takes one of its letters: enough only after the label's other word
#: (its D read as a zero: "Surgery 0" on seed 68's photo_014, a sideways page of blurred type).
_ID_HALVES = {"1", "i", "l", "d", "0"} | {"©", "®"}
#: ... or the one round blob blur makes of it, read as a mark (seed 158's photo: `Account © 081497256`,
#: `Preetee © S$13875`; seed 162's photographed email: `Account © 7974522895`, its account ID unfound).
_ID_MARKS = {"©", "®"}


@dataclass(frozen=True)
class Label:
    field: str
    words: tuple[Word, ...]
    box: Box
    text: str
    in_prose: bool = False  # mentioned in a sentence ("enter your Linkage Key, ODS code..."), not a label


@dataclass(frozen=True)
class Candidate:
    """A value found for a field: where it is and what Tesseract read there."""

    field: FieldName
    text: str
    box: Box
    words: tuple[Word, ...]
    found_by: str  # "label" or "pattern"
    where: str  # "right", "below" or "anywhere"
    score: float
    label_box: Box | None = None  # the label it was found next to (None for a format-only match)
    tail: tuple[Word, ...] = ()  # a key's rest, maybe wrapped onto the next line (``wrapped_tail``)
    tail_sure: bool = False  # ... and surely: the key is read joined with it (else only flagged)

    def tail_text(self) -> str:
        """The wrapped rest as read (``_run_text``)."""
        return _run_text(self.tail)

    def tail_box(self) -> Box | None:
        if not self.tail:
            return None
        return Box(min(w.box.x0 for w in self.tail), min(w.box.y0 for w in self.tail),
                   max(w.box.x1 for w in self.tail), max(w.box.y1 for w in self.tail))

    def label_gap(self) -> float:
        """How far the value sits from its label, in the value's heights (a format-only match:
        infinitely far).  The value's, not the label's: two labels claiming one value are
        compared so, and a label's own height varies with its letters (a table's "Linkage Key",
        its descenders 30 % taller than "Practice ODS Code" beside the value, seemed the nearer
        of the two, one row off)."""
        lb = self.label_box
        if lb is None:
            return float("inf")
        dx = max(0.0, self.box.x0 - lb.x1, lb.x0 - self.box.x1)
        dy = max(0.0, self.box.y0 - lb.y1, lb.y0 - self.box.y1)
        return (dx + dy) / max(1.0, self.box.h)

    def same_place(self, other: Candidate) -> bool:
        """Do the two values cover mostly the same printed text?"""
        return self.box.overlap(other.box) >= 0.5


def _norm_tokens(text: str) -> list[str]:
    return [t.lower() for t in _SPLIT.findall(text)]


def _edit_distance(a: str, b: str, cap: int) -> int:
    """Levenshtein distance, or ``cap + 1`` where it exceeds ``cap``.  Every token of a page is
    tried against every label word (a thousand pairs a page): rapidfuzz's C++ takes 0.3 us a
    pair where a Python loop took 20."""
    return int(Levenshtein.distance(a, b, score_cutoff=cap))


#: Misreads OCR makes of blurred print, folded away on both sides before comparing
#: ("Unkage" for "Linkage", "Accourt" for "Account", "Nurnber" for "Number").
_OCR_FOLDS = (("rn", "m"), ("li", "u"), ("cl", "d"), ("vv", "w"), ("1", "l"), ("|", "l"), ("0", "o"), ("5", "s"))


def _ocr_fold(token: str) -> str:
    for seen, canon in _OCR_FOLDS:
        token = token.replace(seen, canon)
    return token


def _token_matches(seen: str, wanted: str) -> bool:
    if seen == wanted:
        return True
    if wanted == "id":
        return seen in {v.lower() for v in _ID_VARIANTS}
    cap = 0 if len(wanted) < 4 else 1 if len(wanted) < 9 else 2
    if cap == 0 or abs(len(seen) - len(wanted)) > 2 * cap:
        return False
    if _edit_distance(seen, wanted, cap) <= cap:
        return True
    folded_seen, folded_wanted = _ocr_fold(seen), _ocr_fold(wanted)
    return (folded_seen != seen or folded_wanted != wanted) and _edit_distance(folded_seen, folded_wanted, cap) <= cap


#: The widest space between two words of a sentence, in word heights.
_PROSE_SPACE = 1.2


def _in_prose(label_words: tuple[Word, ...], before: Word | None, after: Word | None = None) -> bool:
    """A label name inside a sentence: followed by a comma or full stop, or just after a
    lower-case word of the same line ("enter your Linkage Key") - unless a colon marks it as
    a label ("here is your linkage key: ..."), or a column's gap follows the comma (a table
    row whose colon OCR read as a comma: "Passphrase,    lIlPO-*swpWrK"; in a sentence the next
    word follows at a word space)."""
    last = label_words[-1]
    if last.text.endswith(":"):
        return False
    if last.text.endswith((",", ".")):
        return not (after is not None and after.line == last.line and after.box.x0 - last.box.x1 > _PROSE_SPACE * last.box.h)
    first = label_words[0]
    if before is None or before is first or before.line != first.line:
        return False
    gap = first.box.x0 - before.box.x1
    return 0 <= gap < _PROSE_SPACE * first.box.h and bool(regex.fullmatch(r"\p{Ll}+", before.text))


def find_labels(words: list[Word], fuzzy: bool = True) -> list[Label]:
    """All label occurrences, longest synonym first, each word used once.

    ``fuzzy=False`` (text layers, emails: no OCR misreads) matches words exactly, which is
    also many times faster than the edit-distance match."""
    toks: list[tuple[Word, str]] = []
    for w in sorted(words, key=lambda w: (w.line, w.box.x0)):
        mark = w.text.strip(":;.,")
        for t in _norm_tokens(w.text) or ([mark] if mark in _ID_MARKS else []):
            toks.append((w, t))
    synonyms = sorted(
        ((field, syn.split()) for field, syns in LABELS.items() for syn in syns), key=lambda fs: -len(fs[1])
    )
    # Per call (OCR tokens are not kept between scans).  A page's tokens repeat ("the", "your"),
    # and every one is tried against every synonym: 40 ms a page unmemoised, mostly edit distances.
    memo: dict[tuple[str, str], bool] = {}
    joined_memo: dict[tuple[str, str], bool] = {}

    def matches(seen: str, wanted: str) -> bool:
        if not fuzzy:
            return seen == wanted
        key = (seen, wanted)
        if key not in memo:
            memo[key] = _token_matches(seen, wanted)
        return memo[key]

    def run_together(seen: str, whole: str) -> bool:
        """The words of a label read as one token ("Accountid:", "LinkageKey")."""
        if not fuzzy:
            return seen == whole
        key = (seen, whole)
        if key not in joined_memo:
            joined_memo[key] = _edit_distance(seen, whole, 1) <= 1
        return joined_memo[key]

    def near(seen: str, wanted: str) -> bool:
        """One misread letter more than a word alone may have ("oos" for "ods", "Accoure" for
        "Account"): allowed once in a phrase of two or more words, the rest of which vouches for it."""
        if not fuzzy:
            return False
        if wanted == "id":
            return seen in _ID_HALVES  # "Account 1:": blur took the D
        if len(wanted) == 3:
            # one letter misread ("oos"), or turned into a symbol and split off ("OD%": "od"); a
            # zero for the O besides ("00S", "005": blur rounds the D too), and an `8` for the S
            # (independent seed 116's blurred bold email photo: `O08 Code`)
            seen = _ocr_fold(seen).replace("8", "s")
            return (len(seen) == 3 and sum(a != b for a, b in zip(seen, wanted)) == 1) or \
                (len(seen) == 2 and any(wanted[:k] + wanted[k + 1:] == seen for k in range(3)))
        cap = 2 if len(wanted) < 9 else 3
        return len(wanted) >= 6 and _edit_distance(seen, wanted, cap) <= cap

    starts: dict[str, list[tuple[str, list[str]]]] = {}

    def could_start(seen: str) -> list[tuple[str, list[str]]]:
        """The synonyms a token may begin (its first word, nearly, or all its words run
        together), in their order: most tokens begin none, and are passed over at once."""
        if seen not in starts:
            starts[seen] = [(field, parts) for field, parts in synonyms
                            if matches(seen, parts[0]) or (len(parts) > 1 and (
                                near(seen, parts[0]) or run_together(seen, "".join(parts))))]
        return starts[seen]

    used: set[int] = set()
    labels: list[Label] = []
    i = 0
    while i < len(toks):
        matched = False
        for field, parts in could_start(toks[i][1]):
            j = i
            ok = True
            relaxed = len(parts) < 2  # a one-word label gets no extra leeway
            joined = not relaxed and i not in used and not matches(toks[i][1], parts[0]) \
                and run_together(toks[i][1], "".join(parts))
            if joined:
                j = i + 1  # the words run together ("Accountid:", "LinkageKey")
            for part in [] if joined else parts:
                if j >= len(toks) or j in used or toks[j][0].line != toks[i][0].line:
                    ok = False
                    break
                if not matches(toks[j][1], part):
                    if relaxed or not near(toks[j][1], part):
                        ok = False
                        break
                    relaxed = True
                j += 1
            if ok:
                j = _label_tail(toks, i, j, used)
                ws = tuple(dict.fromkeys(toks[k][0] for k in range(i, j)))
                box = ws[0].box
                for w in ws[1:]:
                    box = box.union(w.box)
                labels.append(Label(field=field, words=ws, box=box, text=" ".join(parts),
                                    in_prose=_in_prose(ws, toks[i - 1][0] if i > 0 else None,
                                                       toks[j][0] if j < len(toks) else None)))
                used.update(range(i, j))
                i = j
                matched = True
                break
        if not matched:
            i += 1
    return labels


def _label_tail(toks: list[tuple[Word, str]], i: int, j: int, used: set[int]) -> int:
    """A label is followed by its colon; no code contains one.  So a short word of letters ending
    in a colon right after a matched label, on its line, is the rest of the label OCR misread
    ("Linkage bury:" for "Linkage key:"), not the start of the value: the label takes it (the
    token index after it is returned)."""
    if j >= len(toks) or j in used:
        return j
    last, nxt = toks[j - 1][0], toks[j][0]
    if nxt is last or nxt.line != last.line or not regex.fullmatch(r"\p{L}{1,8}:", nxt.text):
        return j
    if not 0 <= nxt.box.x0 - last.box.x1 < 1.5 * max(last.box.h, 1):
        return j
    return j + 1  # letters and a colon: one token


#: A word of symbols and punctuation alone, no letter or figure.
_MARKS_ONLY = regex.compile(r"[\p{S}\p{P}]+")
#: What a cell's edge or a speck is read as, alone: a stroke or a dot.
_SPECKS = set("1lIi|'`.,:;")
#: A key's symbols (besides the `-` a wrapped key may pick up).
_KEY_SYMBOL_CHARS = KEY_SYMBOLS.replace("-", "")
#: A key's symbols that stand as tall as its letters: read under half as tall, a speck too.
_TALL_SYMBOLS = set("!?/")


def _strip_punct(words: list[Word], field: str) -> list[Word]:
    """A value's words without the marks OCR read around it: a lone punctuation mark (not a key's
    symbol), a leading colon, dash or rule, and a speck at either end: a stroke or dot
    (``_SPECKS``) under half as tall as the value's other words (a cell's edge read as `1` or `|`:
    seed 56's dark value cells, `1 w32910`, `1 GriEBSpcPjRkcpG`; a real `1`, `l` or `I` stands as
    tall as the rest, and a key's short `*`, `+` or `=` is no speck; a `!`, `?` or `/` that short
    is: seed 124's `! VXPH6uQw1Muruw`, a cell's corner) or, in an ODS code or account
    ID, which have no symbols, a word of symbols alone.  Left in, a speck widens the value's box,
    and the crop cut from it, over the cell's edge."""
    out = [w for w in words if _SPLIT.search(w.text) or len(w.text) > 1 or w.text in _KEY_SYMBOL_CHARS + "-"]
    while out and out[0].text in (":", "-", "—", "|"):
        out = out[1:]
    lo, hi = 0, len(out)
    while hi - lo > 1 and _speck(out[lo], field, out[lo + 1:hi]):
        lo += 1
    while hi - lo > 1 and _speck(out[hi - 1], field, out[lo:hi - 1]):
        hi -= 1
    return out[lo:hi]


def _speck(w: Word, field: str, others: Sequence[Word]) -> bool:
    """Is ``w`` a speck beside ``others``, the value's other words (``_strip_punct``)?"""
    if field != "linkage_key" and _MARKS_ONLY.fullmatch(w.text):
        return True
    return (w.text in _SPECKS or w.text in _TALL_SYMBOLS) and w.box.h < 0.5 * max(o.box.h for o in others)


#: How much taller than its label a value's word may be: values are often printed larger and bold
#: (2.2 to 3 times the label's height seen on photos, where a rule beside the value also stretches
#: its box); a taller "word" is a ruled line or a smudge.
TALLEST_VALUE = 3.5
#: A label set in capitals boxes shorter than one in mixed case at the same size (no ascender
#: above its capitals, no descender): by a third in most faces (seed 73 photo_015: `ACCOUNT
#: LINKAGE KEY` boxed 14 px, the key's groups under it 57 px with the cell's shading, and only
#: one group kept).
CAPS_BOX = 1.3


def _in_capitals(label: Label) -> bool:
    """The label's words all capitals (a rule OCR read into its box aside)."""
    text = "".join(w.text for w in label.words)
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


#: A word of a key's symbols alone (a group of one when a key is printed in groups).
_KEY_SYMBOLS = regex.compile(rf"[{regex.escape(_KEY_SYMBOL_CHARS)}]{{1,2}}")
#: The key's symbols that begin a key read as a word of their own; an `=` or `-` there may stand
#: between a label and its value (`Linkage Key = ...`).
LEADING_SYMBOLS = set("/!?*+")
#: A lone character that is a table's ruled line read as text, never a code or a group of one.
_RULES = {"|", "||", "[", "]", "{", "}"}
#: The widest gap between two words of one value, in text heights: a key printed in groups has
#: word-sized gaps, the next table cell a wider one.
_WORD_GAP = 1.6
#: ... or no wider than this many times the widest gap already taken between the value's words.
EVEN_GAP = 1.25
#: How far right of its label a value may start, in label text heights.  Beyond ``NEAR_CELL`` it
#: still counts (a short label such as "ODS Code" in a table whose value column starts at the
#: page's middle: 32 and 40 heights on two independent letters), but a value under the label wins.
NEAR_CELL, FAR_CELL = 30.0, 50.0


#: The steepest slant of text lines that ``text_slope`` reports (about 8.5 degrees).
MAX_SLOPE = 0.15


def text_slope(words: list[Word]) -> float:
    """How the text lines rise or fall across the read (dy per dx, median over Tesseract's lines
    of several words; 0 when none is long enough to say).  A photographed page that could not
    be flattened keeps a slant, and more so in one corner: a value beside its label then sits
    higher or lower than the label by more than half a line (seed 4242's closeup_005: 47 px on
    35 px tall words) and its label's line, compared level, met the next paragraph instead."""
    lines: dict[int, list[Word]] = {}
    for w in words:
        if w.text.strip() and w.box.h > 0:
            lines.setdefault(w.line, []).append(w)
    slopes: list[float] = []
    for ws in lines.values():
        if len(ws) < 2:
            continue
        h = float(np.median([w.box.h for w in ws]))
        xs = np.array([(w.box.x0 + w.box.x1) / 2 for w in ws])
        if xs.max() - xs.min() < 4 * h:
            continue
        ys = np.array([w.box.y1 for w in ws])  # word bottoms: ascenders and capitals do not move them
        slopes.append(float(np.polyfit(xs, ys, 1)[0]))
    if len(slopes) < 2:
        return 0.0
    return float(np.clip(np.median(slopes), -MAX_SLOPE, MAX_SLOPE))


def _on_line_of(w: Word, ref: Word, h: float) -> bool:
    """On the same text line as ``ref``: centres within half a line, or most of the shorter box
    shared (OCR boxed a word together with the rule or descender under it: 48 px tall on a line
    of 29, its centre 15 px low)."""
    if abs(w.box.cy - ref.box.cy) < 0.5 * max(ref.box.h, h):
        return True
    shared = min(w.box.y1, ref.box.y1) - max(w.box.y0, ref.box.y0)
    return shared >= 0.7 * min(w.box.h, ref.box.h)


def _word_space(gap: float, h: float, value: list[Word]) -> bool:
    """Is ``gap`` no wider than a space between two words of one value?  Measured against the
    value's own text size (often larger than the label's, ``h``): a key printed in groups has
    word-sized gaps, the next table cell a wider one.  Its median height: a word OCR boxed with the
    rule under it is twice as tall.  Or no wider than ``EVEN_GAP`` times the value's other gaps
    already taken: a key's groups stand evenly apart (seed 47's clean Liberation Mono key, boxed by
    OCR as `uipZ xxc+ oVvoZ *uc`, 28, 28 and 31 px apart on 23 px glyphs: its last group fell past
    the height rule and went unread, and the key out three characters short, unflagged)."""
    if gap <= _WORD_GAP * max(h, 0.8 * float(np.median([w.box.h for w in value]))):
        return True
    xs = sorted(value, key=lambda w: w.box.x0)
    gaps = [b.box.x0 - a.box.x1 for a, b in zip(xs, xs[1:])]
    if gap in gaps:
        gaps.remove(gap)  # (the gap asked about, when its word is in ``value``)
    return bool(gaps) and gap <= EVEN_GAP * max(gaps)


def _border_between(left: Word, right: Word, borders: list[Word]) -> bool:
    """Does a cell border (read as `|`) stand in the gap between two words of one line?"""
    return any(left.box.x1 - 2 <= (b.box.x0 + b.box.x1) / 2 <= right.box.x0 + 2 and b.box.y0 < right.box.y1 and b.box.y1 > right.box.y0
               for b in borders)


def _label_height(label: Label) -> float:
    """The label's text height: its shortest word's box (no descender, no rule merged in)."""
    return max(8.0, min(w.box.h for w in label.words))


def _value_words(label: Label, words: list[Word], label_words: set[Word], where: str, slope: float = 0.0) -> list[Word]:
    h = _label_height(label)
    # Cell borders OCR read as characters (`|`), kept apart: a value under its label does not
    # reach left across one.  (They, like every word without a letter or figure, leave ``words``.)
    borders = [w for w in words if w.text.strip() in _RULES]
    # A key's symbols read as a word of their own ('KpcB cIzw QUB2 ?': a key printed in groups of
    # four, its last group one `?`): they may end the key, and begin it but for an `=` or `-`
    # (``LEADING_SYMBOLS``: `Linkage Key = ...`).
    symbols = [w for w in words if _KEY_SYMBOLS.fullmatch(w.text.strip())] if label.field == "linkage_key" else []
    # Ruled lines and smudges read as tall "words": never part of a value.
    tallest = TALLEST_VALUE * max(w.box.h for w in label.words) * (CAPS_BOX if _in_capitals(label) else 1.0)
    words = [w for w in words if w.box.h < tallest and _SPLIT.search(w.text)]
    if where == "right":
        # The label's line runs through its text-sized words (a word OCR merged with a cell's rule
        # is taller, and its box's middle is not the line's).
        cy = float(np.median([w.box.cy for w in label.words if w.box.h <= 1.5 * h]))
        # The value starts after the label's last word, not after the union of its words' boxes:
        # OCR once boxed `Linkage` from its first letter to the end of the key's first group,
        # which then fell inside the label.
        last = label.words[-1]
        end = last.box.x1
        # The line runs on at the text's slant from the label's end.
        line = [w for w in words if w not in label_words
                and abs(w.box.cy - cy - slope * ((w.box.x0 + w.box.x1) / 2 - end)) < 0.6 * max(h, w.box.h)]
        # Blur can also box the label's last word on over the value ('Passphrase' boxed to the
        # key's end on a blurred photo): then the value starts at the first word of the line that
        # begins inside that box but past where the word's own letters can reach.
        reach = last.box.x0 + NARROWEST_LETTER * h * len(last.text)
        end = min([end, *(w.box.x0 for w in line if reach < w.box.x0 < end)])
        # Boxes of one line may overlap a little: by two pixels, or a tenth of the label's height
        # (seed 58's photographed email, `key:` boxed 40 px tall and 2 px into the key's word).
        row = [w for w in line if w.box.x0 > end - max(2.0, BOX_OVERLAP * h)]
    else:
        # Below: starting under the label's middle, centred under its bottom (a tilted photo's
        # boxes are tall, and a value's top may reach up to the label's bottom edge).
        below = [w for w in words if w not in label_words and w.box.y0 > label.box.cy
                 and w.box.cy > label.box.y1 - 0.2 * h and w.box.y0 < label.box.y1 + 3.0 * h
                 and w.box.x1 > label.box.x0 - 1.5 * h and w.box.x0 < label.box.x1 + 4 * h]
        if not below:
            return []
        first = min(below, key=lambda w: w.box.y0)
        line = sorted((w for w in words if w not in label_words and _on_line_of(w, first, h)), key=lambda w: w.box.x0)
        # The value starts at its line's first word under the label (a line of the page's other
        # column beside a sidebar's box reached to 3 label heights from it: seed 55's photo, the
        # ODS code's line read as `1. Download the NHS App ... go F43937`, the value its prose).
        start = next((i for i, w in enumerate(line) if w in below), len(line))
        # A value may start left of the label read: OCR missed the label's first word ('Account'
        # of 'Account Linkage Key') and the value's first group stands under it.  Words joined to
        # the value by no more than a word space are its own - but not across a cell's border
        # read as a character: left of it is the next cell's value (seed 64's photo_006 took the
        # account ID ending at the key cell's border for the key).
        while 0 < start < len(line) and not _border_between(line[start - 1], line[start], borders) and \
                _word_space(line[start].box.x0 - line[start - 1].box.x1, h, [line[start]]):
            start -= 1
        row = line[start:]
    row.sort(key=lambda w: w.box.x0)
    out: list[Word] = []
    stoppers = {w for w in label_words}
    for w in row:
        if w in stoppers:
            break
        if out:
            if not _word_space(w.box.x0 - out[-1].box.x1, h, [*out, w]):
                break
        elif where == "right" and w.box.x0 - label.box.x1 > FAR_CELL * h:
            break
        out.append(w)
    def run_on() -> None:
        """Further along the value's own line: the slant measured over the page may be off here (a
        curled photo's key groups stood level where the page's lines rose 1.4 %: 13 px at the
        third group, which left its label's line so extended)."""
        while out and (after := [w for w in words if w not in out and w not in stoppers
                                 and w.box.x0 > out[-1].box.x1 - 1 and _on_line_of(w, out[-1], h)
                                 and _word_space(w.box.x0 - out[-1].box.x1, h, [*out, w])]):
            out.append(min(after, key=lambda w: w.box.x0))

    if where == "right":
        run_on()
        # And back towards the label: a slant measured off may drop the value's first groups from
        # the label's line while later ones stay on it (an independent letter's photo: 1.8 % over
        # the page, the key's line level, `9xKO Wriw` 17 px off the label's line, `80p] Ig5g` kept).
        while out and (before := [w for w in words if w not in out and w not in stoppers and w not in label_words
                                  and w.box.x0 > end - 2 and w.box.x1 < out[0].box.x0 + 1
                                  and _on_line_of(w, out[0], h)
                                  and _word_space(out[0].box.x0 - w.box.x1, h, [w, *out])]):
            out.insert(0, max(before, key=lambda w: w.box.x1))
    while out and (after := [w for w in symbols if w not in out and w.box.x0 > out[-1].box.x1 - 1 and w.box.h >= 0.3 * h
                             and _on_line_of(w, out[-1], h) and _word_space(w.box.x0 - out[-1].box.x1, h, out)]):
        out.append(min(after, key=lambda w: w.box.x0))
        if where == "right":
            # A symbol read as a word of its own inside the key, its next group a word space on
            # (seed 47's Charis close-up: `IIpyTN` `=` `WWIU2Po08b`, the groups too far apart to join
            # but for the `=` between them).
            run_on()
    if where == "right" and out and (before := [
            w for w in symbols if set(w.text.strip()) <= LEADING_SYMBOLS and end - 2 < w.box.x0
            and w.box.x1 < out[0].box.x0 + 1 and _on_line_of(w, out[0], h)
            and _word_space(out[0].box.x0 - w.box.x1, h, out)]):
        # A key may begin with a symbol OCR read as a word of its own (an independent letter's
        # close-up: `key: + Dpptj TofO2 Ph*`, the key read without its `+` and valid so).
        out.insert(0, max(before, key=lambda w: w.box.x1))
    return _strip_punct(out, label.field)


def _far(label: Label, value: list[Word]) -> bool:
    """A value beside its label but further right than ``NEAR_CELL`` text heights."""
    return value[0].box.x0 - label.box.x1 > NEAR_CELL * _label_height(label)


#: A date as letters print it (`05-Nov-2007`, `05 Now 2007`, `6/11/2025`): never a key, whose characters are
#: random (seed 126's photo: a date of birth whose label OCR garbled, `potion 05-Now 2007`, passed for a key
#: printed in groups).
_DATE = regex.compile(r"(?<![\p{L}\p{N}])\d{1,2}[-/. ]+(?:\p{L}{3,9}|\d{1,2})[-/. ]+(?:19|20)\d{2}(?!\p{N})")


def _validate(field: str, text: str) -> bool:
    """Plausible for its field.  Lenient for keys: page OCR often doubles an ambiguous glyph or
    turns one into a stray symbol ('f' -> '£'), and the value is re-read from its own crop anyway;
    but a date is none (``_DATE``)."""
    if field == "linkage_key":
        joined = "".join(text.split())
        keyish = sum(1 for ch in joined if regex.match(r"[\p{L}\p{N}/!?*+=\-|]", ch))
        return 6 <= len(joined) <= 20 and looks_random(joined) and keyish >= max(len(joined) - 2, 0.85 * len(joined)) \
            and grouped_like_a_key(text.split()) and not _DATE.search(text)
    # The same leniency for the other codes: a stray symbol ('Y' doubled as 'Y¥') does not
    # stop a value from being the one next to its label.
    # A symbol may also stand for a character ('$' for S): try the text as read first.
    check = check_ods if field == "ods_code" else check_account
    return check(text).valid or check(regex.sub(r"\p{S}", "", text)).valid


#: Words closer than this share of their height are one word OCR split (a narrow glyph's side
#: bearings in a monospaced font: 0.19 of the height seen); a word space in a proportional font is
#: about 0.24 of it, so only a value that fails its format as split is read joined.
TIGHT_GAP = 0.22
#: ... and beside a key's symbol, closer than this: OCR boxes a `!` or `/` short of its ink and splits
#: the word there (seed 141's clean DejaVu Serif Bold `E0lCKOcX!Ykk0Zxc`, read `EOICKOcX! YkkOZxc`,
#: the words 0.46 of their height apart; the key was not found).
TIGHT_GAP_SYMBOL = 0.6


def _tight_text(vw: list[Word]) -> str:
    """The words' text with the narrow gaps closed (``TIGHT_GAP``, ``TIGHT_GAP_SYMBOL``)."""
    out = vw[0].text
    for a, b in zip(vw, vw[1:]):
        gap = b.box.x0 - a.box.x1
        symbol = a.text[-1:] in _KEY_SYMBOL_CHARS or b.text[:1] in _KEY_SYMBOL_CHARS
        out += ("" if gap < (TIGHT_GAP_SYMBOL if symbol else TIGHT_GAP) * min(a.box.h, b.box.h) else " ") + b.text
    return out


def _value_box(vw: list[Word]) -> Box:
    """The box around a value's words; its height from the words of the line's own height (a word
    OCR boxed together with the rule under it would make the crop twice as tall, rule included),
    counted by characters: a cell's corner read as a short `!` before a 14-character key is one of
    two words, not half the line (seed 124's photo: the crop cut to the `!`'s height, the key's
    bottom edge alone)."""
    typical = float(np.median([w.box.h for w in vw for _ in w.text]))
    level = [w for w in vw if w.box.h <= 1.4 * typical] or vw
    return Box(min(w.box.x0 for w in vw), min(w.box.y0 for w in level),
               max(w.box.x1 for w in vw), max(w.box.y1 for w in level))


def _run_in_start(box: Box, vw: list[Word], words: list[Word], label: Label, where: str) -> Box:
    """The value's box, begun where a word too tall to be text (``TALLEST_VALUE``) ends against its
    first word, a letter's gap away or less: OCR boxed the value's first characters together with
    its cell's rounded corner (seed 5150's scan_012 read `ms350%` for a key's first seven characters,
    and the key came out nine characters long).  The crop's height still comes from the value's own
    words; only its left edge moves.  Not for a cell's rule, read as a tall narrow word."""
    h = float(np.median([w.box.h for w in vw]))
    tallest = TALLEST_VALUE * max(w.box.h for w in label.words)
    for w in words:
        if w.box.h < tallest or w in vw or w in label.words or not (w.box.y0 < box.cy < w.box.y1):
            continue
        if sum(c.isalnum() for c in w.text) < 2 or w.box.w < 2 * h:
            continue  # a cell's rule read as a tall word (empty, or `|`): no characters of the value
        if w.box.x0 < box.x0 <= w.box.x1 + 0.5 * h and (where == "below" or w.box.x0 >= label.box.x1):
            return Box(w.box.x0, box.y0, box.x1, box.y1)
    return box


#: A key's rest wrapped onto the next line starts this close to where the key's own line (or cell)
#: starts, in text heights.
WRAP_ALIGN = 0.8
#: How many text heights above and below a wrapped key's line the text's right edge is looked for.
WRAP_LINES = 8.0
#: How far right of a wrapped key's rest a row's label or code rules it out (text heights): a
#: paragraph goes on to name the other codes further along its line.
WRAP_ROW = 10.0
#: A wrapped cell's rest stands alone this many text heights to its right (a table's next column
#: may go on beyond).
WRAP_CELL = 6.0
#: A key's characters, and the symbols OCR reads some of them as (`$` for `S`, `|` for `l` ...).
_KEY_PART = regex.compile(r"[A-Za-z0-9/!?*+=\-$£|%&#@()\[\]{}]{1,15}")


#: A numbered list's item number ("2.", "3)"), which a letter's steps to link the record start with.
_LIST_NUMBER = regex.compile(r"\d{1,2}[.),]")  # (`4,`: its full stop read as a comma)


def _run_text(words: Sequence[Word]) -> str:
    """Words read as one run of a key (groups joined), without a sentence's full stop or comma."""
    return "".join(w.text for w in words).rstrip(".,")


def _bare_word(text: str) -> str:
    return text.strip(EDGE_PUNCT).lower()


def _prose(text: str) -> bool:
    """A word of the sentences around the codes, written as a sentence writes it (`be`, `Be`; a
    key's `bE` is none)."""
    bare = text.strip(EDGE_PUNCT)
    return bare.lower() in PROSE_WORDS and (bare.islower() or bare.istitle())


def _next_line(last: Word, words: list[Word], h: float) -> list[Word]:
    """The words of the text line under ``last``'s, left to right (none within 2.6 text heights: [])"""
    below = [w for w in words if 0.8 * h < w.box.cy - last.box.cy < 2.6 * h and w.box.h < TALLEST_VALUE * h]
    if not below:
        return []
    top = min(below, key=lambda w: w.box.cy)
    # The whole line: a label beside a value may sit lower than it, out of the window.
    return sorted((w for w in words if _on_line_of(w, top, h) and w.box.h < TALLEST_VALUE * h), key=lambda w: w.box.x0)


def _ends_line(last: Word, words: list[Word], h: float, skip: list[Word] | tuple[Word, ...] = ()) -> bool:
    """Nothing stands after ``last`` on its line (but the words in ``skip``, and a cell's rule or
    border that OCR read as a word: no letter or figure in it, or taller than text)."""
    return not any(w.box.x0 > last.box.x1 - 1 and w not in skip and w is not last and _on_line_of(w, last, h)
                   and _SPLIT.search(w.text) and w.box.h < TALLEST_VALUE * h for w in words)


def _line_start(last: Word, words: list[Word], h: float) -> float:
    """Where the text line of ``last`` begins."""
    return min(w.box.x0 for w in words if _on_line_of(w, last, h) and w.box.x1 <= last.box.x1)


#: Words further apart than this (text heights) on one line are in different columns: a sidebar's
#: box beside the letter's text, a table's cells.
COLUMN_GAP = 1.5


def _own_line_start(last: Word, words: list[Word], label_words: set[Word], h: float) -> float:
    """Where the text line of ``last`` begins in its own column: ``_line_start``, unless the words
    before it are a column apart (COLUMN_GAP) and none is a label's (a label, a tab, its value: one
    line).  Independent seed 114's photo: a key in a sidebar's box level with the letter's own
    lines; the next step's line (`4, Enter the details ...`) began where the key's line seemed to,
    and its `4,` was taken for the key's wrapped rest."""
    before = sorted((w for w in words if _on_line_of(w, last, h) and w.box.x1 <= last.box.x1 and w is not last),
                    key=lambda w: -w.box.x1)
    start = last.box.x0
    for k, w in enumerate(before):
        if w.box.x1 < start - COLUMN_GAP * h:
            return _line_start(last, words, h) if any(o in label_words for o in before[k:]) else start
        start = min(start, w.box.x0)
    return start


def _value_on_next_line(label: Label, vw: list[Word], words: list[Word], label_words: set[Word]) -> list[Word]:
    """A code a sentence's line break put at the next line's start: its label (and words such as
    "which is") end their line ("... and your Account ID is / 1195029928.").  The words there up
    to a gap wider than a word space."""
    h = _label_height(label)
    last = (vw or list(label.words))[-1]
    if not _ends_line(last, words, h, vw):
        return []
    line = _next_line(last, words, h)
    if not line or line[0] in label_words or abs(line[0].box.x0 - _line_start(last, words, h)) > WRAP_ALIGN * h:
        return []
    out = [line[0]]
    for w in line[1:]:
        if not _word_space(w.box.x0 - out[-1].box.x1, h, [*out, w]):
            break
        out.append(w)
    return _strip_punct(out, label.field)


#: The fewest characters of a key's head a wrapped rest is joined to: a line does not break a key
#: after its first character or two, and a cell's edge or a smudge beside a key label reads as one
#: (independent seed 117's cards photo: a card's corner read `a`, joined to the username under the
#: next card's label into a "key").
WRAP_HEAD_MIN = 3


def _under_label(w: Word, lab: Label) -> bool:
    """``w`` starts under ``lab``, where its value below it would (within 2.5 of its heights down
    and 4 across)."""
    h = lab.box.h
    return 0 < w.box.y0 - lab.box.y1 < 2.5 * h and abs(w.box.x0 - lab.box.x0) < 4 * h


def _under_another_label(first: Word, labels: Sequence[Label]) -> bool:
    """``first`` starts under a label of another field or of a thing not a code: that label's value."""
    return any(lab.field != "linkage_key" and _under_label(first, lab) for lab in labels)


def wrapped_tail(vw: list[Word], words: list[Word], label_words: set[Word],
                 labels: Sequence[Label] = ()) -> tuple[tuple[Word, ...], bool]:
    """The rest of a linkage key wrapped onto the next line, if it may be (its words: a key printed
    in groups may go on with more than one), and whether surely: a narrow table cell or a paragraph
    broke the key (a word processor may add a hyphen at the break, which is no part of it).  The
    key must end its line; the next line's first word must start where the key's cell or line
    starts, with nothing left of it (not the next row's label or value), be of a key's characters
    (or OCR's symbols for them: the value is read again from its crops) and no word of the
    sentences around the codes, nor an ODS code or account ID.

    Surely, when the rest stands alone under the key's start with a label column empty beside it
    (a wrapped cell: nothing else is printed there), or starts the next line of a paragraph whose
    line the key fills to the text's right edge and holds a figure or a key's symbol, or follows
    a hyphen that ended the key's line.  Otherwise the key may go on, for a person to check, but
    is not joined: a key ending a short line over a house number did not wrap.  A head shorter
    than WRAP_HEAD_MIN, or a rest under another field's label (``labels``), is never joined."""
    none: tuple[tuple[Word, ...], bool] = ((), False)
    if len(_run_text(vw).removesuffix("-")) < WRAP_HEAD_MIN:
        return none
    last = vw[-1]
    h = float(np.median([w.box.h for w in vw]))
    if last.text.endswith((".", ",", ";", ":")):
        return none  # the key ended its sentence
    if not _ends_line(last, words, h, vw):
        return none  # more on the key's line: it did not run out of room
    line = _next_line(last, words, h)
    if not line:
        return none
    value_x = vw[0].box.x0
    line_x = _own_line_start(last, words, label_words, h)
    k = next((i for i, w in enumerate(line) if w.box.x1 > line_x - WRAP_ALIGN * h), None)
    if k is None or line[k] in label_words or _under_another_label(line[k], labels):
        return none
    first = line[k]
    if _LIST_NUMBER.fullmatch(first.text) and len(line) > k + 1:
        return none  # "2. Create an NHS login": the next item of a numbered list
    under_value = abs(first.box.x0 - value_x) <= WRAP_ALIGN * h
    at_line_start = abs(first.box.x0 - line_x) <= WRAP_ALIGN * h
    if not (under_value or at_line_start):
        return none
    hyphen = last.text.endswith("-")

    def rest_from(strict: bool) -> list[Word]:
        """The first word and those a word space after it while they are a key's groups (``strict``:
        and no word, as a sentence going on after the key's rest has: "R16 when the app asks")."""
        out = [first]
        for w in line[k + 1:]:
            if not _word_space(w.box.x0 - out[-1].box.x1, h, [*out, w]) or not _KEY_PART.fullmatch(w.text) \
                    or _prose(w.text) or (strict and not not_a_word(w.text)):
                break
            out.append(w)
        return out

    def plausible(rest: list[Word]) -> bool:
        text = _run_text(rest)
        # (an ODS code or account ID there, as printed, is the next row's code)
        return bool(_KEY_PART.fullmatch(text)) and not first.text.endswith(":") and not ODS_RE.fullmatch(text) \
            and not ACCOUNT_RE.fullmatch(text) and not any(_prose(w.text) for w in rest)

    def next_row(rest: list[Word]) -> bool:
        """A label or a code of the next row of codes beside it: its label misread."""
        return any(w in label_words or w.text.endswith(":") or check_ods(w.text).valid or check_account(w.text).valid
                   for w in line[k + len(rest):] if w.box.x0 < first.box.x1 + WRAP_ROW * h)

    loose, strict = rest_from(False), rest_from(True)
    if not plausible(strict) or all(_speck(w, "linkage_key", vw) for w in strict):
        return none  # (a speck: a cell's corner under the key, read as `1`)
    if next_row(strict):
        # Not joined, but a key ending in a hyphen at the line's end is for a person to check.
        return (tuple(strict), False) if hyphen else none
    # A wrapped cell: the rest alone under the key's start, right of an empty label column (OCR may
    # split it in pieces that read as words).
    after = line[k + len(loose):]
    if under_value and value_x - line_x > 2 * h and plausible(loose) and not next_row(loose) and \
            not any(w.box.x0 < loose[-1].box.x1 + WRAP_CELL * h for w in after):
        return tuple(loose), True
    # A wrapped paragraph: the key's line reaches the text's right edge (no line of the same
    # column a few lines around it reaches further), and the rest is nothing a sentence holds.
    text = _run_text(strict)
    column = [w for w in words if abs(w.box.cy - last.box.cy) < WRAP_LINES * h and w.box.x0 >= line_x - h]
    paragraph = at_line_start and max(w.box.x1 for w in column) <= last.box.x1 + WRAP_ALIGN * h and \
        (hyphen or not_a_word(text))
    if not paragraph and not hyphen and not looks_random(text):
        return none  # a word starting the next line ("No", "Please") is no rest worth a doubt
    return tuple(strict), paragraph


#: A key label's words.  One among the words right of a key label is the label itself, which OCR
#: split: a scan's "Linkage Key" in a table was read `Linkage` on one line and `ge Ki Key` on
#: another, and `geKiKey` passed for the key.
_KEY_LABEL_WORDS = {t for syn in LABELS["linkage_key"] for t in syn.split()}


def _past_the_label_split(lab: Label, vw: list[Word], words: list[Word], label_words: set[Word],
                          slope: float) -> list[Word]:
    """The value right of a key label, looked for again past its last word that is a word of a key
    label (``_KEY_LABEL_WORDS``), when one is among ``vw``."""
    k = max((i for i, w in enumerate(vw) if _bare_word(w.text) in _KEY_LABEL_WORDS), default=None)
    if k is None:
        return vw
    rest = vw[:k + 1]
    box = lab.box
    for w in rest:
        box = box.union(w.box)
    whole = replace(lab, words=(*lab.words, *rest), box=box)
    return _value_words(whole, words, label_words | set(rest), "right", slope)


#: What a value right of a label that heads a table's column (``_heads_a_column``) loses against
#: the valid value under it.
HEADER_RIGHT_PENALTY = 0.5


def _heads_a_column(lab: Label, labels: list[Label]) -> bool:
    """``lab`` is one of a table's column headings: another field's label stands further along its
    row, and no colon ends it.  What stands right of it is more likely the next heading misread
    than its value (independent seed 115's photo: `PATIENT NAME  LINKAGE KEY  ODS CODE  ACCOUNT ID`
    over the values, `ODS CODE` read `008 cone`, which passed for a key beside its label)."""
    if lab.in_prose or lab.words[-1].text.rstrip().endswith(":"):
        return False
    h = _label_height(lab)
    return any(o.field != lab.field and not o.in_prose and o.box.x0 > lab.box.x1
               and abs(o.box.cy - lab.box.cy) < 0.5 * h for o in labels)


def _next_cards_heading(lab: Label, right: list[Word], under: list[Word], words: list[Word]) -> bool:
    """The words ``right`` of ``lab`` are the heading of the next card or column, misread: ``lab``
    has a valid value of its own under it, and an ODS code or account ID stands under ``right`` as
    under a heading (seed 149's cards photo: `Surgery ID` over the next card's `F55461` read
    `Ser gery 1`, which passed for a key beside `Account Linkage Key`, its key under it).  In a
    table of labels and values, the value right of a label has the next row's value under it but
    the label has the next row's label, no value, under it (that value, reaching under the label,
    is no value of the label's: seed 133's `pass phrase` over `V89188`, which a key's lenient check
    passes)."""
    if not right or not under or not _validate(lab.field, " ".join(w.text for w in under)):
        return False
    h = _label_height(lab)
    x0, x1, bottom = right[0].box.x0, right[-1].box.x1, max(w.box.y1 for w in right)
    return any(w not in right and w not in under and 0 < w.box.y0 - bottom < 2.5 * h and w.box.x0 < x1
               and w.box.x1 > x0 and (check_ods(w.text).valid or check_account(w.text).valid) for w in words)


def _beside_another_label(first: Word, lab: Label, labels: list[Label], words: list[Word]) -> bool:
    """A label of another field, or of a thing not a code, ends just before ``first`` on its line
    (no word between): the words are that label's value, the next row of a list, not ``lab``'s
    under it (seed 120's photo: `Passphrase: IoDcAH1 InGq39QmJ5` over `Username: FPATEL813`; the
    key beside its label read split, the username under it was taken for the key).  A label named
    in a sentence there is none (`passphrase is for other apps.` beside a key under its label), nor
    one with other words of the line between (seed 127's sidebar photo: `The username and password
    are for SystmOnline on our` in the letter's column, level with the key in the sidebar)."""
    h = _label_height(lab)

    def just_before(o: Label) -> bool:
        end = o.words[-1]
        return end.box.x1 <= first.box.x0 + 2 and _on_line_of(end, first, h) and not any(
            w not in o.words and w is not first and _SPLIT.search(w.text) and end.box.x1 - 2 <= w.box.x0
            and w.box.x1 <= first.box.x0 + 2 and _on_line_of(w, first, h) for w in words)

    return any(o.field != lab.field and not o.in_prose and just_before(o) for o in labels)


def label_candidates(words: list[Word], labels: list[Label]) -> list[Candidate]:
    """Values next to their labels, scored: valid format first, then right over below."""
    label_words = {w for lab in labels for w in lab.words}
    slope = text_slope(words)
    out: list[Candidate] = []
    for lab in labels:
        if lab.field == "other":
            continue
        under = _value_words(lab, words, label_words, "below", slope)
        for where in ("right", "below"):
            vw = _value_words(lab, words, label_words, where, slope) if where == "right" else under
            if where == "right" and lab.field == "linkage_key":
                vw = _past_the_label_split(lab, vw, words, label_words, slope)
            if where == "right" and vw and set(vw) < set(under):
                # The words beside the label are the end of the line under it (seed 122's tilted
                # photo: the key's groups boxed tall, the three past the label's end taken for a
                # value beside it, `OvKu wMwu` for `opxK OvKu wMwu 5`): one line, read below.
                continue
            if lab.in_prose and where == "right":
                # "your Linkage Key, which is ...": the words between a sentence's label and its code.
                lead = vw
                while vw and _bare_word(vw[0].text) in FILLER_WORDS:
                    vw = vw[1:]
                if not vw:
                    vw = _value_on_next_line(lab, lead, words, label_words)
            if not vw or (where == "below" and _beside_another_label(vw[0], lab, labels, words)):
                continue
            text = " ".join(w.text for w in vw)
            if not _validate(lab.field, text):
                tight = _tight_text(vw)
                if _validate(lab.field, tight):
                    text = tight  # OCR split one word at a narrow glyph's gap ('xy 1amQy5jNxIHw')
                else:
                    # A cell border or smudge read as a word after the value is not part of it: ODS
                    # codes and account IDs have no spaces, and a key of 10 or more characters in
                    # one piece is not the first of several groups.
                    vw = next((vw[:k] for k in range(len(vw) - 1, 0, -1)
                               if _validate(lab.field, " ".join(w.text for w in vw[:k]))
                               and (lab.field != "linkage_key" or (k == 1 and len(vw[0].text) >= 10))), vw)
                    text = " ".join(w.text for w in vw)
            box = _run_in_start(_value_box(vw), vw, words, lab, where)
            tail, sure = wrapped_tail(vw, words, label_words, labels) if lab.field == "linkage_key" else ((), False)
            valid = _validate(lab.field, text)
            joined = "".join(text.split()).removesuffix("-") + _run_text(tail)
            # (OCR may read a joined key a character or two long, a glyph as two: the value readers
            # read it again.)
            if tail and (len(joined) > KEY_MAX + 2 or not _validate(lab.field, joined)):
                tail = ()  # joined, no key
            if tail and sure and not valid:
                valid = True  # the key's head alone was too short
            if lab.in_prose and (where == "below" or not valid):
                continue  # under a sentence is the rest of the paragraph; beside it, only a real code counts
            # A label named inside a sentence may still carry its value ("your Account Id is 4622...")
            # but loses to a label that stands alone.
            heading = where == "right" and (_heads_a_column(lab, labels) or _next_cards_heading(lab, vw, under, words))
            score = (2.0 if valid else 0.0) + (0.3 if where == "below" else 0.5 if not _far(lab, vw) else 0.2) \
                + 0.1 * len(lab.words) - (0.5 if lab.in_prose else 0.0) - (HEADER_RIGHT_PENALTY if heading else 0.0)
            if not valid and regex.search(r"\d", text) and not reads_like_prose(text.split()):
                # Every code has digits; of two doubtful values, prefer the one that looks like one -
                # not a sentence that has a date in it (the line under a key label, "... expire two
                # weeks after this letter was printed (on 16 February 2025)", beat the key beside
                # the label that OCR read without its one figure).
                score += 0.4
            out.append(Candidate(field=lab.field, text=text, box=box, words=tuple(vw), found_by="label",
                                 where=where, score=score, label_box=lab.box, tail=tail,
                                 tail_sure=sure))  # type: ignore[arg-type]
    return out


def pattern_candidates(words: list[Word], labels: list[Label], grouped: bool = True,
                       misread_ods: bool = False, leading_zero: bool = False,
                       much_misread_ods: bool = False) -> list[Candidate]:
    """Format-only search, away from the labels of things that are not codes.  ``grouped=False``:
    single words only, without the keys printed in groups (whose search reads the line after every
    word that may be a label: most of this search's time on a page read whole).  ``misread_ods``:
    also an ODS code with one figure read as its look-alike (``_an_ods_code_misread``).
    ``leading_zero``: also an account ID beginning with `0` (as a phone number does: the caller
    holds it to the codes found by their labels).  ``much_misread_ods``: also an ODS code with
    several figures read as look-alikes (``_an_ods_code_much_misread``), scored 0.2."""
    others = [lab for lab in labels if lab.field == "other"]
    key_like_others = [lab for lab in others if lab.text not in NOT_KEY_LIKE]

    def near_other(w: Word, key: bool = False) -> bool:
        """Beside or under the label of a thing not a code (``key``: of one whose values may look
        like a key's, ``NOT_KEY_LIKE``'s not)."""
        for lab in key_like_others if key else others:
            h = lab.box.h
            same_row = abs(w.box.cy - lab.box.cy) < 0.7 * h and 0 <= w.box.x0 - lab.box.x1 < 25 * h
            if same_row or _under_label(w, lab):
                return True
        return False

    def part_of_a_longer_number(w: Word) -> bool:
        """Digits beside other digits on the line (a word space apart): an NHS number printed
        `570 317 4023`, a phone number or a date that OCR split, not a code of its own."""
        h = w.box.h
        for o in words:
            if o is w or not o.text.strip(".,;:()-").isdigit() or abs(o.box.cy - w.box.cy) > 0.6 * h:
                continue
            if -0.2 * h < o.box.x0 - w.box.x1 < 1.5 * h or -0.2 * h < w.box.x0 - o.box.x1 < 1.5 * h:
                return True
        return False

    def near_key_like_other(w: Word) -> bool:
        return near_other(w, key=True)

    out: list[Candidate] = []
    for w in words:
        t = w.text.strip(".,;:()")
        key_shaped = len(t) >= 10 and _reads_as_a_key(t) and _mixed_like_a_key(t)
        if near_other(w) and (not key_shaped or near_key_like_other(w)):
            continue  # (a key's shape is no phone number's, NHS number's, date's or postcode's)
        if key_shaped:
            out.append(Candidate("linkage_key", t, w.box, (w,), "pattern", "anywhere", 0.5))
        elif regex.fullmatch(r"(?:[A-HJ-NP-WY]\d{5}|(?:ALD|GUE|JER)\d{3})", t):
            out.append(Candidate("ods_code", t, w.box, (w,), "pattern", "anywhere", 1.0))
        elif misread_ods and _an_ods_code_misread(t):
            out.append(Candidate("ods_code", t, w.box, (w,), "pattern", "anywhere", 0.25))
        elif much_misread_ods and _an_ods_code_much_misread(t):
            out.append(Candidate("ods_code", t, w.box, (w,), "pattern", "anywhere", 0.2))
        elif regex.fullmatch(r"\d{6,15}", t) and not is_nhs_number(t) and (leading_zero or not t.startswith("0")) \
                and not part_of_a_longer_number(w):
            out.append(Candidate("account_id", t, w.box, (w,), "pattern", "anywhere", 0.5))
    if not grouped:
        return out
    after = _grouped_keys_after_labels(words, labels, near_key_like_other)
    taken = {w for c in after for w in c.words}
    return out + after + [c for c in _grouped_keys_alone(words, near_key_like_other) if not taken & set(c.words)]


def _reads_as_a_key(t: str) -> bool:
    """A word that is a key (``check_key``), or one with a single glyph misread: as a symbol no key
    holds, or as two glyphs in a longest key.  (An independent letter's photo, its "Passphrase"
    label past reading: `Yv*tGG5I0j8munNe` read `Y¥*tGG5IOj8munNe` on the page, `Yv*tGG5SI0j8munNe`
    in its band.)  The value is read again from its crop, and must be a key then."""
    misread = sum(ch not in KEY_CHARS for ch in t) + (len(t) > KEY_MAX)
    return KEY_MIN <= len(t) <= KEY_MAX + 1 and misread <= 1 and looks_random(t)


def _an_ods_code_misread(t: str) -> bool:
    """An ODS code with one of its figures read as a look-alike letter (`K61968` read `KO1968`):
    its letter, four figures, and one glyph ``check_ods`` repairs to a figure."""
    if len(t) != 6 or t[0] not in ODS_FIRST or sum(ch.isdigit() for ch in t) != 4:
        return False
    checked = check_ods(t)
    return checked.valid and len(checked.repaired) == 1


#: An ODS code found by its format near the codes found by their labels may have several figures
#: read as look-alike letters, but keeps this many figures read as figures (a word is no code).
MISREAD_ODS_FIGURES = 2


def _an_ods_code_much_misread(t: str) -> bool:
    """An ODS code with several of its figures read as look-alike letters (seed 110's blurred
    Roboto photo: `E89865` read `EB9B6S`, beside its label read `OS ate`), at least
    MISREAD_ODS_FIGURES of them read as figures: `SOLIDS` repairs to `S01105` too."""
    return len(t) == 6 and t[0] in ODS_FIRST and sum(ch.isdigit() for ch in t[1:]) >= MISREAD_ODS_FIGURES \
        and check_ods(t).valid


def _mixed_like_a_key(text: str) -> bool:
    """What a key found by its format alone must hold: a figure and letters of both cases, or
    letters whose case changes as often as only a random string's does (``RANDOM_CASE_CHANGES``)."""
    both = bool(regex.search(r"[a-z]", text) and regex.search(r"[A-Z]", text))
    return both and (bool(regex.search(r"\d", text)) or _random_case(text))


#: A key with no figure (a Vision-style key of letters: seed 81's `pCzWpcuZzoSozA`, 9 changes, its
#: label in a sidebar OCR did not read) changes case this often between neighbouring letters; a
#: name or a word in prose hardly ever more than three times (`MacLeod`, `SystmOnline`: 3) unless
#: it runs words together, each capital starting one (`McDonaldsTheWay`: 7).
RANDOM_CASE_CHANGES = 6


def _random_case(text: str) -> bool:
    """Letters changing case ``RANDOM_CASE_CHANGES`` times or more, not as words run together do."""
    letters = "".join(c for c in text if c.isalpha())
    changes = sum(a.isupper() != b.isupper() for a, b in itertools.pairwise(letters))
    return changes >= RANDOM_CASE_CHANGES and not regex.fullmatch(r"\p{Lu}?\p{Ll}+(?:\p{Lu}\p{Ll}{2,})*", letters)


#: Codes found by format alone, with no code label read, are taken only all three together, stacked
#: within this many of their heights from the first's top to the last's bottom (12, not 8: seed 77's
#: C059 sidebar photo, each blurred label on its own line above its value, the column 8.4 high) ...
CODE_COLUMN_HEIGHTS = 12.0
#: ... their left edges within this many of their heights of each other (one column of values).
CODE_COLUMN_ALIGN = 1.5


#: A value found by its format may follow, on its line, at most this many words of a label OCR
#: garbled ("Organisation code" read `Organesatme cote`) for ``codes_in_a_column``'s list of labels.
LIST_LABEL_WORDS = 3


def _listed_line_start(cand: Candidate, words: list[Word]) -> float | None:
    """Where the line of a value found by its format begins, when the value ends its line after
    one to ``LIST_LABEL_WORDS`` words (a label and its value, as an email lists them); else None."""
    line = {w.line for w in cand.words}
    if len(line) != 1:
        return None
    on_line = [w for w in words if w.line in line and w not in cand.words]
    # (By where words begin: OCR's box for a garbled word may reach over the next one.)
    before = [w for w in on_line if w.box.x0 < cand.box.x0]
    if len(before) != len(on_line) or not 1 <= len(before) <= LIST_LABEL_WORDS:
        return None
    return min(w.box.x0 for w in before)


def _by_field(cands: list[Candidate]) -> dict[str, list[Candidate]]:
    by_field: dict[str, list[Candidate]] = {}
    for c in cands:
        by_field.setdefault(c.field, []).append(c)
    return by_field


def codes_in_a_column(cands: list[Candidate], words: list[Word] | None = None) -> dict[str, Candidate]:
    """The codes when the format-only search found one of each stacked in one column
    (``CODE_COLUMN_HEIGHTS``, ``CODE_COLUMN_ALIGN``): a code panel whose labels went unread.  A
    letter without codes has no such column (an ODS code's, an account ID's and a random key's
    formats together); anything else, none.  Where one field's format matched more than once (a
    SystmOnline username of figures under the account ID: seed 45's photo), the column is the
    tightest one of each, and that field is left out: which of its matches is the code, no label
    says.  Given the page's ``words``, the values may instead each end a line that a short label
    begins, the lines' starts in one column: a list of labels and values, as an email prints
    them, whose labels OCR garbled past knowing (seed 74's photo of an email: `Account kt`,
    `Organesatme cote`, `Ponphraxc`, each before its code)."""
    by_field = _by_field(cands)
    if len(by_field) != 3 or sum(len(v) > 1 for v in by_field.values()) > 1:
        return {}

    def aligned(lefts: list[float | None], h: float) -> bool:
        return None not in lefts and max(lefts) - min(lefts) <= CODE_COLUMN_ALIGN * h  # type: ignore[operator]

    def column(picked: list[Candidate]) -> float | None:
        """The column's height in its values' heights, or None where they stand in no column."""
        boxes = [c.box for c in picked]
        h = float(np.median([b.h for b in boxes]))
        if not aligned([b.x0 for b in boxes], h) and not (
                words is not None and aligned([_listed_line_start(c, words) for c in picked], h)):
            return None
        return (max(b.y1 for b in boxes) - min(b.y0 for b in boxes)) / h

    heights = [t for combo in itertools.product(*by_field.values()) if (t := column(list(combo))) is not None]
    if not heights or min(heights) > CODE_COLUMN_HEIGHTS:
        return {}
    return {f: v[0] for f, v in by_field.items() if len(v) == 1}


#: A word with no colon is taken for a garbled label when its value stands this many of its
#: heights away, in the next column (a word space is a third of one).
NEXT_COLUMN = 2.0


def _grouped_keys_after_labels(words: list[Word], labels: list[Label], near_other: Callable[[Word], bool]) -> list[Candidate]:
    """Keys printed in groups after a word that is no label known but stands as one: it ends in a
    colon, or its value, groups of one length, stands in the next column (``NEXT_COLUMN``).  A key
    label OCR garbled past knowing: an independent letter's "Passphrase:" read `Pomptvase:` and
    `Pasptrose:` on a photo, another's "Linkage Key" in a table `techage hey`.  The groups read
    together must be a key with figures and both cases; a single word is ``pattern_candidates``'."""
    label_words = {w for lab in labels for w in lab.words}
    out: list[Candidate] = []
    for w in words:
        colon = regex.fullmatch(r"\p{L}{3,}:", w.text)
        if w in label_words or not (colon or regex.fullmatch(r"\p{L}{3,}", w.text)):
            continue
        vw = _value_words(Label("linkage_key", (w,), w.box, w.text), words, label_words, "right")
        if len(vw) < 2 or any(map(near_other, vw)):
            continue
        # With no colon, only a key's print in groups of one length, the last no longer ('jksa 4rGL
        # VJMB Ai', not a blurred photo's `OP- Max 2025`), in the next column.
        sizes = [key_group_length(v.text) for v in vw]
        if not colon and (vw[0].box.x0 - w.box.x1 < NEXT_COLUMN * w.box.h or not evenly_grouped(sizes)):
            continue
        text = " ".join(v.text for v in vw)
        joined = "".join(text.split())
        if 10 <= len(joined) <= KEY_MAX and _validate("linkage_key", text) and _mixed_like_a_key(joined):
            out.append(Candidate("linkage_key", text, _value_box(vw), tuple(vw), "pattern", "right", 0.5,
                                 label_box=w.box))
    return out


def _grouped_keys_alone(words: list[Word], near_other: Callable[[Word], bool]) -> list[Candidate]:
    """Keys printed in groups of one length (three characters or more, the last no longer) that
    make up all of a line, or all of it a column's gap away from other words: the format-only
    search's match for a key in groups, whose label OCR garbled past knowing and which stands under
    it, not beside it (an independent letter's sideways photo: "Passphrase" read `Pasipre ave`,
    `0CXI cokf PVAp whP` below).  Together the groups must be a key with both cases that
    looks random and holds no word of the letters' prose."""
    out: list[Candidate] = []
    lines: dict[int, list[Word]] = {}
    for w in words:
        lines.setdefault(w.line, []).append(w)
    for line in lines.values():
        line.sort(key=lambda w: w.box.x0)
        runs: list[list[Word]] = [[line[0]]]
        for a, b in zip(line, line[1:]):
            if _word_space(b.box.x0 - a.box.x1, min(a.box.h, b.box.h), [a, b]):
                runs[-1].append(b)
            else:
                runs.append([b])
        for run in runs:
            if len(run) < 3 or not evenly_grouped([key_group_length(w.text) for w in run], 3) or any(map(near_other, run)):
                continue
            text = " ".join(w.text for w in run)
            joined = "".join(text.split())
            # A figure, or a capital after a small letter within a group (where OCR read the only
            # figure as a letter: `OCXI`), as no line of words has.  (``_validate`` asks that the key
            # look random and hold no word of the letters' prose.)
            mixed = _mixed_like_a_key(joined) or any(regex.search(r"\p{Ll}\p{Lu}", w.text) for w in run)
            if 10 <= len(joined) <= KEY_MAX and mixed and _validate("linkage_key", text):
                out.append(Candidate("linkage_key", text, _value_box(run), tuple(run), "pattern", "anywhere", 0.5))
    return out


#: How many text lines from a code found by its label a format-only match may stand to be
#: taken as the code a garbled label stood beside, where the page has other matches too.
NEAR_CODES_LINES = 3.0


def _lines_from(box: Box, anchors: list[Box]) -> float:
    """How many of ``box``'s line heights it stands above or below the nearest of ``anchors``."""
    gaps = [max(0.0, a.y0 - box.y1, box.y0 - a.y1) for a in anchors]
    return min(gaps) / max(1.0, box.h) if gaps else float("inf")


#: A label word run into its value across the colon ("ID:C18754", "10:Q21779" for "ID:Q21779"; a speck
#: before the colon read as a mark: "Key;:n" on seed 65's FreeMono close-up; marks before the word,
#: dropped: "|ID:416362179" on seed 157's close-up).
_GLUED = regex.compile(r"(?P<lead>[\p{P}\p{S}]*)(?P<label>\p{L}{2,}|(?i:[il1|][dbpo0]))(?P<speck>[;.,]?)"
                       r":(?!/)(?P<value>\S+)")  # not a web address's "https://"
#: "ID" read with a figure is glued to a value only this long (with the word it runs on into): `10:30` is a time.
_GLUED_FIGURE_VALUE = 5


def _run_on(w: Word, words: list[Word]) -> str:
    """The word that carries on ``w``'s last characters across a gap narrower than a space ("ID:6"
    `864751523`: OCR split the value after its first figure and gave that to the label), or ""."""
    h = max(w.box.h, 1.0)
    after = [o for o in words if o.line == w.line and o is not w and -0.1 * h <= o.box.x0 - w.box.x1 < 0.25 * h]
    nxt = min(after, key=lambda o: o.box.x0, default=None)
    return nxt.text if nxt is not None and nxt.text.isalnum() else ""


def unglued(words: list[Word]) -> list[Word]:
    """The words with a label run into its value split at the colon: OCR read "Surgery ID: C18754",
    its space after the colon narrow, as `Surgery` `ID:C` `18754` (an independent letter's clean
    render), and the `C` went with the label, out of the value and of its crop.  The box is cut
    where the label's letters end, estimated on the narrow side (a label's letters counted half an
    em, a code's characters 0.65): the value's crop starts there, and a cut inside the colon or a
    label letter leaves that glyph out whole, where one inside the value's first glyph would lose it
    (`Id:6605982260` cut in proportion to its characters lost the first `6`).  "ID" may be read
    with a figure (`Surgery 10:Q21779` on an independent letter's photo), and after a mark OCR read
    before it, dropped (seed 157's close-up: `Account` `|ID:416362179`, the account ID unfound)."""
    out: list[Word] = []
    for w in words:
        m = _GLUED.fullmatch(w.text)
        if m is None or (not m["label"].isalpha() and (
                len(m["value"]) + len(_run_on(w, words)) < _GLUED_FIGURE_VALUE or ":" in m["value"])):
            out.append(w)
            continue
        head, rest = m.start("value") - 1, len(m["value"])  # (everything before the colon)
        cut = w.box.x0 + w.box.w * 0.5 * head / (0.5 * head + 0.25 + 0.65 * rest)
        out.append(replace(w, text=m["label"] + ":", box=Box(w.box.x0, w.box.y0, cut, w.box.y1)))
        out.append(replace(w, text=m["value"], box=Box(cut, w.box.y0, w.box.x1, w.box.y1)))
    return out


def best_candidates(words: list[Word]) -> tuple[dict[str, Candidate], list[Label]]:
    """The best candidate per field: label-anchored first, format-only as a fallback."""
    words = unglued(words)
    labels = find_labels(words)
    chosen: dict[str, Candidate] = {}
    used: set[Word] = set()
    for cand in sorted(label_candidates(words, labels), key=lambda c: -c.score):
        # One printed value is one code: words another field's better candidate took are not reused.
        if cand.field in chosen or used & set(cand.words):
            continue
        chosen[cand.field] = cand
        used.update(cand.words)
    missing = [f for f in ("linkage_key", "ods_code", "account_id") if f not in chosen or chosen[f].score < 2.0]
    anchored = any(c.score >= 2.0 for c in chosen.values())
    # (The single-word format search, once: the column and the list below both start from it.)
    single = pattern_candidates(words, labels, grouped=False, misread_ods=True, leading_zero=True) if not anchored else []
    if not anchored and {"ods_code", "account_id"} <= {c.field for c in single} \
            and (column := codes_in_a_column(pattern_candidates(words, labels, misread_ods=True, leading_zero=True), words)):
        # No label read beside a valid code, but all three codes stacked in one column by their
        # formats alone: a code panel whose labels blur took (seed 41's photo: small, blurred serif
        # labels read `Onganestiee conte`, `Acoma bd`; the values, larger, read right).  An account
        # ID may begin with `0` here: the column holds it to the other two codes, as the labels
        # would (independent seed 103's photo_004: `0446440700` under blurred 5 px labels, and no
        # code found at all).
        return column, labels
    if not anchored and (listed := _a_list_missing_its_key(words, labels, single)):
        return listed, labels
    # A format-only search runs only on a letter that has at least one code next to its label:
    # a page with no code label at all (an appointment letter) must give nothing.
    if missing and anchored:
        taken = {w for c in chosen.values() if c.score >= 2.0 for w in c.words}
        anchors = [c.box for c in chosen.values() if c.score >= 2.0]
        by_field: dict[str, list[Candidate]] = {}
        for cand in pattern_candidates(words, labels, leading_zero=True, much_misread_ods="ods_code" in missing):
            if cand.field in missing and not (set(cand.words) & taken) and not (
                    cand.field == "account_id" and cand.text.startswith("0")
                    and _lines_from(cand.box, anchors) > NEAR_CODES_LINES):
                # An account ID may begin with `0` (`0123456` in NHS England's guide); a phone number
                # does too, so only among the codes (seed 86's photo: `Account (© 0254815765`).
                by_field.setdefault(cand.field, []).append(cand)
        for f, cands in by_field.items():
            # An ODS code misread (``much_misread_ods``) only where none is printed right, and
            # among the codes found by their labels.
            if f == "ods_code":
                as_printed = [c for c in cands if c.score >= 1.0]
                cands = as_printed or [c for c in cands if _lines_from(c.box, anchors) <= NEAR_CODES_LINES]
            # A unique match only; of several, the one among the codes found by their labels
            # (within a few lines of them: a garbled label's own value) where just one is.
            if len(cands) > 1:
                cands = [c for c in cands if _lines_from(c.box, anchors) <= NEAR_CODES_LINES]
            if len(cands) == 1 and not _split_key_holds(chosen.get(f), cands[0]):
                chosen[f] = cands[0]
        if "linkage_key" not in chosen and (key := _key_in_the_codes_column(words, labels, chosen)) is not None:
            chosen["linkage_key"] = key
    return chosen, labels


def _a_list_missing_its_key(words: list[Word], labels: list[Label], single: list[Candidate]) -> dict[str, Candidate]:
    """The three codes of a list (``codes_in_a_column``'s: each value ending a line after a short
    label, the lines beginning in one column) where the format-only search found the ODS code and
    the account ID but no key: the key is looked for on the list's next row with letters of both
    cases enough (seed 77's photo of an email: `Lotge key knWSooXAXplikp`, `008 ete L10035`,
    `Accom ¢ 3035472728`; a key of letters alone changing case four times, too few for a key found
    anywhere by its format).  ``single``: the single-word format search's matches.  Empty unless all
    three are found."""
    by_field = _by_field(single)
    if set(by_field) != {"ods_code", "account_id"} or any(len(v) > 1 for v in by_field.values()):
        return {}
    ods, account = by_field["ods_code"][0], by_field["account_id"][0]
    h = float(np.median([ods.box.h, account.box.h]))
    starts = [_listed_line_start(c, words) for c in (ods, account)]
    if None in starts or abs(starts[0] - starts[1]) > CODE_COLUMN_ALIGN * h:  # type: ignore[operator]
        return {}
    key = _key_in_the_codes_column(words, labels, {"ods_code": ods, "account_id": account}, listed=True)
    return {} if key is None else {"ods_code": ods, "account_id": account, "linkage_key": key}


#: The words of the codes' labels ("key", "phrase", "id" ...) and of the prose around them: never a
#: key's first word (`Lotge key Knightsbridge` is no key `keyKnightsbridge`).
_LABEL_WORDS = frozenset(w for syns in LABELS.values() for syn in syns for w in syn.split()) | PROSE_WORDS


#: The rows of a column of codes stand at most this many of their heights apart, top to top
#: (``_key_in_the_codes_column``).
COLUMN_ROW_HEIGHTS = 3.0


def _key_in_the_codes_column(words: list[Word], labels: list[Label], chosen: dict[str, Candidate],
                             listed: bool = False) -> Candidate | None:
    """A key on the row next to the rows of the ODS code and the account ID, where those two stand
    in one column (their values' left edges, or their lines' starts, within ``CODE_COLUMN_ALIGN``
    heights; their rows ``COLUMN_ROW_HEIGHTS`` apart at most) and the key's row lines up with them:
    its label garbled past knowing and its characters read as uneven words (seed 76's Caladea
    photo: "Passphrase" read `ros phrase`, the key `ZCKOOs VOsu RsOPk` on the line under the
    account ID's and the ODS code's, neither a key's word nor a key's groups, and no key was
    found).  The key is the row's last words, after its first (the label), that together make a
    key's length with a key's mix of characters, away from the labels of things that are not
    codes; found so, it goes out for review.  ``listed``: the two were found by their formats alone,
    each ending a line after a short label (``_a_list_missing_its_key``); the key then may be letters
    of both cases alone, however few its changes of case, on a row that begins where theirs do."""
    ods, account = chosen.get("ods_code"), chosen.get("account_id")
    if ods is None or account is None or (ods.found_by == account.found_by == "pattern" and not listed):
        return None
    h = float(np.median([ods.box.h, account.box.h]))
    pitch = abs(ods.box.y0 - account.box.y0)
    if not 0.8 * h <= pitch <= COLUMN_ROW_HEIGHTS * h:
        return None

    def line_of(c: Candidate) -> list[Word]:
        line = {w.line for w in c.words}
        return sorted((w for w in words if w.line in line), key=lambda w: w.box.x0)

    def near(a: float, b: float) -> bool:
        return abs(a - b) <= CODE_COLUMN_ALIGN * h

    values_aligned = near(ods.box.x0, account.box.x0)
    starts = [line_of(c)[0].box.x0 for c in (ods, account)]
    if not (values_aligned or near(*starts)):
        return None
    others = [lab for lab in labels if lab.field == "other"]
    found: list[Candidate] = []
    for y in (min(ods.box.y0, account.box.y0) - pitch, max(ods.box.y0, account.box.y0) + pitch):
        row = sorted((w for w in words if abs(w.box.y0 - y) < 0.5 * h), key=lambda w: w.box.x0)
        if len(row) < 2 or len({w.line for w in row}) > 1 or not (
                near(row[0].box.x0, min(starts)) or (not listed and any(near(w.box.x0, ods.box.x0) for w in row))):
            continue
        if any(abs(w.box.cy - lab.box.cy) < 0.7 * h and lab.box.x1 <= w.box.x0 for w in row for lab in others):
            continue  # a username or password beside its label
        keys = [row[k:] for k in range(1, len(row)) if 10 <= len(joined := "".join(w.text for w in row[k:])) <= KEY_MAX
                and row[k].text.lower().strip(":") not in _LABEL_WORDS
                and (_mixed_like_a_key(joined) or (listed and joined.lower() != joined != joined.upper()))
                and _validate("linkage_key", joined) and not _DATE.search(" ".join(w.text for w in row[k:]))]
        if keys:
            value = keys[0]  # the longest
            found.append(Candidate("linkage_key", " ".join(w.text for w in value), _value_box(value), tuple(value),
                                   "pattern", "right", 0.5))
    return found[0] if len(found) == 1 else None


#: The widest gap, in the words' heights, between the pieces of a key OCR split (FreeMono's `j`
#: stands 0.38 of them from its neighbours).
SPLIT_KEY_GAP = 0.6


def _split_key_holds(own: Candidate | None, found: Candidate) -> bool:
    """Whether a key label's value, though its reading fails the format, is a key OCR split into
    words (a FreeMono `Xk j q5SK130UmAD5B1`: a narrow glyph's wide cell read as word spaces) and
    the format-only match ``found`` only a piece of it: every word of ``found`` among its words,
    and all of them together a key's length of a key's characters (a rule read `|` beside it is
    not)."""
    if own is None or own.field != "linkage_key" or not set(found.words) < set(own.words):
        return False
    joined = "".join(own.text.split())
    words = sorted(own.words, key=lambda w: w.box.x0)
    h = float(np.median([w.box.h for w in words]))
    # The pieces a narrow glyph's cell apart, not a cell's padding (a rule read `1` a line height
    # before a key in its cell).
    close = all(b.box.x0 - a.box.x1 <= SPLIT_KEY_GAP * h for a, b in zip(words, words[1:]))
    return close and KEY_MIN <= len(joined) <= KEY_MAX + 2 and all(ch in KEY_CHARS for ch in joined) \
        and looks_random(joined)
