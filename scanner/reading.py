"""Stage 6b - read each value: several looks at the value's line, one vote.

Tesseract located the value; here the value's own crop is read again at a
good scale by the key recogniser (trained on random keys; it gives a
posterior per character) and by Tesseract in single-line mode with the
field's alphabet.  The readings are aligned character by character: where they
agree the character is trusted as far as the posteriors allow, where they
disagree or the posterior is low the character is reported as uncertain with
its ranked alternatives.  Nothing here is ever logged.
"""

from __future__ import annotations

import difflib
import functools
import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import NamedTuple

import cv2
import numpy as np

from .enhance import even_line_light, line_for_ocr
from .models import CodeField, FieldName, UncertainChar, for_review, sureness
from .ocr import Box, OcrEngine
from .shapes import OwnZeros, Verdict, glyphs_as_many_as, look_alikes, sevens
from .validate import KEY_CHARS, ODS_RE, Checked, check_account, check_key, check_ods, evenly_grouped

WHITELIST: dict[str, str] = {
    "linkage_key": KEY_CHARS,
    "ods_code": string.ascii_uppercase + string.digits,
    "account_id": string.digits,
}
#: Glyphs that some fonts draw (almost) alike; without a model these are never trusted.
CONFUSABLE = set("lI1|O0oQDcCsSvVwWxXzZkKpPuUyY")
#: Look-alikes Tesseract's agreement on says little, and how sure the recogniser must be of one for
#: its reading to stand without a second opinion.  Helvetica-like faces draw `I` and `l` as the same
#: plain stem: over the samples and 24 seeds, of those read 0.80-0.94 sure, Tesseract agreeing, that
#: this flagged, 1 in 17 was wrong (6 %; 3 % flags).  Fonts without a slashed zero draw `O` and `0`
#: as ovals a little apart: over the samples and 31 seeds, of those read below 0.95 sure, Tesseract
#: agreeing, no shape verdict, 3 in 51 were wrong (seed 53's Go Mono `sXpxI0pxPzVp0UZ` for
#: `...IOpx...pOUZ` went out unflagged); with a shape verdict 1 in 135.  Over the samples and 37
#: seeds (2,239 keys), those read 0.94-0.98 sure, agreed, no shape verdict: 4 of 47 wrong (seed 59's
#: Cantarell `vOSWP...` for `v0SWP...`, 0.967, unflagged); 0.98-0.99: 0 of 36; 0.99 and over: 0 of 106.
#: A shape verdict on the character lifts this (``_settle_by_shape``): one that rules the twin out,
#: or one that rules nothing out on a serifed line, where `l` and `I` are drawn apart (``shapes._serifed``).
AGREEMENT_WEAK = {"l": 0.94, "I": 0.94, "O": 0.98, "0": 0.98}
#: A character this likely to be wrong is flagged for review, with its alternatives.
CHAR_FLAG = 0.03
#: A field less likely than this to be right needs review even with no character flagged: the
#: level the calibration is held to (fields at 0.95 or more right at least 99 % of the time).
#: 0.97 before, measured against 0.95: on 1,200 keys rendered in held-out fonts (the vote seeds of
#: tools/vote_table.py, 501/503) review burden 54.3 -> 51.7 %, silent-wrong 0 -> 0, and 503 of 503
#: keys at 0.95 or more right; on the pipeline's key crops of tuning seeds 1001-1006 (330 keys)
#: 51.6 -> 46.3 %, 0 -> 0, 153 of 153; over the samples and the eight check seeds every field at
#: 0.95-0.97 was right (21 of 21: 18 keys, 3 account IDs), and 1,280 of 1,280 at 0.95 or more.
FIELD_REVIEW = 0.95
#: (posterior at least, error if Tesseract agreed, error if it disagreed): the larger of two
#: measurements, rounded up (a cell that saw no error is not a zero; 0 wrong of 172 reads as
#: 1.5 %).  (1) tools/vote_table.py on fresh renders of keys in held-out fonts, read with five
#: looks as at scan time (model step 11451): >= 0.99 1 of 14,225 wrong with Tesseract agreeing,
#: 0 of 1,140 with it disagreeing; 0.97-0.99 1 of 1,256 / 0 of 287; 0.94-0.97 0 of 525 / 0 of
#: 172; 0.9-0.94 0.3 % / 0.7 %; 0.8-0.9 0 of 310 / 1.2 %; 0.7-0.8 2.3 % / 3.9 %; 0.5-0.7 12 % /
#: 19 %; below 0.5 34 % / 44 %.  (2) `tools/vote_table.py --crops` on the key crops the pipeline
#: cuts from generated letters (seeds 1001-1006, 336 keys, none of them the samples' or the
#: README's check seeds; valid key readings only): where Tesseract disagrees the recogniser is
#: wrong far more often on these real crops than on the renders: 0.97-0.99 1 of 59, 0.94-0.97 1
#: of 28, 0.9-0.94 2 of 24, 0.8-0.9 5 of 38, 0.7-0.8 9 of 66, 0.5-0.7 12 of 65, below 0.5 51 of
#: 84; agreeing, 0.97-0.99 1 of 249, 0.8-0.9 1 of 60, 0.5-0.7 10 of 41 (crops of 90cb364; the same
#: tool on the crops of 18337ec, whose label fixes cut some keys better: disagreeing 0.9-0.94 1 of
#: 23, 0.8-0.9 3 of 38, 0.7-0.8 6 of 63; the table keeps the larger).  A recogniser 0.81 sure
#: of `l` against Tesseract's `1` was taken as 2.5 % likely wrong under (1) alone, and a photo's
#: key went out unflagged with that `1` misread.  A disagreeing cell is never below its agreeing
#: one.  Both measured again for the character-by-character vote of the looks (posteriors summed
#: over looks; same tool, renders seeds 301/303 and crops of seeds 1001-1006): every cell within
#: the table but two, now raised: agreeing 0.7-0.8 13 of 321 (4.1 %) on renders, agreeing 0.5-0.7
#: 18 of 61 (30 %) on crops.
_ERROR_TABLE = [
    (0.99, 0.0002, 0.002),
    (0.97, 0.004, 0.02),
    (0.94, 0.004, 0.04),
    (0.90, 0.006, 0.09),
    (0.80, 0.017, 0.14),
    (0.70, 0.05, 0.15),
    (0.50, 0.30, 0.30),
    (0.00, 0.35, 0.62),
]
#: Tesseract reads an extra character (not a doubled look-alike) where the recogniser saw none:
#: a character really was missing there in 23 of 303 such gaps on held-out-font renders (16 of
#: 242 inside the key, 7 of 61 at its ends); a '/' or '-' at an end never was (0 of 86).
GAP_ERROR = 0.07
#: The recogniser is this sure of a character: Tesseract writing it twice is Tesseract's habit.
MODEL_SURE = 0.99
#: A shape verdict against a recogniser this sure of the character it rules out is not taken.
SHAPE_OVERRULES_BELOW = 0.99
#: A shape verdict that turns a character both readers read alike (the recogniser, unsure, and
#: Tesseract's reading of the crop) is this likely wrong: on the pipeline's key crops of the samples and
#: 21 independent seeds, and seed 103's photo, of 17 such turns by verdicts counted 0.5 % likely wrong, 2 were wrong (seed
#: 101's TeX Gyre Termes scan: an `I` called `l` by its height; seed 103's Nimbus Mono PS photo: an
#: `l`'s blurred top serif taken for a `1`'s flag), both unflagged.  The turn stands, for review.
SHAPE_AGAINST_READERS = 0.1
#: A `0` or `O` whose width leaves it in doubt (``shapes.Verdict.doubtful``) is at least this likely wrong.
WIDTH_DOUBT = 0.05
#: A key with this share of its characters in doubt was poorly read: every look-alike in it is flagged;
#: with the second share, every character (seed 30's close-up of a faux-bold PT Mono key: 9 of 13
#: characters in doubt, 11 with the look-alikes, and the two `4`s the recogniser read `A`, sure, were not).
POOR_READ_SHARE, UNREAD_SHARE = 0.4, 0.6
#: A value crop's margin above and below its line, as a share of the line's height.
CROP_MARGIN = 0.22
#: Its margin before and after the value's ink, as a share of the line's height.
SIDE_MARGIN = 0.45
#: The widest gap, in line heights, between a value's first glyph and the next in a monospaced
#: face (a narrow `I` centred in its cell; a word space there is a whole cell, ~0.85).
MONO_LETTER_GAP = 0.6
#: The widest gap, in line heights, between two letters of one word in a proportional face
#: (a word space is 0.3 or more), and how far back a word begun before OCR's box is followed.
LETTER_SPACE, LETTERS_BACK = 0.2, 16
#: How far past the crop's start the value's own glyphs are looked at (their height, their gaps).
LETTERS_ON = 8
#: A gap before the value's first glyph no wider than this many times the value's own usual
#: letter gap is a letter space too (a word space adds a quarter em or more to it).
LETTER_SPACE_OF_WORD = 1.5
#: A blob smaller than this share of the glyph height squared is noise, not one of a colon's dots.
SPECK_AREA = 0.01
#: A blob as tall as a value's crop is a rule that ends the value when at most this wide for its
#: height (a box's side leaning 15 degrees is 0.3) or filled this much (a region, not a glyph).
RULE_THIN, RULE_SOLID = 0.5, 0.8
#: An italic slant (horizontal shear, ``upright``): searched up to SLANT_MAX, taken out from
#: SLANT_MIN (italic faces lean 0.15-0.25) when it makes the ink's columns SLANT_GAIN peakier.
SLANT_MAX, SLANT_MIN, SLANT_GAIN = 0.4, 0.15, 1.1
#: ... or, for a value on a letter whose other codes were set upright (its face is italic), at any
#: gain: a blurred italic key may gain little (seed 64's Lato Italic close-up, 1.08: read with its
#: `h` dropped; seed 69's Go Mono Italic close-up, 1.027: `7` for `T`, `W` for `M`; their account IDs
#: and ODS codes 1.14-1.20).  Not for any value on its own: upright `7`s, `V`s and `W`s lean one way,
#: and asked of every value, 1.03 sheared and misread 24 right ODS codes, account IDs and keys of
#: upright letters over the samples and 41 seeds.  (3,360 blurred keys in 160 italic faces: 1,375
#: read right at 1.1, 2,030 at 1.03, 2,035 at any gain.)
SLANT_GAIN_ITALIC = 1.0
#: ... or where both figures' codes lean forward (SLANT_MIN or more), each this much peakier set
#: upright, though not SLANT_GAIN (``leans_italic``).  A key leaning so is read both ways (``_either_way``).
LEAN_GAIN = 1.03
#: ... measured on this many glyph-sized blobs at least, on a copy at most SLANT_PX high.
SLANT_GLYPHS = 4
SLANT_PX = 32
#: Real keys are 13-16 characters; a shorter one may have lost a part.
KEY_USUAL_MIN = 10
#: A value's ink ends at a gap this many line heights wide (a word space)...
WORD_GAP = 0.8
#: ... or, for a key OCR read short of KEY_USUAL_MIN, this wide: a key printed in groups (a
#: JetBrains Mono key's groups stand 0.92 line heights apart, and OCR read only the first two;
#: seed 141's Liberation Mono close-up, `BD5S mtr3 lm82 6C`, 1.7 from the `3` to the `l`'s foot,
#: and the key went out as `BD5Smtr3`, flagged with nothing pointed at).
KEY_GROUP_GAP = 2.0


@dataclass
class Reading:
    """One engine's reading of a value crop."""

    source: str
    text: str
    probs: list[float]
    alternatives: list[list[tuple[str, float]]] = field(default_factory=list)
    centers: list[float] = field(default_factory=list)  # each character's x in the crop, if known
    spaced: str = ""  # the recogniser's reading with the spaces it read between groups


def crop_value(page: np.ndarray, box: Box, scale: float, left_limit: float | None = None,
               run_gap: float = WORD_GAP, from_label: bool = False) -> np.ndarray:
    """Cut the value's line out of the full-resolution page with a small margin, carried on to
    the right while the ink does, up to a gap of ``run_gap`` line heights (OCR may have cut the
    word short, e.g. at a panel's edge), and begun no further left than ``left_limit`` (where the
    label before it on its line ends, in the box's pixels: a `Key: value` line's margin would
    otherwise hold the label's `ey:`), but not after letters standing a letter space before the
    first one (OCR's box may begin inside the word).  ``from_label``: every glyph between the
    label and the value, up to a word space apart, is the value's (OCR may have dropped one)."""
    box = _to_glyphs(page, box, scale)
    h = box.h / scale
    x1 = int(min(page.shape[1], box.x1 / scale + SIDE_MARGIN * h))
    y0 = int(max(0, box.y0 / scale - CROP_MARGIN * h))
    y1 = int(min(page.shape[0], box.y1 / scale + CROP_MARGIN * h))
    floor = 0
    if left_limit is not None:
        floor = _label_end(page, int(left_limit / scale) + 1, int(box.x0 / scale), y0, y1, h)
    x0 = max(floor, int(max(0, box.x0 / scale - SIDE_MARGIN * h)))
    x0 = max(floor, _glyph_cut_at(page, x0, y0, y1, h))  # (moving left for a cut glyph, not past the label)
    x0 = max(floor, _letters_run_back(page, x0, y0, y1, h, from_label))
    if left_limit is not None:
        x0 = _past_a_colon(page, x0, int(box.x0 / scale), y0, y1, h)
    x1 = _ink_runs_on(page, x0, x1, y0, y1, h, run_gap)
    y1 = _past_descenders(page, x0, x1, y0, y1, int(box.y1 / scale), h)
    return page[y0:y1, x0:x1]


#: How far from the crop's start, in line heights, the value's ink is followed at least: OCR may box
#: only the first characters of a 16-character key in a wide monospaced face as its word (seed 148's
#: Noto Mono photo: 1.23 line heights a character, 13 of its 16 within 16 line heights).
RUN_REACH = 22

#: How far below the crop a glyph's descender may be followed, in line heights, and how tall the
#: glyph may be at most (a `j` from its top to its tail; a photo's curled page edge beside a
#: close-up's key, a stroke twice as tall, is none).
DESCENDER_REACH, DESCENDER_GLYPH = 0.6, 1.2


def _past_descenders(page: np.ndarray, x0: int, x1: int, y0: int, y1: int, bottom: int, h: float) -> int:
    """Where the crop must end so as not to cut a descender off: OCR's word box may end at the
    baseline (seed 79's clean render, white type on a dark cell: `j` boxed without its tail,
    cropped so, read `i` by both readers).  A glyph-sized blob that begins in the line's own band
    (below the crop's top and well above OCR's bottom ``bottom``, so not the next line's tall
    letters reaching into the margin) and runs on past the crop's bottom is followed, up to
    ``DESCENDER_REACH``."""
    reach = int(min(page.shape[0], y1 + DESCENDER_REACH * h))
    if reach <= y1 or x1 - x0 < 2 or y1 - y0 < 4:
        return y1
    ink = _line_ink(page, y0, reach, x0, x1, (x0, x1))
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    top, hgt, wid = stats[1:, cv2.CC_STAT_TOP], stats[1:, cv2.CC_STAT_HEIGHT], stats[1:, cv2.CC_STAT_WIDTH]
    end = top + hgt
    tail = (top > 0) & (top < bottom - y0 - 0.3 * h) & (end > y1 - y0) & (wid <= h) & (hgt <= DESCENDER_GLYPH * h)
    if not tail.any():
        return y1
    return int(min(reach, y0 + int(end[tail].max()) + max(1, int(0.1 * h))))


#: A colon's dots are no taller or wider than this share of the line's glyphs, and stand one above
#: the other further apart than a dot is high.
COLON_DOT = 0.3


def _past_a_colon(page: np.ndarray, x0: int, word: int, y0: int, y1: int, h: float) -> int:
    """Where a crop begun at ``x0`` must start so as not to hold the label's colon and what stands
    before it: no code has a `:`, so a colon (two dots one above the other) before the value's
    first glyph (within a line height of ``word``, where OCR's box of the value begins) is the
    label's end, and the crop starts just after it.  A label read run into its value
    (`Key:t`, ``extract.unglued``) is cut by an estimate, which a value set larger and bolder than
    its label throws out (seed 63's close-up: the cut fell inside the `y` and the key was read
    `ytDkb...`)."""
    hi = int(min(page.shape[1], word + h))
    if hi - x0 < 4 or y1 - y0 < 4:
        return x0
    blobs = _line_blobs(page, y0, y1, x0, hi, (max(x0, word), hi))
    if blobs is None:
        return x0
    _, stats, glyph_h = blobs
    colons = _colon_ends(stats, glyph_h)
    end = x0 + max(colons) + 1 if colons else x0
    left, height = stats[:, cv2.CC_STAT_LEFT], stats[:, cv2.CC_STAT_HEIGHT]
    if end == x0 or not ((left > end - x0) & (height >= 0.5 * glyph_h)).any():
        return x0  # no colon, or nothing glyph-sized after it
    return end


def _colon_ends(stats: np.ndarray, glyph_h: float) -> list[int]:
    """Where each colon among a line's blobs (``_line_blobs``) ends: two dots (``COLON_DOT`` of
    the glyph height or less) one above the other."""
    left, top, width, height = (stats[:, k] for k in (cv2.CC_STAT_LEFT, cv2.CC_STAT_TOP, cv2.CC_STAT_WIDTH,
                                                      cv2.CC_STAT_HEIGHT))
    dot = np.flatnonzero((width <= COLON_DOT * glyph_h) & (height <= COLON_DOT * glyph_h) & (width >= 2) &
                         (height >= 2) & (left > 0) & (width <= 2.5 * height) & (height <= 2.5 * width))
    ends = []
    for a in dot.tolist():
        for b in dot.tolist():
            lap = min(left[a] + width[a], left[b] + width[b]) - max(left[a], left[b])
            gap = top[b] - top[a] - height[a]
            if max(height[a], height[b]) <= gap <= glyph_h and 2 * lap >= min(width[a], width[b]):
                ends.append(int(max(left[a] + width[a], left[b] + width[b])))
    return ends


def upright(crop: np.ndarray, least_gain: float = SLANT_GAIN) -> np.ndarray:
    """The value's line with an italic face's slant taken out (``set_upright``)."""
    return set_upright(crop, least_gain)[0]


class Lean(NamedTuple):
    """How a value's line leans: the shear that makes its ink's columns peakiest (``slant``), how
    much peakier than as cut (``gain``), and the shear taken out (``taken``, 0 where none)."""
    slant: float = 0.0
    gain: float = 1.0
    taken: float = 0.0


def leans_italic(leans: Sequence[Lean]) -> bool:
    """Whether a letter's face is italic, as its figures' codes (account ID and ODS code) read
    before its key lean: one was set upright, or both lean forward ``LEAN_GAIN`` peakier.  Blurred
    bold italics lean less clearly: seed 144's Pagella close-up `1XC0I961?ozlx`, its codes 6.6 and
    8.1 % peakier set upright and its key 5.5 %, was read as it leant, `1XC0Y967?oz/x`; its Fira
    Code scan `50Io3jPJX3qRnS` as `50o37P7X3gRnS`.  (Rendered upright, 210 pairs of figures' codes
    in ten faces never both leant so; 94 of 168 rendered italic did, 68 set upright alone.  Over the
    samples and 54 seeds, 3,505 pictures: eight keys changed, four wrong made right, two less wrong,
    none worse.)"""
    return any(lean.taken > 0 for lean in leans) or (
        len(leans) == 2 and all(lean.slant >= SLANT_MIN and lean.gain >= LEAN_GAIN for lean in leans))


def set_upright(crop: np.ndarray, least_gain: float = SLANT_GAIN) -> tuple[np.ndarray, Lean]:
    """The value's line with an italic face's slant taken out, and how it leans (``Lean``): the
    recogniser learned upright letters, and read an italic Roboto Condensed key as 15 doubtful
    characters of nonsense.  The slant is the shear that makes the ink's columns peakiest (upright
    strokes stack into narrow columns); only a clear one (``SLANT_MIN`` or more, and ``least_gain``
    peakier than as cut) is taken out, so upright print is left as it was.  Measured on a copy at
    most ``SLANT_PX`` high (a slant is the same at any size; a close-up's crop cost 3 ms at full
    size).  ``crop`` is grey, as ``crop_value`` cuts it from the grey page."""
    h, w = crop.shape[:2]
    if h < 12 or w < 2 * h:
        return crop, Lean()
    small = crop if h <= SLANT_PX else cv2.resize(crop, (max(1, round(w * SLANT_PX / h)), SLANT_PX),
                                                  interpolation=cv2.INTER_AREA)
    sh = small.shape[0]
    _, ink = cv2.threshold(small, 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    if ink.mean() > 0.5:
        ink = 1 - ink  # light type on a dark cell
    # The glyphs alone: a table's rules (as tall as the crop, or long) would hold it upright or,
    # in a slanted scan, lean it.
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    glyphs = 1 + np.flatnonzero((stats[1:, cv2.CC_STAT_HEIGHT] < 0.95 * sh) & (stats[1:, cv2.CC_STAT_WIDTH] < 1.5 * sh)
                                & (stats[1:, cv2.CC_STAT_HEIGHT] >= 0.2 * sh))
    if glyphs.size < SLANT_GLYPHS:
        return crop, Lean()
    ink = np.isin(labels, glyphs).astype(np.uint8)

    def peakiness(s: float) -> float:
        cols = _sheared(ink, s, cv2.INTER_NEAREST, cv2.BORDER_CONSTANT).sum(axis=0).astype(np.float64)
        return float((cols * cols).sum())

    slants = np.arange(0.0, SLANT_MAX + 1e-6, 0.05)  # italics lean forward, never back
    scores = [peakiness(float(s)) for s in slants]
    k = int(np.argmax(scores))
    lean = Lean(float(slants[k]), scores[k] / max(scores[0], 1.0))
    if slants[k] < SLANT_MIN or scores[k] < least_gain * scores[0]:
        return crop, lean
    return sheared_by(crop, lean.slant), lean._replace(taken=lean.slant)


def sheared_by(crop: np.ndarray, slant: float) -> np.ndarray:
    """``crop`` with a slant taken out (``set_upright``'s shear, once it is measured)."""
    return _sheared(crop, slant, cv2.INTER_LINEAR, cv2.BORDER_REPLICATE)


def _sheared(img: np.ndarray, s: float, interp: int, border: int) -> np.ndarray:
    ih, iw = img.shape[:2]
    pad = int(np.ceil(0.5 * SLANT_MAX * ih)) + 1
    m = np.float32([[1, s, pad - s * ih / 2], [0, 1, 0]])  # x' = x + s (y - h/2): the top moves left
    return cv2.warpAffine(img, m, (iw + 2 * pad, ih), flags=interp, borderMode=border)


def _line_ink(page: np.ndarray, y0: int, y1: int, xa: int, xb: int, word: tuple[int, int]) -> np.ndarray:
    """The ink (1s) of the page's band ``y0:y1`` from column ``xa`` to ``xb``, thresholded by Otsu:
    the darker class, or the lighter one where the OCR'd word (columns ``word``) is light print on
    a dark cell (white on NHS blue), so that its glyphs, not the cell, are the ink.  The ground is
    told by the word's margins above and below its line (in the word itself, heavy bold type can
    be half the pixels)."""
    band = page[y0:y1, xa:xb]
    t, ink = cv2.threshold(band, 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    own = page[y0:y1, max(0, word[0]):max(word[0] + 1, word[1])]
    k = max(1, own.shape[0] // 8)
    ground = np.concatenate([own[:k].ravel(), own[-k:].ravel()])
    return 1 - ink if ground.size and float(np.median(ground)) <= t else ink


def _glyph_cut_at(page: np.ndarray, x0: int, y0: int, y1: int, h: float) -> int:
    """Where the crop must start so that it does not cut its first glyph: OCR's word box may
    begin a character late (a clean render's key lost its first `z` so).  Only a glyph-sized
    blob crossing the crop's left edge, ending within a letter space of the word box (a narrow
    glyph in a monospaced face: nearer the box than the ink before it) with nothing between,
    moves it, to that blob's start less the usual margin (no further than the blank
    before it): a label's colon or a cell's rule beside the value never does, since neither is
    glyph-sized, nor the label's last letter, a word space away.  Any other glyph-sized blob the
    edge crosses moves it past that blob: a glyph cut in half reads as another, with confidence
    (a Lato `3` a letter space and a hair from a `1` OCR began its word at read as `1`)."""
    lo = int(max(0, x0 - 1.5 * h))
    if x0 - lo < 2 or y1 - y0 < 4:
        return x0
    reach = int(min(page.shape[1], x0 + 4 * h))
    blobs = _line_blobs(page, y0, y1, lo, reach, (x0, reach))
    if blobs is None:
        return x0
    ink, stats, glyph_h = blobs
    edge = x0 - lo
    left = stats[:, cv2.CC_STAT_LEFT]
    ends = left + stats[:, cv2.CC_STAT_WIDTH]
    # The blobs the edge crosses: not only at the line's middle, where it may pass through a `U`'s
    # open counter (a clean render's ODS code `U20121` was read `J20121`, sure, from its right half).
    crossing = np.flatnonzero((left < edge) & (ends > edge))
    start = after = edge
    word = edge + SIDE_MARGIN * h  # where OCR's word box began
    for k in crossing.tolist():
        bx, _, bw, bh, _ = stats[k]
        end = bx + bw
        if not 0.5 * glyph_h <= bh <= 1.5 * glyph_h or bx <= 0:
            continue
        # The value's own first glyph reaches to within a letter space of the word box, with
        # nothing between; the label's last letter ("Key:") stands a word space before it, and
        # often a colon between.
        between = (left >= end) & (ends <= word)
        before = ends[ends <= bx]
        gap, gap_before = word - end, bx - (int(before.max()) if before.size else 0)
        # A narrow glyph in a monospaced face (FreeMono's `I` after "Pass phrase:") stands
        # further from the next one than a letter space: its own, where it is nearer the
        # word than to the ink before it (the colon, a word space back).
        if (gap <= 0.3 * h or (gap <= MONO_LETTER_GAP * h and gap < gap_before)) and not between.any():
            start = min(start, int(bx))
        elif end < word:
            after = max(after, int(end))  # a glyph not the value's: the crop starts past it, never inside
    if start == edge:
        return lo + after if after > edge else x0
    return lo + _margin_before(ink, start, h)


def _margin_before(ink: np.ndarray, at: int, h: float) -> int:
    """Where a crop starts whose first glyph begins at column ``at`` of ``ink``: the usual side
    margin before it, but no further back than the blank columns before it reach."""
    cols = ink[:, :at].any(axis=0)
    blank = int(np.argmax(cols[::-1])) if cols.any() else at
    return at - min(int(SIDE_MARGIN * h), max(0, blank - 1))


#: Glyphs whose rows fill more than this share of OCR's box fill it: the box is kept.  0.55 before:
#: seed 136's inverted dark cell, its ragged top edge boxed with a key whose `q` and `/` took the
#: glyphs to 0.56 of the box, kept the edge in the crop and lost the key's first group.  Over the
#: samples and 46 seeds (3,001 pictures) 0.7 gave 2 more keys right and surer readings of 7 more
#: (the crop's margins follow the glyphs' height, not the box's); one tilted photo's key, wrong and
#: flagged either way, lost a character (seed 136's photo_018).
GLYPHS_FILL = 0.7


def _to_glyphs(page: np.ndarray, box: Box, scale: float) -> Box:
    """``box`` cut down to the rows its glyphs fill, where OCR's word box took in much more (seed
    26's photo_017: a key's box reached up into the noisy dark header above its row, three times
    the glyphs' height, and the crop, its margins and its gaps all followed that height).  Glyphs
    are blobs of the type's colour (dark, or light in a dark cell) of a sixth to half the box's
    height, no wider than twice their height, inside it (light type on a dark page is taken as
    boxed)."""
    x0, x1 = int(max(0, box.x0 / scale)), int(min(page.shape[1], box.x1 / scale))
    y0, y1 = int(max(0, box.y0 / scale)), int(min(page.shape[0], box.y1 / scale))
    bh = y1 - y0
    if bh < 12 or x1 - x0 < bh:
        return box
    region = page[y0:y1, x0:x1]
    t, ink = cv2.threshold(region, 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    if float(np.median(page[::8, ::8])) <= t:
        return box  # not dark print on light paper: light type on a dark page is left as boxed
    if float(np.median(region)) <= t:
        # Light type in a dark cell of a light page: its glyphs are the light blobs (seed 81's
        # photo, an ODS code boxed with the light rule under its cell: the crop held the rule,
        # and the recogniser read `T0a2s0` for `Q82801`).
        ink = (1 - ink).astype(np.uint8)
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    top, hgt, wid = stats[1:, cv2.CC_STAT_TOP], stats[1:, cv2.CC_STAT_HEIGHT], stats[1:, cv2.CC_STAT_WIDTH]
    glyph = (hgt >= bh / 6) & (hgt <= bh / 2) & (wid <= 2 * hgt) & (top > 0) & (top + hgt < bh)
    if glyph.sum() < 3 or ((wid <= 2 * hgt) & (hgt > bh / 2)).sum() >= 2:
        return box  # (glyphs taller than half the box: it is their line's, the small blobs are bits)
    # With the taller glyphs of the same line (a lower-case word's ascenders and descenders are no
    # more than half outside its x-height band): the whole line's rows.
    g0, g1 = top[glyph].min(), (top + hgt)[glyph].max()
    inside = np.minimum(top + hgt, g1) - np.maximum(top, g0)
    line = glyph | ((wid <= 2 * hgt) & (hgt < bh) & (2 * inside >= hgt))
    r0, r1 = int(top[line].min()), int((top + hgt)[line].max())
    if r1 - r0 > GLYPHS_FILL * bh:
        return box  # the glyphs fill the box (as they do, but where OCR boxed more)
    if ((wid >= 0.9 * (x1 - x0)) & (hgt >= bh - 1)).any():
        return box  # a dark ground the whole box long and high: light type's counters, not glyphs
    return Box(box.x0, (y0 + r0) * scale, box.x1, (y0 + r1) * scale)


def _line_blobs(page: np.ndarray, y0: int, y1: int, xa: int, xb: int,
                word: tuple[int, int]) -> tuple[np.ndarray, np.ndarray, float] | None:
    """The ink of the band ``y0:y1`` from ``xa`` to ``xb`` (``_line_ink``), its blobs' stats
    (connected components, the background's row dropped) and the line's glyph height (the median
    height of the blobs a third of the band high or more, the value's own where the columns
    ``word`` hold some: a label's lower-case letters before a value in capitals and figures are
    no measure of its glyphs, seed 80's `Passphrase: 1P4DA...`); None where there is no such blob."""
    ink = _line_ink(page, y0, y1, xa, xb, word)
    stats = cv2.connectedComponentsWithStats(ink, connectivity=8)[2][1:]
    left, right = stats[:, cv2.CC_STAT_LEFT], stats[:, cv2.CC_STAT_LEFT] + stats[:, cv2.CC_STAT_WIDTH]
    sized = stats[:, cv2.CC_STAT_HEIGHT] >= 0.3 * ink.shape[0]
    own = sized & (right > word[0] - xa) & (left < word[1] - xa)
    tall = stats[own if own.any() else sized, cv2.CC_STAT_HEIGHT]
    return (ink, stats, float(np.median(tall))) if tall.size else None


#: How far before the label's box's end its colon is looked for, in line heights (``_label_end``).
COLON_REACH = 2.0


def _label_end(page: np.ndarray, floor: int, word: int, y0: int, y1: int, h: float) -> int:
    """Where the label before a value really ends: OCR's box of the label may reach into the
    value's first glyph (seed 26's photo_006, `Code:C40420` set tight: the `C` cut in half and
    its ODS code read `Y40420`).  A glyph-sized blob the label's box ends inside and the value's
    box begins inside is the value's: the label ends before it.  The two boxes may meet (a pixel
    apart, or one in rounding): a label read run into its value is cut by an estimate
    (``extract.unglued``), which a value set larger than its label throws out (seed 85's scan:
    `number:0953596914`, the cut a few pixels inside the `0`, the account ID read `953596914`).
    And the label ends at its colon (within ``COLON_REACH`` line heights): a glyph after it that
    the label's box reaches over is the value's, even where OCR's box of the value begins past it
    (seed 123's FreeMono photo: the label's box ended inside the key's `0`, the value's began
    after it, and the half `0` left was read `J`)."""
    hi = int(min(page.shape[1], word + h))
    if not 0 < floor <= word + 1 or not word < hi or y1 - y0 < 4:
        return floor

    def glyphs_from(lo: int) -> tuple[np.ndarray, float, np.ndarray] | None:
        blobs = _line_blobs(page, y0, y1, lo, hi, (word, hi))
        if blobs is None:
            return None
        _, stats, glyph_h = blobs
        height = stats[:, cv2.CC_STAT_HEIGHT]
        return stats, glyph_h, (stats[:, cv2.CC_STAT_LEFT] > 0) & (height >= 0.5 * glyph_h) & (height <= 1.5 * glyph_h)

    lo = int(max(0, floor - h))
    if (found := glyphs_from(lo)) is None:
        return floor
    stats, _, glyph = found
    left = stats[:, cv2.CC_STAT_LEFT]
    cut = glyph & (left < floor - lo) & (left + stats[:, cv2.CC_STAT_WIDTH] > word - lo)
    if cut.any():
        return lo + int(left[cut].min()) - 1
    lo = int(max(0, floor - COLON_REACH * h))
    if (found := glyphs_from(lo)) is None:
        return floor
    stats, glyph_h, glyph = found
    left = stats[:, cv2.CC_STAT_LEFT]
    colons = [c for c in _colon_ends(stats, glyph_h) if c < floor - lo]
    if colons and (glyph & (left > max(colons)) & (left < floor - lo)).any():
        return lo + max(colons) + 1
    return floor


def _letters_run_back(page: np.ndarray, x0: int, y0: int, y1: int, h: float, from_label: bool = False) -> int:
    """Where the crop must start so that it holds the letters of the value's word before the
    first glyph it has: OCR's word box may begin inside a word (seed 26's scan_008, light type on
    a dark cell: boxed from its fourth letter, the key went out three letters short).  Each
    glyph-sized blob (or a key's `-`) ending within ``LETTER_SPACE`` line heights of the first
    glyph, with nothing between, is a letter of the same word, and so on leftwards; a word space,
    a colon, a rule or anything else ends the walk, so a label before the value never joins it.
    A glyph the crop's edge cuts alone is ``_glyph_cut_at``'s to judge (a label's last letter may
    be one).  ``from_label`` (the crop is bounded by the label's end): gaps up to a word space
    (``WORD_GAP``) are walked, and a glyph the edge cuts is taken whole."""
    lo = int(max(0, x0 - LETTERS_BACK * h))
    hi = int(min(page.shape[1], x0 + LETTERS_ON * h))
    if x0 - lo < 2 or hi <= x0 or y1 - y0 < 4:
        return x0
    blobs = _line_blobs(page, y0, y1, lo, hi, (x0, hi))
    if blobs is None:
        return x0
    ink, stats, glyph_h = blobs
    left, width, height = stats[:, cv2.CC_STAT_LEFT], stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]
    end = left + width
    gap = WORD_GAP if from_label else LETTER_SPACE
    glyph = (height >= 0.5 * glyph_h) & (height <= 1.5 * glyph_h) & (left > 0)
    # A key's `-` between two letters is one of its characters: a short bar across the middle.
    top = stats[:, cv2.CC_STAT_TOP]
    mid = np.median(top[glyph] + height[glyph] - 0.35 * glyph_h) if glyph.any() else 0.0
    dash = (width >= 1.5 * height) & (height <= 0.4 * glyph_h) & (np.abs(top + height / 2 - mid) <= 0.2 * glyph_h)
    edge = x0 - lo
    inside = np.flatnonzero(glyph & (end > edge))  # (the first may be cut by the crop's edge)
    if not inside.size:
        return x0
    at = first = int(left[inside].min())
    reach = max(gap * h, LETTER_SPACE_OF_WORD * _letter_gap(left[inside], end[inside]))
    # A colon is two dots, a rule is tall; one dot alone between two letters is the photo's noise
    # (or a bit of a glyph), as is a pixel.
    mark = stats[:, cv2.CC_STAT_AREA] > SPECK_AREA * glyph_h ** 2
    tall = height >= 0.3 * glyph_h
    # A letter stands on the value's line: half of it at least within the rows its glyphs fill (a
    # light corner of a dark cell's edge, glyph-sized but above the line, is none).
    line_top, line_bottom = float(np.median(top[inside])), float(np.median(top[inside] + height[inside]))
    on_line = np.minimum(top + height, line_bottom) - np.maximum(top, line_top) >= 0.5 * np.minimum(
        height, line_bottom - line_top)
    while True:
        near = np.flatnonzero((glyph | dash) & on_line & (left > 0) & (end <= at) & (end >= at - reach))
        if not near.size:
            break
        k = int(near[np.argmax(end[near])])
        between = mark & (left >= end[k]) & (left < at)
        if between.sum() >= 2 or (between & tall).any():
            break  # a colon, a rule, a glyph between: not one word
        at = int(left[k])
    if at == first and (at >= edge or not from_label):
        return x0  # no letter before the first (nor one cut to be taken whole)
    return min(x0, lo + _margin_before(ink, at, h))  # (only ever further left)


def _letter_gap(left: np.ndarray, end: np.ndarray) -> float:
    """The usual gap between the value's glyphs (blobs from ``left`` to ``end``; 0 with fewer than
    three): light type on a dark cell thins in a blurred photo, and its letters stand wider apart
    than ``LETTER_SPACE`` (seed 96's bold Pagella key, gaps 5-7 px at 17 px glyphs, lost its `LF`
    so)."""
    order = np.argsort(left)
    gaps = left[order][1:] - end[order][:-1]
    return float(np.median(np.maximum(gaps, 0))) if gaps.size >= 2 else 0.0


def _ink_runs_on(page: np.ndarray, x0: int, x1: int, y0: int, y1: int, h: float,
                 run_gap: float = WORD_GAP) -> int:
    """Where the value's ink really ends: the first gap of ``run_gap`` line heights to the right of
    ``x1`` (or a ruled line, or 8 glyph heights on, and at least ``RUN_REACH`` from the crop's start),
    keeping the usual margin after it."""
    reach = int(min(page.shape[1], max(x1 + 8 * h, x0 + RUN_REACH * h)))
    if reach <= x1 or y1 - y0 < 4 or x1 <= x0:
        return x1
    ink = _line_ink(page, y0, y1, x0, reach, (x0, x1))
    core = ink[int(0.2 * ink.shape[0]):max(int(0.2 * ink.shape[0]) + 1, int(0.8 * ink.shape[0]))]
    cols = core.sum(axis=0)
    inked = cols >= max(1, int(0.06 * core.shape[0]))
    # A rule (a cell's or box's side) runs through the line's middle and on into a margin above or
    # below it, where a letter's stem (a monospaced `M`'s, filling the middle) does not; leaning in
    # a tilted photo, it is a blob as tall as the crop that is thin (a glyph is not: a close-up's `7`
    # or `Q` may stand as tall as a crop cut to the lower-case words) or solid (the paper past a dark
    # cell's edge, its light type being the ink).
    m = max(1, int(0.6 * CROP_MARGIN / (1 + 2 * CROP_MARGIN) * ink.shape[0]))
    rule = (cols >= 0.9 * core.shape[0]) & (ink[:m].any(axis=0) | ink[-m:].any(axis=0))
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    bw, bh, area = stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT], stats[1:, cv2.CC_STAT_AREA]
    tall = 1 + np.flatnonzero((bh >= 0.9 * ink.shape[0]) & ((bw <= RULE_THIN * bh) | (area >= RULE_SOLID * bw * bh)))
    if tall.size:
        rule |= np.isin(labels, tall).any(axis=0)
    word_end = max(0, x1 - x0 - int(SIDE_MARGIN * h))  # where OCR's word box ended
    gap = max(2, int(run_gap * h))
    last_ink, blank, end = None, 0, x1
    for c in range(word_end, ink.shape[1]):
        if rule[c]:
            end = min(x1, x0 + c)  # the margin ends short of a rule: part of its stroke reads as a glyph
            break
        if inked[c]:
            last_ink, blank = c, 0
        else:
            blank += 1
            if blank >= gap:
                break
    if last_ink is None:
        return end
    return int(min(page.shape[1], max(x1, x0 + last_ink + 1 + SIDE_MARGIN * h)))


def _looks(crop: np.ndarray, first: bool = False) -> list[np.ndarray]:
    """Five looks at one value crop: as cut, with the light evened out, each of those with tighter
    top/bottom margins (a neighbouring line or a table rule at the edge matters less), and with
    looser ones.  On 1,200 held-out-font renders (tuning seeds) five looks read 995 keys exactly
    where three read 970 and seven 994.  ``first``: the crop as cut alone."""
    grey = crop if crop.ndim == 2 else cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    if first:
        return [grey]
    h = grey.shape[0]
    even = cv2.normalize(even_line_light(grey, 32), None, 0, 255, cv2.NORM_MINMAX)
    m = max(1, h // 10)
    inner = slice(m, -m) if h > 4 * m else slice(None)
    loose = cv2.copyMakeBorder(grey, h // 5, h // 5, 0, 0, cv2.BORDER_REPLICATE)
    return [grey, even, grey[inner], even[inner], loose]


def _to_reading(lr, source: str) -> Reading:  # noqa: ANN001
    chars = [c for c in lr.chars if c.char != " "]
    return Reading(
        source=source,
        text="".join(c.char for c in chars),
        probs=[float(c.prob) for c in chars],
        alternatives=[[(a, float(p)) for a, p in c.alternatives] for c in chars],
        centers=[0.5 * (c.x0 + c.x1) for c in chars],
        spaced=" ".join("".join(c.char for c in lr.chars).split()),
    )


def _from_recognizer(recognizer, crop: np.ndarray, hint: str | None = None) -> list[Reading]:  # noqa: ANN001
    """The recogniser's vote over several looks, character by character.  The most frequent text
    is the frame the looks are aligned to; at each of its characters every look that read one
    character there adds its posterior distribution (the character it read and its alternatives),
    and the character with the most summed posterior wins, with that sum over the looks as its
    posterior.  Taking the most frequent whole text instead kept a minority's character where the
    looks split character by character: on the pipeline's key crops of the samples and seeds
    1001-1003 a look-alike held at 0.46 against 0.95 averaged (186 -> 190 of 221 keys exact), and
    on held-out-font renders (``tools/vote_table.py``, 1,200 keys) 1018 -> 1030, none silently wrong.
    Between equally frequent texts, the one nearer ``hint`` (Tesseract's reading of the crop) is the
    frame: two looks with a `/` and two without, and Tesseract read the `/`."""
    return _vote_looks(_read_looks(recognizer, crop), hint)


def _read_looks(recognizer, crop: np.ndarray, which: str = "all") -> list[Reading]:  # noqa: ANN001
    """The recogniser's reading of each of ``_looks(crop)`` (``which``: "all", "first" or the
    "rest" after it; none when it cannot read the crop)."""
    if recognizer is None or crop.size == 0 or min(crop.shape[:2]) < 4:
        return []
    views = _looks(crop, first=which == "first")
    return [_to_reading(lr, "model") for lr in recognizer.read_batch(views[1:] if which == "rest" else views)]


def _vote_looks(reads: list[Reading], hint: str | None, frame: str | None = None) -> list[Reading]:
    """``_from_recognizer``'s vote over looks already read (``frame``: one look's text to align
    to, instead of the most frequent)."""
    if not reads:
        return []
    texts = [r.text for r in reads]
    if frame not in texts:
        frame = max(texts, key=lambda t: (texts.count(t), _likeness(t, hint), np.mean(reads[texts.index(t)].probs or [0])))
    mass: list[dict[str, float]] = [{} for _ in frame]
    for r in reads:
        sm = difflib.SequenceMatcher(a=frame, b=r.text, autojunk=False)
        for tag, i1, i2, j1, j2 in sm.get_opcodes():
            if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
                for k in range(i2 - i1):
                    m = mass[i1 + k]
                    m[r.text[j1 + k]] = m.get(r.text[j1 + k], 0.0) + r.probs[j1 + k]
                    for a, q in r.alternatives[j1 + k]:
                        m[a] = m.get(a, 0.0) + q
    chars, probs, alts = [], [], []
    for ch, m in zip(frame, mass):
        # Only a character some code may contain can win (the charset also has ':', '.', ...).
        best = max((a for a in m if a in KEY_CHARS), key=lambda a: m[a], default=ch)
        pick = best if m.get(best, 0.0) > m.get(ch, 0.0) else ch
        chars.append(pick)
        probs.append(float(m.get(pick, 0.0) / len(reads)))
        alts.append(sorted(((a, q / len(reads)) for a, q in m.items() if a != pick and q >= 0.01 * len(reads)),
                           key=lambda t: -t[1]))
    framed = reads[texts.index(frame)]
    voted = Reading(source="model", text="".join(chars), probs=probs, alternatives=alts, centers=framed.centers,
                    spaced=framed.spaced)
    # Looks that read a different length stay in as second opinions for the aligned vote.
    return [voted] + [Reading("model-look", r.text, r.probs) for r in reads if len(r.text) != len(frame)]


def _frame_by_glyphs(counts: Callable[[str], bool], looks: list[Reading], model: list[Reading],
                     hint: str | None) -> list[Reading]:
    """The vote again, aligned to a look that read one character more than the vote's frame, where
    the crop holds as many glyphs as that look read and not as many as the frame: most looks
    dropped a glyph the others saw (a key's first `/` in Liberation Sans Bold, read by two looks
    of five, was left out).  The glyph count is the shapes' evidence, not another vote.  Two readers
    at least must have read it (all but one character alike), two looks or a look and Tesseract
    (``hint``, its reading of the crop): one look's extra `s` before a Times `W` (a glyph count that
    a wide `W` can fool) made a right key wrong; seed 83's DejaVu Sans Mono close-up lost its last
    `X`, read by one look and by Tesseract.  ``counts(text)``: whether the crop holds as many glyphs
    as ``text`` has characters (``shapes.glyphs_as_many_as``, counted once a text)."""
    base = model[0].text
    texts = [r.text for r in looks]
    readers = texts + (["".join(hint.split())] if hint else [])

    def alike(u: str, t: str) -> bool:
        """All but one character of ``u`` and ``t`` alike, place by place."""
        return len(u) == len(t) and sum(a != b for a, b in zip(u, t)) <= 1

    def extra_at(t: str) -> int | None:
        """Where ``t`` has its one character more than the base (all but one of the rest alike)."""
        return next((i for i in range(len(t)) if alike(t[:i] + t[i + 1:], base)), None)

    def pieced_symbol(t: str, i: int) -> bool:
        """A symbol read twice: a `*` drawn in pieces (seed 84's clean Go Mono `*`, its arms apart)
        counts as two glyphs, so the count vouches for nothing there."""
        return not t[i].isalnum() and t[i] in t[max(0, i - 1):i] + t[i + 1:i + 2]

    longer = [t for t in dict.fromkeys(texts) if len(t) == len(base) + 1 and sum(alike(u, t) for u in readers) >= 2
              and (i := extra_at(t)) is not None and not pieced_symbol(t, i)]
    if not longer or counts(base):
        return model
    for text in longer:
        if counts(text):
            return _vote_looks(looks, hint, frame=text)
    return model


def _frame_by_groups(printed: str | None, looks: list[Reading], model: list[Reading],
                     hint: str | None) -> list[Reading]:
    """The vote again, aligned to the looks that read the key as long as OCR's page reading of its
    printed groups shows it (``_printed_length``), where two looks at least did and the vote's frame
    is another length: the groups are the page's evidence of the length, as the glyph count is the
    crop's (seed 138's FreeSans photo: `tM-q s5Lz AaEW Oql` on the page, two looks of five reading
    the `-` and two not, and the vote dropped it)."""
    length = _printed_length(printed)
    if length is None or not model or len(model[0].text) == length:
        return model
    texts = [r.text for r in looks if len(r.text) == length]
    if len(texts) < 2:
        return model
    return _vote_looks(looks, hint, frame=max(texts, key=texts.count))


def _likeness(text: str, hint: str | None) -> float:
    """How well ``text`` lines up with ``hint``: difflib's ratio (twice the characters alike over
    both lengths) with a character read differently in the same place (a one-for-one
    substitution) counted a half on each side.  The plain ratio counts the substitution as nothing
    and so prefers the shorter of two looks: seed 56's `zPgh!KjAS8n?kX4` against `zPghKjAS8n?kX4`,
    two looks each, Tesseract reading `2PghiKjAS8n7kX4`, its `i` where the `!` stands.  (Over the
    longer's length alone, a short garbled hint preferred the look that dropped a `B`: seed 54.)"""
    if not hint:
        return 0.0
    hint = "".join(hint.split())
    score = 0
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=text, b=hint, autojunk=False).get_opcodes():
        score += 2 * (i2 - i1) if tag == "equal" else min(i2 - i1, j2 - j1) if tag == "replace" else 0
    return score / max(len(text) + len(hint), 1)


def _from_tesseract(engine: OcrEngine, crop: np.ndarray, fname: str) -> Reading | None:
    if crop.size == 0:
        return None
    lt = engine.line(line_for_ocr(crop), whitelist=WHITELIST[fname])
    syms = [s for s in lt.symbols if s.char.strip()]
    if syms:
        text = "".join(s.char for s in syms)
        probs = [s.conf for s in syms]
        alts = [[(c, p) for c, p in s.choices if c and c != s.char] for s in syms]
    else:
        text = "".join(lt.text.split())
        probs = [lt.conf / 100.0] * len(text)
        alts = [[] for _ in text]
    return Reading(source="tesseract", text=text, probs=probs, alternatives=alts)


def _validated(fname: str, text: str):  # noqa: ANN202
    if fname == "ods_code":
        return check_ods(text)
    if fname == "account_id":
        return check_account(text)
    return check_key(text)


def _as_code(fname: str, text: str) -> str | None:
    """Another reading's text as the vote compares it: spaces removed and, for the ODS code and
    account ID, through the same format check and repair as the value (None when it fails)."""
    joined = "".join(text.split())
    return joined if fname == "linkage_key" else _validated(fname, joined).value


def _as_text(fname: str, reading: Reading) -> str:
    """A reading's text as the vote aligns it with the value: the code it reads as, or else its
    text without spaces."""
    return _as_code(fname, reading.text) or "".join(reading.text.split())


def _disagreements(fname: str, value: str, probs: list[float], primary: Reading,
                   others: list[Reading], counted: Callable[[], bool] | None = None) -> tuple[set[int], dict[int, list[str]], set[int]]:
    """Where other readings differ from the value: the indices, what they read there (same-length
    replacements give a character, an extra character a two-character option), and the
    characters beside which another reading has an extra character (one perhaps dropped).  Where
    ``counted()`` (the crop's glyphs as many as the recogniser's characters: it dropped none; asked
    only at such an extra character) an extra character other than the one beside it is that
    glyph's other reading instead - unless two readings have it: two touching glyphs count as one
    (seed 29's close-up: Lato's `AJ` touched, the vote dropped the `J` that Tesseract and two of the
    recogniser's five looks read, and the key went out a character short with nothing flagged)."""
    where: set[int] = set()
    gaps: set[int] = set()
    said: dict[int, list[str]] = {}
    texts = [_as_text(fname, other) for other in others]
    aligned = [(t, difflib.SequenceMatcher(a=value, b=t, autojunk=False).get_opcodes()) for t in texts]
    inserts: dict[tuple[int, str], int] = {}
    for other_text, ops in aligned:
        for tag, i1, _, j1, j2 in ops:
            if tag == "insert":
                inserts[(i1, other_text[j1:j2])] = inserts.get((i1, other_text[j1:j2]), 0) + 1
    for other_text, ops in aligned:
        for tag, i1, i2, j1, j2 in ops:
            if tag == "equal":
                continue
            if tag == "insert":
                extra = other_text[j1:j2]
                if fname == "ods_code" or any(c not in WHITELIST[fname] for c in extra):
                    continue  # an ODS code's length is fixed; a symbol no code contains is a misread
                if not value or _doubled_glyph(value, probs, i1, extra, primary.source):
                    continue
                if counted is not None and not any(0 <= n < len(value) and value[n] in extra for n in (i1 - 1, i1)) \
                        and inserts[(i1, extra)] < 2 and counted():
                    # No glyph is left for the extra character: it is another reading of a glyph beside
                    # it ('0' read 'O0', 'S' read 'S5').  A neighbour the recogniser is sure of keeps its
                    # reading; one it is not sure of is in doubt, the extra character its other reading.
                    # (The same character again may still be a double one read once, its two glyphs
                    # touching: an account ID's `66` read `6` on a clean render.)
                    for n in (i1 - 1, i1):
                        if 0 <= n < len(value) and probs[n] < MODEL_SURE and len(extra) == 1 and extra != value[n]:
                            where.add(n)
                            said.setdefault(n, []).append(extra)
                    continue
                if i1 in (0, len(value)) and _a_rule_read(extra):
                    continue  # a table rule or the label's dash at the crop's edge, read as a character
                # Perhaps a character the recogniser dropped: the neighbours are in doubt (offered
                # with it; more than two extra characters are another reading run on into the next
                # text, "5" or "50030191" no option for a person to weigh).
                for i in {max(0, i1 - 1), min(i1, len(value) - 1)}:
                    where.add(i)
                    gaps.add(i)
                    if len(extra) <= 2:
                        said.setdefault(i, []).append(value[i] + extra if i < i1 else extra + value[i])
            elif tag == "replace" and i2 - i1 == j2 - j1:
                for k in range(i2 - i1):
                    where.add(i1 + k)
                    said.setdefault(i1 + k, []).append(other_text[j1 + k])
            else:
                where.update(range(i1, i2))
                if j2 - j1 > i2 - i1 and all(c in WHITELIST[fname] for c in other_text[j1:j2]):
                    gaps.update(range(i1, min(i2 + 1, len(value))))  # longer there ('4j' read 'djj'): a character may be missing
    return where, said, gaps


def _past_a_colon_read(fname: str, reading: Reading) -> Reading:
    """An ODS code's or account ID's reading with its label's end before a colon (the crop began
    inside the label: seed 125's photo, `iDnumber:317068`): the part after the colon, when that
    alone is a valid code.  Neither code has a colon; a key's reading stays whole."""
    text = reading.text
    if fname == "linkage_key" or ":" not in text:
        return reading
    cut = text.rindex(":") + 1
    if not text[cut:].strip() or not _validated(fname, text[cut:].strip()).valid:
        return reading

    n = len(text)
    return replace(reading, text=text[cut:],
                   probs=reading.probs[cut:] if len(reading.probs) == n else reading.probs,
                   alternatives=reading.alternatives[cut:] if len(reading.alternatives) == n else reading.alternatives,
                   centers=reading.centers[cut:] if len(reading.centers) == n else reading.centers,
                   spaced=reading.spaced.rsplit(":", 1)[-1].strip())


def vote(fname: FieldName, readings: list[Reading], shapes: dict[int, Verdict] | None = None,
         counted: Callable[[], bool] | None = None) -> CodeField:
    """Combine readings of one value into a field with per-character certainty.

    Each character's chance of being wrong comes from a table measured on fresh renders in
    fonts the recogniser never saw (``_char_error``): its posterior, and whether Tesseract's
    own reading of the same crop agrees there.  A character whose chance is
    ``CHAR_FLAG`` or more goes into ``uncertain``; the field's confidence is the chance that
    every character is right, and below ``FIELD_REVIEW`` the field needs review.  ``shapes``
    (index -> verdict, for the primary reading's text) are what the glyphs' shapes rule out
    (``shapes.look_alikes``: case twins, `l`/`I`, `0`/`O`): ``_settle_by_shape`` applies them.
    ``counted()``: whether the value crop holds as many glyphs as the recogniser read characters
    (``shapes.glyphs_as_many_as``), asked only where another reading has an extra character.
    """
    readings = [_past_a_colon_read(fname, r) for r in readings]
    valid = []
    for r in readings:
        chk = _validated(fname, r.text)
        if chk.valid and chk.value is not None:
            valid.append((r, chk))
    stitched: list[tuple[int, list[str]]] = []
    if not valid:
        found = _stitched(fname, readings)
        if found is None:
            return CodeField(value=None, confidence=0.0, needs_review=True)
        first, chk, stitched = found
        valid = [(first, chk)]
    # The model is the primary reader when present; Tesseract otherwise.
    primary, pchk = valid[0]
    value = pchk.value or ""
    rest = [r for r in readings if r is not primary]
    page_texts = ["".join(r.text.split()) for r in rest if r.source == "page"]
    # Tesseract's reading of the value crop is the second opinion; its page reading (same
    # engine, worse crop) only when there is no crop reading.
    others = [r for r in rest if r.source != "page"] if any(r.source == "tesseract" for r in rest) else rest
    # Per-character posterior of the primary reading (same length unless repaired by removing spaces).
    probs = primary.probs if len(primary.probs) == len(value) else [min(primary.probs or [0.0])] * len(value)
    alts = [list(a) for a in primary.alternatives] if len(primary.alternatives) == len(value) else [[] for _ in value]
    value, repaired = _repair_from_evidence(fname, value, pchk.repaired, alts, others)
    repaired += stitched
    uncertain: dict[int, UncertainChar] = {}
    for idx, options in repaired:
        uncertain[idx] = UncertainChar(index=idx, alternatives=list(dict.fromkeys(options)), reason="changed to fit the code's format")
    if primary.source == "model" and len(probs) == len(value):
        value, taken = _as_tesseract_read_it_twice(fname, value, probs, rest)
        for idx, options in taken:
            uncertain[idx] = UncertainChar(index=idx, alternatives=options, reason="readings disagree")
    by_model = primary.source == "model" and len(primary.text) == len(value)
    disagree, said, gaps = _disagreements(fname, value, probs, primary, others, counted if by_model else None)
    if fname == "linkage_key" and primary.source == "model":
        for i, extra in _page_reads_past_the_ends(value, [r for r in rest if r.source == "page"]):
            gaps.add(i)
            said.setdefault(i, []).append(extra)
    # Where another reader of the crop read every character as the recogniser did (same length), its
    # agreement at each place, for a shape verdict that would overturn both (``_settle_by_shape``).
    crop_reads = [t for t in (_as_text(fname, o) for o in others if o.source != "page") if len(t) == len(value)]
    agreed = {i for i, ch in enumerate(value) if crop_reads and all(t[i] == ch for t in crop_reads)}
    value, settled = _settle_by_shape(value, probs, alts, primary, shapes, said, disagree, agreed)
    apart = _figures_read_apart(fname, value, others) or _figure_for_letter(fname, value, others)
    errors: list[float] = []
    for i, ch in enumerate(value):
        # Tesseract's agreeing on an `I` or `l`, an `O` or `0`, is little evidence: many faces draw
        # the two alike and its prior pulls both one way (seed 44's TeX Gyre Heros `Rl0s`: the
        # recogniser 0.82 sure of `I`, Tesseract agreeing, no shape to tell them apart, the key
        # unflagged).
        alike = fname == "linkage_key" and probs[i] < AGREEMENT_WEAK.get(ch, 0.0)
        e = settled.get(i, _char_error(probs[i], primary.source, i in disagree or alike))
        if i in gaps and primary.source == "model":
            e = max(e, GAP_ERROR / 2)  # the gap's chance shared by the characters either side
        if primary.source != "model" and _confusable(fname, i, ch):
            e = max(e, 0.4)  # Tesseract alone cannot tell look-alikes apart in these fonts
        if i in apart:
            e = max(e, CHAR_FLAG)
        if e >= CHAR_FLAG and i not in uncertain:
            cands = [ch] + [a for a, q in sorted(alts[i], key=lambda t: -t[1]) if q >= 0.02 and a != ch]
            cands += said.get(i, []) + apart.get(i, [])
            if len(cands) == 1 and _confusable(fname, i, ch):
                cands += _look_alikes(ch)
            cands = [ch] + [a for a in cands[1:] if _allowed(fname, value, i, a)]
            if len(cands) == 1 and fname != "linkage_key" and i not in disagree:
                e = min(e, 0.02)  # the format rules out every other reading of this character
            else:
                uncertain[i] = UncertainChar(
                    index=i, alternatives=list(dict.fromkeys(cands))[:4],
                    reason="readings disagree" if i in disagree else "hard to read")
        errors.append(e)
    conf = float(np.prod([1.0 - e for e in errors])) if errors else 0.0
    conf = max(0.0, min(1.0, conf * (0.9 if pchk.repaired else 1.0)))
    if uncertain:
        conf = min(conf, 0.75)
    needs_review = bool(uncertain) or conf < FIELD_REVIEW
    if needs_review and fname == "linkage_key":
        # Many slightly unsure characters add up: point the person at the least sure ones, until
        # the characters left unflagged are together as likely right as a field needing no review.
        rest = sorted((i for i in range(len(value)) if i not in uncertain), key=lambda k: -errors[k])
        for n, i in enumerate(rest[:3]):
            if float(np.prod([1.0 - errors[k] for k in rest[n:]])) >= FIELD_REVIEW or \
                    errors[i] <= _char_error(1.0, primary.source, False):
                break
            cands = [value[i]] + [a for a, q in sorted(alts[i], key=lambda t: -t[1]) if _allowed(fname, value, i, a)]
            uncertain[i] = UncertainChar(index=i, alternatives=list(dict.fromkeys(cands))[:4], reason="less sure")
    if fname == "linkage_key":
        # The same look-alike twice in a row ('00' read 'OO') is one glyph drawn twice: a doubt
        # about one is a doubt about the other, however sure the reading of the second.
        for i in sorted(uncertain):
            for step in (-1, 1):
                j = i + step
                while 0 <= j < len(value) and value[j] == value[i] and value[j] in CONFUSABLE and j not in uncertain:
                    uncertain[j] = UncertainChar(index=j, alternatives=uncertain[i].alternatives,
                                                 reason="the same glyph as a doubtful neighbour")
                    j += step
    doubts = len(uncertain)  # the places doubted in their own right (and their twins in a row)
    if fname == "linkage_key":
        # Not counted as more doubts below: one doubt about a face is not a poor picture.
        uncertain.update(_shared_doubts(value, uncertain, shapes))
        if needs_review:
            uncertain.update(_read_apart(value, said, disagree, uncertain, set(settled), errors, page_texts))
    if fname == "linkage_key" and doubts >= POOR_READ_SHARE * len(value):
        # So many doubts mean a poor picture of the key: its look-alike characters read with
        # confidence are no safer than the rest, and flagging them costs nothing more (the key is
        # for review already).
        every = doubts >= UNREAD_SHARE * len(value)  # most of it in doubt: a sure character is no safer
        for i, ch in enumerate(value):
            if i not in uncertain and (every or _confusable(fname, i, ch)):
                uncertain[i] = UncertainChar(index=i, alternatives=[ch] + _look_alikes(ch)[:3], reason="hard to read")
    if needs_review and fname != "linkage_key":
        # An ODS code or account ID in doubt already: where any other reading, the page's too, a
        # valid code of the same length, has another character, that one is pointed at too (seed
        # 43's clean Adventor render: `579732`, its thin `7`s read `1` by both readers of the crop,
        # `7` on the page; the field went to review for another figure, the wrong ones unnamed;
        # seed 43's Open Sans close-up: `W73712` read `N13112`, the page's `W` unnamed).  Not on a
        # code otherwise sure: on seeds 42-44 that flagged 7 right codes of 189 letters, where
        # the page's or the crop's Tesseract reading of a photo had another figure or letter.
        for i, seen in _figures_read_apart(fname, value, rest, letters=True).items():
            uncertain.setdefault(i, UncertainChar(index=i, alternatives=list(dict.fromkeys([value[i], *seen])),
                                                  reason="readings disagree"))
            conf = min(conf, 0.75)
    if fname == "linkage_key" and len(value) < KEY_USUAL_MIN:
        needs_review, conf = True, min(conf, 0.5)  # unusually short: part of it may be missing
    if fname == "account_id" and (whole := _longer_on_the_page(value, [r for r in readings if r.source == "page"])):
        value, uncertain = _with_the_pages_figures(value, uncertain, *whole)
        needs_review, conf = True, min(conf, 0.5)
    return CodeField(value=value, confidence=round(conf, 4), needs_review=needs_review,
                     uncertain=sorted(uncertain.values(), key=lambda u: u.index))


#: OCR's page reading of an account ID may have this many figures more at an end than its crop's.
ACCOUNT_PAGE_EXTRA = 2


def _longer_on_the_page(value: str, pages: list[Reading]) -> tuple[str, int] | None:
    """OCR's page reading of an account ID, valid, that holds the crop's reading ``value`` at its
    start or end and has one to ``ACCOUNT_PAGE_EXTRA`` figures more; and how many of them come
    before ``value``.  The crop may have lost its first glyph to the label: seed 110's FreeMono
    close-up, `ID:6833066675` read as one word, split by an estimate inside the `D`, the label's
    end found after the `6`; both readers of the crop read `833066675`, sure, and it went out
    unflagged.  None where no page reading is so."""
    for page in pages:
        text = "".join(page.text.split())
        extra = len(text) - len(value)
        if not value or not text.isdigit() or not 1 <= extra <= ACCOUNT_PAGE_EXTRA or not check_account(text).valid:
            continue
        if text.endswith(value):
            return text, extra
        if text.startswith(value):
            return text, 0
    return None


def _with_the_pages_figures(value: str, uncertain: dict[int, UncertainChar], longer: str,
                            before: int) -> tuple[str, dict[int, UncertainChar]]:
    """An account ID whose crop lost figures at an end that OCR's page reading ``longer`` has
    (``_longer_on_the_page``: ``before`` of them before ``value``): the page's, those figures pointed
    at.  Unless they are all `1`s, as a cell's edge or a rule beside the value reads (seed 107's
    photo: `402331581` in a navy cell read `1402331581` on the page): then the crop's value stays,
    its end pointed at with the page's reading."""
    after = len(longer) - len(value) - before
    extra = longer[:before] + longer[len(longer) - after:]
    if set(extra) == {"1"}:
        end = 0 if before else len(value) - 1
        joined = extra + value[end] if before else value[end] + extra
        uncertain.setdefault(end, UncertainChar(index=end, alternatives=[value[end], joined],
                                                reason="read on the page with another figure beside it"))
        return value, uncertain
    shifted = {i + before: u.model_copy(update={"index": i + before}) for i, u in uncertain.items()}
    for i in (*range(before), *range(len(longer) - after, len(longer))):
        shifted[i] = UncertainChar(index=i, alternatives=[longer[i]],
                                   reason="read on the page but not in the value's own crop: check it is there")
    return longer, shifted


def _shared_doubts(value: str, uncertain: dict[int, UncertainChar],
                   shapes: dict[int, Verdict] | None) -> dict[int, UncertainChar]:
    """The key's places not yet in doubt that share a doubt between a character and its look-alike,
    being read as the same character: the doubt is about how the face draws the two (seed 92's Lato
    photo: both zeros read `O`, the second flagged, the first not; seed 76's Schola photo: its `O`
    read `0`, unflagged, where another `0` of the key was doubted).  A place whose own shape verdict
    rules out every look-alike in doubt keeps its verdict."""
    shared: dict[int, UncertainChar] = {}
    for i in sorted(uncertain):
        doubted = set(uncertain[i].alternatives) & set(_look_alikes(value[i]))
        if value[i] not in CONFUSABLE or not doubted:
            continue
        for j, ch in enumerate(value):
            if ch != value[i] or j in uncertain or j in shared:
                continue
            own = (shapes or {}).get(j)
            if own is not None and own.char == ch and doubted <= set(own.rules_out):
                continue
            shared[j] = UncertainChar(index=j, alternatives=uncertain[i].alternatives,
                                      reason="the same glyph as a doubtful one")
    return shared


#: In a key going to review anyway, a look-alike another reader saw is pointed at from this chance of
#: error (half the flag's) ...
LOOK_ALIKE_FLAG = 0.015


def _read_apart(value: str, said: dict[int, list[str]], disagree: set[int], uncertain: dict[int, UncertainChar],
                settled: set[int], errors: list[float], pages: list[str]) -> dict[int, UncertainChar]:
    """In a key going to review anyway, the places not in doubt (nor settled by a shape verdict)
    that another reading puts in doubt, pointing at them costing the person a glance:

    - another reading of the crop has the character's look-alike (`O` for `0`, `I` for `l`), and
      the character is at least ``LOOK_ALIKE_FLAG`` likely wrong (seed 76's Schola photo: its last
      `O` read `0`, 0.98 sure, Tesseract's `O` counted 2 % likely, under the flag's 3 %).  The floor
      leaves out what the recogniser read 0.99 sure or more (``_ERROR_TABLE``: over the samples and
      15 independent seeds, 993 letters with codes, with no floor 76 more characters of right keys
      were pointed at, with it 29, and the same one wrong character);
    - or Tesseract read the crop and the page (``pages``) alike, as a character of another shape,
      however sure the recogniser (seed 119's Go Mono close-up: its `A` read `4`, 0.99 sure, the
      crop and the page read `A`).  Look-alikes Tesseract reads alike both times: only the first
      rule points at them."""
    out: dict[int, UncertainChar] = {}
    for i in sorted(disagree - set(uncertain) - settled):
        if i >= len(value):
            continue
        alike = _look_alikes(value[i])
        twins = [c for c in said.get(i, []) if c in alike] \
            if value[i] in CONFUSABLE and errors[i] >= LOOK_ALIKE_FLAG else []
        both = [c for c in said.get(i, []) if len(c) == 1 and c not in alike and c != value[i]
                and any(len(p) == len(value) and p[i] == c for p in pages)]
        if twins or both:
            out[i] = UncertainChar(index=i, alternatives=list(dict.fromkeys([value[i], *(twins or both)])),
                                   reason="readings disagree")
    return out


#: OCR's page reading may have this many characters more at an end of a key than its crop's readings.
PAGE_EXTRA_AT_END = 3


def _fold(text: str) -> str:
    """A key's text with the differences readers make of one glyph folded away (case, `0`/`O`,
    `1`/`l`/`I`), to align readings by their glyphs."""
    return text.lower().translate(str.maketrans("oil|", "0111"))


def _page_reads_past_the_ends(value: str, pages: list[Reading]) -> list[tuple[int, str]]:
    """Where OCR's page reading of a key has one to ``PAGE_EXTRA_AT_END`` characters more before
    its first or after its last: the end character's index, and the page's characters with it.
    The crop may have lost glyphs there that OCR's page reading saw (seed 46's close-up: the
    label's word box reached over `ml`, the crop began after them, and every reading of the crop
    agreed on `OiPVsvUO0ZrS`, which went out unflagged; the page read `MLOIPVsvUOOZrs`)."""
    out: list[tuple[int, str]] = []
    for page in pages:
        text = "".join(page.text.split())
        if not value or len(text) <= len(value):
            continue
        ops = difflib.SequenceMatcher(a=_fold(value), b=_fold(text), autojunk=False).get_opcodes()
        for tag, i1, _, j1, j2 in (ops[0], ops[-1]):
            extra = text[j1:j2]
            end = value[0] if i1 == 0 else value[-1]
            # Not a rule or the label's dash beside the value, nor Tesseract's second reading of the end
            # glyph (`Uu` for `u`: the samples' scan_011; `Pp` for `p` on seed 44's photo_018, whose
            # crop read again took it for two).
            if tag == "insert" and 0 < len(extra) <= PAGE_EXTRA_AT_END and all(c in KEY_CHARS for c in extra) \
                    and not _a_rule_read(extra) and not _another_reading_of(extra, end):
                out.append((0, extra + end) if i1 == 0 else (len(value) - 1, end + extra))
    return out


def _figures_read_apart(fname: str, value: str, others: list[Reading], letters: bool = False) -> dict[int, list[str]]:
    """Where another reading of an ODS code or account ID, itself a valid code of the same length,
    has another figure in a figure's place: by index, what it has there.  The error table was
    measured on keys; on a Century Schoolbook `7` the recogniser read `1`, 0.99 sure, where
    Tesseract (whose figures are its strength) read `7`, and the ODS code went out unflagged.  One
    check of a figure costs less than a record that will not link; a reading that fails the format
    says nothing of one figure - unless only its letter's place fails (seed 29's close-up: a bold
    Times `H87929` read `H81929` by the recogniser, `187929` by Tesseract; the `7` went unflagged).
    (Letters too, and the page's reading as well: on the samples and seeds 1001, 19-21, one wrong
    ODS code's letter more flagged, and 7 right codes; so only to point within a field in doubt
    already, ``letters=True`` with every reading.)"""
    if fname == "linkage_key":
        return {}
    apart: dict[int, list[str]] = {}
    for other in others:
        code = _as_code(fname, other.text)
        if code is None and fname == "ods_code":
            raw = "".join(other.text.split())
            if len(raw) == len(value) and all(r.isdigit() for r, c in zip(raw, value) if c.isdigit()):
                code = raw  # only the letter's place fails the format: the figures still speak
        if code and len(code) == len(value):
            for i, (a, b) in enumerate(zip(value, code)):
                if a != b and (a.isdigit() and b.isdigit() or letters and a.isalpha() and b.isalpha()):
                    apart.setdefault(i, []).append(b)
    return apart


#: Tesseract this sure of a figure where the recogniser read its look-alike letter in a key puts the
#: character in doubt (``_figure_for_letter``).
TESSERACT_SURE = 0.9


def _figure_for_letter(fname: str, value: str, others: list[Reading]) -> dict[int, list[str]]:
    """Where Tesseract's reading of a key's crop, as long as the value, has, ``TESSERACT_SURE`` or
    more sure, a figure in place of the recogniser's look-alike letter (`5` for `S`, `8` for `B`, `2`
    for `Z`, `6` for `G`): by index, what it has there.  The error table says the recogniser's reading
    stands, 0.97 sure or more, where Tesseract disagrees; on seed 89's photo (a bold Nimbus Roman
    key, blurred) it read both `5`s of `nXDKt54j65mMR` as `S`, 0.98 and 0.99 sure, Tesseract `5`,
    0.98 and 0.95 sure, and the key went out wrong, unflagged.  Only that way round (figures are
    Tesseract's strength: over the samples and 22 seeds its sure `S` for a `5` the recogniser read
    right came twice), and not `0` or `1` for `o`, `O`, `l` or `I` (Tesseract's `0` for a key's last
    `o`, five right keys; those twins have checks of their own, ``AGREEMENT_WEAK`` and the shapes)."""
    if fname != "linkage_key":
        return {}
    apart: dict[int, list[str]] = {}
    for other in others:
        if other.source != "tesseract" or len(other.text) != len(value) or len(other.probs) != len(value):
            continue
        for i, (a, b) in enumerate(zip(value, other.text)):
            if a.isalpha() and b.isdigit() and b in _look_alikes(a) and b not in "01" and other.probs[i] >= TESSERACT_SURE:
                apart.setdefault(i, []).append(b)
    return apart


def _stitched(fname: str, readings: list[Reading]) -> tuple[Reading, Checked, list[tuple[int, list[str]]]] | None:
    """No reading fits the ODS code's or account ID's format.  Where the first reading misses it by
    one character the format rules out, and another reading has, aligned in its place, a character
    that makes it fit, that character stands there, reported as changed to fit the format: the
    recogniser's `133459` and the page's `Nu33459` give `N33459`, `N` (or `U`) to check.  Only one
    character, only where another reading puts it, and one for one in an account ID (whose length
    is not fixed): a value two changes away stays not found."""
    if fname == "linkage_key" or not readings or readings[0].source == "page":
        return None
    first = readings[0]
    text = "".join(first.text.split())
    options: dict[tuple[int, str], Checked] = {}
    for other in readings[1:]:
        theirs = "".join(other.text.split())
        sm = difflib.SequenceMatcher(a=text, b=theirs, autojunk=False)
        for tag, i1, i2, j1, j2 in sm.get_opcodes():
            if tag != "replace" or i2 - i1 != 1 or j2 - j1 > (2 if fname == "ods_code" else 1):
                continue  # one for two only where the length is fixed: an account ID may have lost a figure
            for ch in theirs[j1:j2]:
                chk = _validated(fname, text[:i1] + ch + text[i2:])
                if chk.valid and chk.value is not None and not any(k == i1 for k, _ in chk.repaired):
                    options.setdefault((i1, chk.value[i1]), chk)
    if not options or len({i for i, _ in options}) > 1:
        return None  # no fit, or fits at two places: no telling which character was misread
    (i, ch), chk = next(iter(options.items()))
    others = [c for (_, c) in options if c != ch]
    probs = list(first.probs) if len(first.probs) == len(text) else [0.5] * len(text)
    probs[i] = min(probs[i], 0.5)
    return (Reading(first.source, chk.value or "", probs, [], first.centers), chk,
            [(i, [ch, *others, text[i]])])


def _repair_from_evidence(fname: str, value: str, repaired: list[tuple[int, list[str]]],
                          alts: list[list[tuple[str, float]]],
                          others: list[Reading]) -> tuple[str, list[tuple[int, list[str]]]]:
    """A character the format ruled out (a letter where a digit must stand) was replaced by the
    one it is usually mistaken for (``validate.TO_DIGIT``); the readers' own evidence is better
    where there is some: the likeliest allowed alternative the recogniser weighed there (a blurred
    `9` read `S`, with `9` a close second), with one point more for the character Tesseract's
    reading of the same crop has there.  The table's choice stands on a tie, or with no evidence.
    Returns the value and the repairs as (index, [chosen, other options...])."""
    if not repaired:  # only the ODS code and account ID are ever repaired
        return value, repaired
    second = [t for t in (_as_code(fname, r.text) for r in others) if t and len(t) == len(value)]
    chars, out = list(value), []
    for i, options in repaired:
        table = options[0]
        score: dict[str, float] = {table: 0.0}
        for a, q in alts[i] if i < len(alts) else []:
            if _allowed(fname, "".join(chars), i, a):
                score[a] = max(score.get(a, 0.0), q)
        for text in second:
            if _allowed(fname, "".join(chars), i, text[i]):
                score[text[i]] = score.get(text[i], 0.0) + 1.0
        best = max(score, key=lambda a: (score[a], a == table))
        chars[i] = best
        out.append((i, [best, table] + options[1:]))
    return "".join(chars), out


#: An ODS code or account ID Tesseract read alike on the page and on the value's crop takes Tesseract's
#: figure or letter where the recogniser was less sure than this of its own: seed 94's close-up,
#: `W22380` on both, the recogniser 0.80 sure of `N`.  Over the samples and seeds 62-64 and 94, the
#: seven codes both Tesseract readings had wrong differed where the recogniser was 0.95-1.0 sure;
#: over the samples and 29 independent seeds (1,930 pictures) this made 7 wrong codes right (all
#: flagged) and none wrong.
TESSERACT_TWICE_OVER = 0.9
#: ... and a key, at characters that are not each other's look-alikes (``_LOOKS``), where the
#: recogniser was less sure than this: seed 144's Go Mono photo, `WWIvWqcU7UcRl` on the page and
#: the crop, the recogniser reading both `W`s after the first as `M`, 0.43 and 0.42 sure.  Over the
#: samples and 54 seeds (3,505 pictures) two wrong keys were made right and none wrong; two wrong
#: stayed wrong otherwise, and a right key is pointed at once more.
KEY_TESSERACT_TWICE_OVER = 0.5


def _as_tesseract_read_it_twice(fname: str, value: str, probs: list[float],
                                rest: list[Reading]) -> tuple[str, list[tuple[int, list[str]]]]:
    """The value with Tesseract's characters where its crop and page readings are the same valid
    code of the value's length and the recogniser was unsure (``TESSERACT_TWICE_OVER``) at every
    character they differ (a key: at each such character, ``KEY_TESSERACT_TWICE_OVER``); and those
    places, as (index, [taken, the recogniser's])."""
    crop = next((r for r in rest if r.source == "tesseract"), None)
    page = next((r for r in rest if r.source == "page"), None)
    if crop is None or page is None:
        return value, []
    code = _as_code(fname, crop.text)
    if code is None or code != _as_code(fname, page.text) or len(code) != len(value) or code == value:
        return value, []
    differ = [i for i in range(len(value)) if code[i] != value[i]]
    if fname == "linkage_key":
        # Tesseract's prior pulls a key's look-alikes one way (`l` for `I`, `O` for `0`), and a
        # symbol to a letter (seed 131's scan: `!` read `i`): only other letters and figures, each
        # where the recogniser was less sure than not.
        differ = [i for i in differ if probs[i] < KEY_TESSERACT_TWICE_OVER and code[i] not in _look_alikes(value[i])
                  and code[i].isalnum() and value[i].isalnum()]
        code = "".join(code[i] if i in differ else ch for i, ch in enumerate(value))
    elif any(probs[i] >= TESSERACT_TWICE_OVER for i in differ):
        return value, []
    return code, [(i, [code[i], value[i]]) for i in differ]


def _settle_by_shape(value: str, probs: list[float], alts: list[list[tuple[str, float]]],
                     primary: Reading, shapes: dict[int, Verdict] | None, said: dict[int, list[str]],
                     disagree: set[int], agreed: set[int] | frozenset[int] = frozenset()) -> tuple[str, dict[int, float]]:
    """Apply what the glyphs' shapes rule out (``shapes.look_alikes``) to the primary reading:
    the value, and each settled character's new chance of error by index.

    The posterior mass of every ruled-out character joins the character the shape leaves (the
    recogniser weighed `c` against `C`; the height says not `C`), other alternatives keep theirs
    (ruled-out ones leave ``alts``), and a second opinion that differed only by a ruled-out
    character no longer counts as disagreeing (it leaves ``said``): both are updated in place.
    A recogniser at least ``SHAPE_OVERRULES_BELOW`` sure of a character the shape rules out is
    not overruled: the conflict is left for review.  A shape that overturns a character Tesseract's
    reading of the crop had too (``agreed``) turns it for review only (``SHAPE_AGAINST_READERS``).
    """
    settled: dict[int, float] = {}
    if not shapes or value != primary.text or primary.source != "model":
        return value, settled
    chars = list(value)
    for i, v in shapes.items():
        ch = value[i]
        if ch != v.char and ch not in v.rules_out:
            continue  # the shape speaks of another question than the recogniser's doubt
        mass = {a: q for a, q in alts[i]}
        mass[ch] = probs[i]
        if ch in v.rules_out and probs[i] >= SHAPE_OVERRULES_BELOW:
            settled[i] = 0.5  # a sure recogniser against a clear shape: a person must look
            continue
        p = mass.get(v.char, 0.0) + sum(mass.get(r, 0.0) for r in v.rules_out)
        others = [a for a in said.get(i, []) if a != v.char and a not in v.rules_out]
        if i in said:
            said[i] = others
        e = max(_char_error(min(1.0, p), "model", bool(others) and i in disagree), v.error)
        if v.char == ch:  # the shape agrees: the character can only have become more certain
            e = min(e, _char_error(probs[i], "model", i in disagree))
        if v.doubtful:
            e = max(e, WIDTH_DOUBT)
        against = v.char != ch and i in agreed
        if against:
            e = max(e, SHAPE_AGAINST_READERS)
        chars[i], settled[i] = v.char, e
        if v.error >= CHAR_FLAG or v.doubtful or against:  # the shape unsure, or against both readers: what it doubts stays an option
            alts[i] = [(a, q) for a, q in [(ch, probs[i]), *alts[i]] if a != v.char]
        else:
            alts[i] = [(a, q) for a, q in alts[i] if a != v.char and a not in v.rules_out]
    return "".join(chars), settled


def _allowed(fname: str, value: str, index: int, ch: str) -> bool:
    """Would the value still be a valid code with ``ch`` at ``index``?"""
    if len(ch) != 1:
        return True
    candidate = value[:index] + ch + value[index + 1:]
    if fname == "ods_code":
        return bool(ODS_RE.match(candidate))
    if fname == "account_id":
        return ch.isdigit()
    return ch in KEY_CHARS


def _char_error(p: float, source: str, disagreed: bool) -> float:
    """Chance a character is wrong.  For the recogniser: measured per posterior band, split
    by whether Tesseract's reading of the crop agreed there, on 1,600 fresh renders of keys in
    held-out fonts, clean and degraded (tools/vote_table.py); rounded up."""
    if source != "model":
        return 1.0 - p
    agreed_err, disagreed_err = next((a, d) for floor, a, d in _ERROR_TABLE if p >= floor or floor == 0.0)
    return disagreed_err if disagreed else agreed_err


def _doubled_glyph(value: str, probs: list[float], i1: int, extra: str, source: str) -> bool:
    """Tesseract's habit of writing both readings of one glyph ('Xx', 'S0O'): harmless when the
    recogniser is sure of the neighbour and every extra character looks like it.  The very same
    character again is not that habit: it may be a real double letter ('jj') the recogniser
    read as one."""
    if source != "model":
        return False
    if len(set(extra)) == 1 and any(0 <= n < len(value) and value[n] == extra[0] for n in (i1 - 1, i1)):
        return False
    for n in (i1 - 1, i1):
        if 0 <= n < len(value) and n < len(probs) and probs[n] >= MODEL_SURE:
            if _another_reading_of(extra, value[n]):
                return True
    return False


def _another_reading_of(extra: str, ch: str) -> bool:
    """Every character of ``extra`` is ``ch`` again, its other case or a look-alike: Tesseract
    writing two readings of one glyph ('Xx', 'S0O'), not glyphs of their own."""
    return all(c in {ch, ch.swapcase(), *_look_alikes(ch)} for c in extra)


def _a_rule_read(extra: str) -> bool:
    """Characters at a value's edge that are a table rule or the label's dash read as text."""
    return all(c in "/-" for c in extra)


def _confusable(fname: str, index: int, ch: str) -> bool:
    """Could this character be another one the field's format allows at this position?"""
    if ch not in CONFUSABLE:
        return False
    if fname == "account_id" or (fname == "ods_code" and index > 0):
        return False  # digit positions: the look-alikes are letters, which the format rules out
    if fname == "ods_code":
        return any(a.isupper() for a in _look_alikes(ch))
    return True


#: Groups of look-alikes, the likeliest confusions first (a `0` is offered as `O` before `D`).
_LOOKS = ["lI1|", "O0oQD", "cC", "sS5", "vV", "wW", "xX", "zZ2", "kK", "pP", "uU", "yY", "B8", "G6"]


def _look_alikes(ch: str) -> list[str]:
    for group in _LOOKS:
        if ch in group:
            return [c for c in group if c != ch]
    return []


def _ink_span(grey: np.ndarray) -> tuple[int, int]:
    """The first and last column of a line crop's ink (Otsu), or the whole width if none."""
    _, ink = cv2.threshold(grey, 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    cols = np.flatnonzero(ink.sum(axis=0) > 0)
    return (int(cols[0]), int(cols[-1])) if cols.size and cols.size < grey.shape[1] else (0, grey.shape[1] - 1)


def _without_final_hyphen(grey: np.ndarray) -> np.ndarray:
    """The line crop cut before its last glyph when that is a hyphen: a short, wide dash in the
    middle of the line's height."""
    _, ink = cv2.threshold(grey, 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if n < 3:
        return grey
    tall = np.median([stats[i, cv2.CC_STAT_HEIGHT] for i in range(1, n)])
    last = max(range(1, n), key=lambda i: stats[i, cv2.CC_STAT_LEFT] + stats[i, cv2.CC_STAT_WIDTH])
    x, y, w, h, _ = stats[last]
    if h <= 0.35 * tall and w >= 1.2 * h and 0.25 * grey.shape[0] < y + h / 2 < 0.75 * grey.shape[0]:
        return grey[:, :x]
    return grey


def stitched(head: np.ndarray, tail: np.ndarray, drop_hyphen: bool) -> np.ndarray:
    """A key printed across two lines as one line to read: the rest's crop scaled to the first
    line's height and set after it a letter's gap away (a hyphen that ended the first line,
    the line break's, cut off first: ``validate.join_wrapped``)."""
    head, tail = (cv2.cvtColor(c, cv2.COLOR_BGR2GRAY) if c.ndim == 3 else c for c in (head, tail))
    if drop_hyphen:
        head = _without_final_hyphen(head)
    if not tail.size or not head.size:
        return head
    h = head.shape[0]
    tail = cv2.resize(tail, (max(1, round(tail.shape[1] * h / tail.shape[0])), h),
                      interpolation=cv2.INTER_AREA if tail.shape[0] > h else cv2.INTER_LINEAR)
    gap = max(1, round(0.12 * h))
    head = head[:, :min(head.shape[1], _ink_span(head)[1] + 1 + gap)]
    tail = tail[:, max(0, _ink_span(tail)[0] - gap):]
    return np.ascontiguousarray(np.hstack([head, tail]))


def read_value(fname: FieldName, page: np.ndarray, box: Box, scale: float, ocr_text: str,
               engine: OcrEngine, recognizer, tesseract: bool = True,  # noqa: ANN001
               rest: Box | None = None, drop_hyphen: bool = False,
               left_limit: float | None = None, zero: OwnZeros | None = None,
               italic: bool = False) -> tuple[CodeField, np.ndarray, Lean]:
    """Read one value crop with every reader available and vote (``tesseract=False``: the
    recogniser's reading alone, for the benchmark's comparison).  ``rest``: where a key wrapped
    onto the next line goes on; both lines are read as one (``stitched``).  ``left_limit``: where
    the label before the value on its line ends (``crop_value``).  ``zero``: how the letter draws
    its zeros, measured on its other codes (``shapes.own_zeros``).  ``italic``: its
    other codes were set upright (``SLANT_GAIN_ITALIC``).  The field, the crop read, and how it
    leaned (``set_upright``)."""
    least = SLANT_GAIN_ITALIC if italic else SLANT_GAIN
    crop = crop_value(page, box, scale, left_limit)
    page_text = "".join(ocr_text.split())

    def read_leaning(cut: np.ndarray, printed: str | None = None) -> tuple[tuple[CodeField, np.ndarray], Lean]:
        """The reading of a crop set upright where it leans clearly, and read as printed too where it
        was set upright on its own (not for a letter whose other codes were); a key that leans, but
        not clearly enough to be set upright on its own, is read both ways (``_either_way``).  Every
        cut of a value is read so, the wider ones below too (read only as they leant, 154 renders
        of keys in eight italic faces printed in groups a few spaces apart, OCR's box holding the
        first three, read 54 right; read both ways, 99)."""
        straight, lean = set_upright(cut, least)
        read = _read_crop(fname, straight, page_text, engine, recognizer, tesseract, zero, printed)
        if lean.taken and not italic:
            # Set upright on its own: read as printed too, an upright value's diagonals may lean it.
            as_cut = _read_crop(fname, cut, page_text, engine, recognizer, tesseract, zero, printed)
            read = _either_way(read, as_cut, sure_stands=fname != "linkage_key")
            if read[1] is as_cut[1]:
                lean = lean._replace(taken=0.0)  # upright print: no italic face for the codes after it
        elif fname == "linkage_key" and not lean.taken and lean.slant >= SLANT_MIN and lean.gain >= LEAN_GAIN:
            read = _either_way(read, _read_crop(fname, sheared_by(cut, lean.slant), page_text, engine,
                                                recognizer, tesseract, zero, printed))
        return read, lean

    def read_wider(wider: np.ndarray, than: np.ndarray) -> tuple[CodeField, np.ndarray] | None:
        """The reading of a crop cut wider than the one read, or None where it is no wider."""
        if wider.shape[1] <= than.shape[1]:
            return None
        return read_leaning(wider)[0]

    grown = False
    if fname == "linkage_key" and rest is None and len(page_text) < KEY_USUAL_MIN:
        # A short key may go on past a group space OCR stopped at: read it whole, for review.
        wider = crop_value(page, box, scale, left_limit, KEY_GROUP_GAP)
        grown = wider.shape[1] > crop.shape[1]
        crop = wider
    if rest is not None:
        crop = stitched(crop, crop_value(page, rest, scale), drop_hyphen)
    (field, crop), slant = read_leaning(crop, ocr_text if rest is None and not grown else None)
    if (fname != "linkage_key" and field.value is None and left_limit is not None and rest is None
            and len(page_text) >= 4 and page_text.isdigit()):
        # An ODS code or account ID no reading fits, OCR's word all figures, may have lost a first
        # glyph OCR dropped (seed 26's photo_023: `19223`, the `Y` a loose letter space before the
        # word): read from the label's end on, for review.  (Not where OCR's word was no code at
        # all: a reversed-out cell read as `45 ae annem` is for the inverted reading to read.)
        again = read_wider(crop_value(page, box, scale, left_limit, from_label=True), crop)
        if again is not None and again[0].value is not None:
            (field, crop), grown = again, True
    if fname == "linkage_key" and field.value and left_limit is not None and rest is None and \
            any(i == 0 for i, _ in _page_reads_past_the_ends(field.value, [Reading("page", page_text, [])])):
        # OCR's page reading has characters before the crop's: the label's word box may have
        # reached over the value's first glyphs (seed 46's close-up, `key:` boxed over `ml`), and the
        # crop, begun after the label, lost them; or OCR read them but boxed its word without them
        # (seed 80's clean Noto Sans `1P4DA...`: the `1`, wide-set, a word space from the label,
        # left out of the box).  Read again with every glyph from the label's end on, then begun
        # where the value's word begins (``crop_value`` without the label's end); taken where it
        # reads as long as the page did.
        for limit, from_label in ((left_limit, True), (None, False)):  # (the second cut only where the first fails)
            again = read_wider(crop_value(page, box, scale, limit, from_label=from_label), crop)
            if again is not None and again[0].value is not None and \
                    len(again[0].value) == len(page_text) > len(field.value):
                (field, crop), grown = again, True
                break
    if fname == "linkage_key" and field.value and rest is None and not grown and len(ocr_text.split()) > 1:
        # A key OCR read in groups may have more groups than it read: the line may have been cut at a
        # panel's edge found by its shading (seed 62's close-up: `QpGx KKop uIOG IOu` read without
        # `IOu`, the key 12 characters and valid).  Read on past group spaces; taken where the
        # longer reading is a key too.
        again = read_wider(crop_value(page, box, scale, left_limit, KEY_GROUP_GAP), crop)
        if again is not None and again[0].value is not None and len(again[0].value) > len(field.value):
            (field, crop), grown = again, True
    if grown and field.value:
        # The characters past where OCR stopped were read by one reader only: the value is shown for review.
        field = for_review(field)
    return field, crop, slant


def _either_way(one: tuple[CodeField, np.ndarray], other: tuple[CodeField, np.ndarray],
                sure_stands: bool = False) -> tuple[CodeField, np.ndarray]:
    """Of a value read two ways, as cut and set upright (``one`` the reading first made), the surer
    reading, flagged where the two differ (``models.sureness``).  A key alone may lean a little
    where the letter's figures' codes stand upright (seed 150's close-up, its key cell's oblique
    DejaVu Sans `j6t7KhFLModpXbKB`, 9.9 % peakier set upright, read as it leant `/6t7KhfLModpXbKB`,
    its `/` 0.99 sure; set upright, 0.993 sure and right), and an upright value's `7`s, `V`s and
    `4`s lean too (seed 160's clean Cantarell Bold `V77674`, 11 % peakier sheared, read so
    `N11614`).  ``sure_stands``: a reading needing no review stands unflagged against one that
    needs it (for an ODS code or account ID, whose format the readings fit: in renders of such
    codes set upright on their own, no wrong one went out so; keys are flagged where they differ,
    which in italic faces left 5 keys wrong unflagged of 101, against 10).  (Blurred renders of
    21 keys in nine italic faces, 95 of 297 leaning a little: 64 read right, 35 as cut, and wrong
    but not pointed at in full 8, 22; in nine upright faces 11 of 297, 10 right either way.)"""
    (mine, _), (theirs, _) = one, other
    if theirs.value is None or theirs.value == mine.value:
        return one
    kept, crop, alt = (*one, theirs) if mine.value is not None and sureness(mine) >= sureness(theirs) else (*other, mine)
    if sure_stands and not kept.needs_review and (alt.value is None or alt.needs_review):
        return kept, crop
    if alt.value is None:
        return for_review(kept), crop
    differ = {i: [a, b] for i, (a, b) in enumerate(zip(kept.value, alt.value))
              if a != b} if len(alt.value) == len(kept.value) else {}
    return for_review(kept, differ, "read as printed and set upright, the two differ"), crop


def short_group(printed: str | None, value: str | None) -> range | None:
    """Where a key printed in groups (``printed``: a reading with its spaces, OCR's of the page or the
    recogniser's) has one group one or two characters shorter than the others before the last,
    when ``value`` has as many characters as that reading: characters may have gone unread there
    (seed 39's blurred `FUD7 z2EW Ty/6 y`, read `FUD7 z2EW Ty6 y` by both readers; seed 41's italic
    `jNFs AJ0v eCq9 atjw`, its crop cut after `jN`, read `Fs AJ0y eCq9 atjw`).  Letters group a key
    evenly, the last group holding the rest; two full groups at least make the size known.  The
    short group's places in ``value``, or None."""
    groups = (printed or "").split()
    if value is None or len(groups) < 4 or sum(map(len, groups)) != len(value):
        return None
    sizes = [len(g) for g in groups[:-1]]
    full = max(sizes)
    short = [i for i, n in enumerate(sizes) if n != full]
    if full < 3 or len(short) != 1 or sizes[short[0]] < full - 2 or len(groups[-1]) > full:
        return None
    start = sum(sizes[:short[0]])
    return range(start, start + sizes[short[0]])


def _flag_short_group(field: CodeField, places: range) -> CodeField:
    """``field`` for review, the characters of a group read short (``short_group``) flagged."""
    value = field.value or ""
    return for_review(field, {i: [value[i]] for i in places},
                      "its group is shorter than the others: a character may be missing here")


def zeros_read_as_O(field: CodeField) -> bool:
    """Whether a reader took a zero of this figures' code (an ODS code's or account ID's, where
    the format says a figure) for an `O`: its doubt there names both."""
    value = field.value or ""
    return any(u.index < len(value) and value[u.index] == "0" and "O" in u.alternatives for u in field.uncertain)


def doubt_zeros_and_Os(field: CodeField) -> CodeField:
    """A key's `0`s and `O`s flagged for review, on a letter whose own zeros the readers took for
    `O`s (``zeros_read_as_O``): there the readers' `0`/`O` calls on its key are no surer, and the
    shapes may not measure the key at all.  Independent seed 88's photo: a TeX Gyre Adventor `0`
    (as round as its `O`) read `O` by every reader in the ODS code and the key, the key going out
    wrong and unflagged (its glyphs ran together, unmeasured)."""
    doubted = {u.index for u in field.uncertain}
    places = {i: [c, "O" if c == "0" else "0"] for i, c in enumerate(field.value or "") if c in "0O" and i not in doubted}
    if not places:
        return field
    return for_review(field, places, "this letter's zeros were read as the letter O: check whether it is a zero or an O")


def _read_crop(fname: FieldName, crop: np.ndarray, page_text: str, engine: OcrEngine, recognizer,  # noqa: ANN001
               tesseract: bool, zero: OwnZeros | None = None, printed: str | None = None) -> tuple[CodeField, np.ndarray]:
    """The looks at one value crop, Tesseract's line read where needed, and the vote.  ``printed``:
    OCR's page reading of a key with its spaces (``_printed_length``)."""
    # Counting the crop's glyphs costs 1-2 ms a crop: only where a reading has a character more.
    counts = functools.cache(lambda text: glyphs_as_many_as(crop, text))
    settled = tesseract and fname != "linkage_key"
    # An ODS code or account ID the crop as cut reads surely as Tesseract's page reading has it
    # needs no more looks, nor Tesseract's line read: two readers already agree on a valid code.
    model: list[Reading] = []
    if settled:
        looks = _read_looks(recognizer, crop, "first")
        if _page_agrees(fname, looks, page_text):
            model = looks
        else:
            looks += _read_looks(recognizer, crop, "rest")
            voted = _vote_looks(looks, page_text)
            model = voted if _page_agrees(fname, voted, page_text) else []
    else:
        looks = _read_looks(recognizer, crop)
    if model:
        tess = None  # two readers already agree on a sure, valid code: a third look adds only time
    else:
        tess = _from_tesseract(engine, crop, fname) if tesseract or not looks else None
        model = _vote_looks(looks, tess.text if tess else None)
        if fname == "linkage_key" and model:
            model = _frame_by_glyphs(counts, looks, model, tess.text if tess else None)
            model = _frame_by_groups(printed, looks, model, tess.text if tess else None)
    if fname == "linkage_key" and tess is not None and _tesseract_frames(printed, tess, model):
        readings = [tess, *model]
        shapes = look_alikes(crop, tess.text, None, zero)
        counted = None
    else:
        readings = model + ([tess] if tess else [])
        if not model:
            shapes = None
        elif fname == "linkage_key":
            shapes = look_alikes(crop, model[0].text, model[0].centers, zero)
        else:
            shapes = sevens(crop, model[0].text, model[0].centers)
        counted = (lambda: counts(model[0].text)) if model else None
    if tesseract or not model:
        readings.append(Reading(source="page", text=page_text, probs=[0.5] * len(page_text)))
    voted = vote(fname, readings, shapes, counted)
    if fname == "linkage_key":
        # A group read short, on the page or by the recogniser (when its reading is the value's frame).
        own = model[0].spaced if model and readings[0] is model[0] else None
        if short := short_group(printed, voted.value) or short_group(own, voted.value):
            voted = _flag_short_group(voted, short)
    return voted, crop


def _tesseract_frames(printed: str | None, tess: Reading, model: list[Reading]) -> bool:
    """Whether Tesseract's reading of a key's crop (``tess``) is the vote's frame, not the
    recogniser's: the key printed in even groups (``_printed_length``), Tesseract's two readings
    (the page's, ``printed``, and the crop's) as long as those groups, and the recogniser's shorter,
    so it dropped characters (an independent letter's blurred italic Liberation Serif close-up,
    `bVm0 YVt- zW2S Z1*`, read `V0YVt-zW2SZ1*`).  The recogniser's disagreement still flags it."""
    return bool(model) and _printed_length(printed) == len(tess.text) > len(model[0].text)


def _printed_length(printed: str | None) -> int | None:
    """A key's length as its printed groups show it (``printed``: OCR's page reading with its
    spaces): groups of one size, three characters or more, the last holding the rest; None when
    the key was not printed so, or the groups were not read evenly."""
    sizes = [len(g) for g in (printed or "").split()]
    return sum(sizes) if len(sizes) >= 3 and evenly_grouped(sizes, 3) else None


def _page_agrees(fname: str, model: list[Reading], page_text: str) -> bool:
    """An ODS code or account ID the recogniser read one way (its first look, or all its looks
    alike), every character sure, in the code's format as read (nothing repaired), and Tesseract's
    page reading the same code: more looks and Tesseract's line read would only agree.  Over the
    samples and 14 seeds (990 pictures) the first look alone decided 15 more right codes, which
    the other looks' doubts had flagged, and no wrong one."""
    if len(model) != 1 or not model[0].text or min(model[0].probs) < MODEL_SURE:
        return False
    # A repair changes a character, so a value equal to the text it came from needed none.
    page = _validated(fname, page_text)
    return _validated(fname, model[0].text).value == model[0].text == page.value and not page.repaired
