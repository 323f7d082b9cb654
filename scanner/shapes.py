"""Stage 6c - shape evidence for look-alike characters, measured on the value's own glyphs.

A line recogniser that squeezes the crop to 32 px cannot reliably see a difference of one or two
pixels; measured here on the full-resolution crop, against the line's other glyphs, it often can:
a capital stands taller than its lower-case twin (`C c`, `S s`, `X x`); in most fonts a lower-case
`l` reaches the ascender line (as `b d h k` do) while a capital `I` stops at the cap height, 3-8 %
lower, and in serifed faces an `I` has a bar across its top where an `l` has a serif on the
left only; a `0` is as narrow as the other figures while an `O` is as wide as the round capitals (and
where a face's figures stand above its capitals, as Courier's do, a `0` stands with them).
Each verdict says only what the shape rules out.  Where the font draws both alike (Helvetica-likes,
monospaced faces), the glyphs cannot be told apart, or the text is too small, nothing is said: the
vote then leaves the character as uncertain as it was.  (A Helvetica-like `I`'s stem is still a
little heavier than its `l`'s, as its other capitals' stems are than its lower case's: weighed
against them, a bare stem turns an unsure reading, for review only.)  Where the line's stems stand
on foot serifs, the face draws `l` and `I` apart even where they are too small to tell here: the
readers' agreement on one then counts as it does on any other character (``_serifed``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import cv2
import numpy as np

from .enhance import even_line_light

#: Capitals with a flat top at the cap height (round and pointed tops overshoot it).
CAP_REFS = set("BDEFHKLMNPRTUVWXZ")
#: Those no wider than an `O` (``M`` and ``W`` are wider): the yardstick for an `O`'s or a zero's width.
NARROW_CAPS = CAP_REFS - set("MW")
#: Those whose top is a horizontal bar, as a serifed `I`'s is: blur lowers the tip of a lone stem
#: or diagonal more than a bar (a Courier `I` measured 4 % above `H N X` on a photo), so a
#: bar-topped candidate is only measured against these.
BAR_TOPS = set("BDEFPRTZ")
#: Lower-case letters whose stem reaches the ascender line (an `f`'s hook and a `t` do not).
ASC_REFS = set("bdhk")
#: How often a verdict ruled out the truth on held-out-font renders (seeds 301/303 and 501/503, 400
#: keys each, clean and degraded: tools/vote_table.py's sets), rounded up: case 1 of 7,941;
#: `l`/`I` by height or serifs and `0`/`O` by width or height 1 of 1,772.
CASE_ERROR = 0.001
LOOK_ALIKE_ERROR = 0.005
#: Letters whose two cases share a shape and differ in height; a short one is not the figure
#: drawn like its capital either.
CASE_PAIRS = set("cCoOsSvVwWxXzZuU")
_TALL_TWINS = {"o": "0", "s": "5", "z": "2"}
#: Glyphs standing at the cap height (flat-topped capitals that have no lower-case twin, figures).
TALL_REFS = set("BDEFHKLMNPRT23456789")
#: Lower-case letters that stand at the x-height and have no capital twin of the same shape.
SHORT_REFS = set("aemnr")
#: x-height as a share of the cap height assumed when only one level is on the line (0.65-0.80 in
#: text faces), and how far from each level a glyph must stay to be called.
X_HEIGHT_SHARE = 0.72
CASE_SURE = 0.3
#: Figures of one width in proportional and tabular faces alike (`1` is narrow, `0` the candidate).
FIGURE_REFS = set("23456789")
#: The figures without a round top (which overshoots: Bookman's `9` stands 4 % above its `4`).
FLAT_FIGURES = set("457")
#: What gives the capitals' height for `j`/`J`, and for `l`/`I` on a line with fewer than two flat
#: capitals: the capitals (round ones overshoot by 1-3 %) and the figures.
J_REFS = CAP_REFS | FIGURE_REFS | set("CGOQS")
#: Capitals whose round top overshoots the cap height as an `O`'s does.
ROUND_TOPS = set("CGQ")
#: Capitals about as wide as an `O` (0.85-1.0 of it): the round ones and `H N U`.
ROUND_REFS = set("CDGQHNU")
#: An `O` narrower than this many figures' widths, or a `0` wider, is in doubt (``_zero_or_O_doubts``).
O_OVER_FIGURES = 1.12
#: On a line without figures to measure against, an `O` narrower than the line's flat capitals
#: (their median width) by this share, and at least by this many pixels, is in doubt
#: (``_zero_or_O_doubts``): an `O` is 0.92-1.53 times as wide as all 15 of them in the 229 upright
#: font files installed here, a zero 0.64-1.17 (Courier Prime 0.77, DejaVu Sans 0.8: on seed 30's photos a `0`
#: read `O` by both readers, unflagged).  The few flat capitals of a key make a loose yardstick:
#: simulated on those faces with 2-6 of them, 1.5 % of keys with an `O` are doubted wrongly (Century
#: faces 10-15 %) and half of the zeros read `O` are caught.
O_UNDER_FLATS, O_UNDER_FLATS_PX = 0.06, 1.5
#: The capitals as round as an `O` (``H N U`` are as wide, in some faces wider).
TRUE_ROUNDS = set("CGQD")
#: However near the round capitals' width, a glyph is named `O` only when at least this many times as
#: wide as the figures, and `0` only when at most this many: Cabin's zero is 1.30 times its figures'
#: width (as wide as its `C`), Karla's `O` only 1.18.  Without these bounds, on 4,800 renders of keys
#: with zeros and Os in 24 faces (read either way), 98 width and height verdicts ruled out the truth,
#: 70 of them in Cabin.
O_LEAST, ZERO_MOST = 1.36, 1.1
#: Nor is a glyph called a `0` narrower than this share of the figures (less a pixel): a zero is
#: 0.97-1.11 of them, and a narrower glyph is a piece of one where the pairing went astray (seed 56's
#: bold TeX Gyre Schola `VOc0`, touching, gave the `O` a width of 11 px beside figures of 15).
ZERO_LEAST = 0.85
#: How far an `O` may stand above the flat capitals (its overshoot: up to 7 % in Courier Bold).
O_OVERSHOOT = 0.07
#: The round capitals must be this much wider than the figures for width to tell `0` from `O`.
WIDE_ROUND = 1.2
#: Two groups of `0`/`O` candidates this far apart in width, each level within itself, name each other.
SPLIT_GAP, SPLIT_LEVEL = 1.15, 1.06
#: A `0`/`O` at most this share of the flat capitals' width (less a pixel) is a zero (``_zero_by_narrowness``).
NARROW_ZERO = 0.85
#: Taller crops are measured at this height.
MAX_HEIGHT_PX = 96
#: Narrower figures than this are a few pixels wide: one pixel is 10 % of them.
MIN_FIGURE_PX = 12
#: Characters drawn as a lone stem or dot: any other glyph this narrow is a sliver the pairing went wrong on.
_NARROW = set("lIij!1|.,:;'-ftr")
#: Glyphs that reach below the baseline, so do not mark it.
_DESCENDERS = set("gjpqyQJ,;()/")
NOISE_PX, NOISE_SHARE = 0.3, 0.012
Z_SURE = 0.3
#: A `J` sits within this share of the capitals' height below the baseline, a `j` hangs between
#: these (``_j_or_J``); a `J` stands this tall against the capitals, a dotless `j`'s stem short of it.
J_SITS = 0.12
J_HANGS = (0.15, 0.42)
J_HEIGHT = (0.9, 1.1)
#: A stroke as tall as the capitals that hangs with no dot apart is a `J` in the faces whose `J`
#: hangs, and a `j` whose dot blur joined to its stem: on 3,000 blurred renders of keys with one
#: `j` or `J` in 45 faces (9-40 px capitals) 174 such verdicts right and 10 wrong (seed 72's
#: TeX Gyre Cursor photo_015: a `j` called `J`, unflagged).  A verdict that changes the reading
#: is left for review; one that agrees with it adds no doubt.
J_HANGING_ERROR = 0.05
ONE_SIDED_NOISES, ONE_SIDED_SHARE = 2.0, 0.035
#: A serif reaches at least this share of the stem's width beyond it.
SERIF_SHARE = 0.3
# An `i` whose dot blur has joined to its stem: the upper half's ink at most this share of the
# lower half's (a blurred photo's `i` 0.73; a low-contrast render's `I` 0.80).
DOT_FAINT = 0.78
# A `1`'s flag (``_flagged``), as shares of the glyph's height: its tip at least FLAG_TIP below the
# top, out to the left of the stem at least half a stem from FLAG_DEEP[0] to FLAG_DEEP[1] down.
# On 3,600 renders of held-out and training fonts (seeds 701-915): 558 of 725 `1`s read as `l`
# flagged, and 2 of 1,558 `l`, `I`, `t`, `f`, `7`, `j` (Linux Biolinum `l`s, a training font).
# The tip at 0.085 rather than 0.10 of the height: a small `1`'s flag begins one pixel row below
# its top, which at 12-17 px is under 0.10.  Every `i l I 1 ! j J t f` of fresh renders read as `l`
# (tools' linegen.eval_set, held-out and training fonts, 600 keys a seed, clean and degraded):
# seeds 701-705 `1`s named 607 -> 667 of 1,224, others named `1` 1 -> 2; checked on seeds 901-907,
# 816 -> 878 of 1,705, others 2 -> 2 (0.05 named 738 of 1,224 but 9 others).
FLAG_TIP = 0.085
# A serifed `l` (``_serif_topped``): its top serif reaches out left at least SERIF_REACH stem widths,
# within a pixel of that at the very top row, and stays out no deeper than SERIF_DEEP of its height
# (a `1`'s flag stays out 0.14-0.40 of it).  On renders of held-out and training fonts, every
# `i l I 1 ! j J t f` read as `l` and again as `1` (seeds 701-710, 901-912): 626 verdicts `l`, all
# on `l`s; at 0.2 deep 940, 48 of them on `1`s; at one stem width's reach, DejaVu Sans's `1` too.
SERIF_DEEP = 0.12
SERIF_REACH = 1.2
FLAG_DEEP = (0.14, 0.40)
#: ... and reaching out at least this share of the height (and a pixel, and half a stem): a thin
#: stem's edge wavers by a pixel in a 150 dpi scan (a Roboto Condensed `l`, 2 px wide, read `1` so).
#: On 1,200 renders of held-out and training fonts (seeds 701-702, clean and degraded, every `l I 1`
#: read as `l`) the `1`s named stay 259 of 259 verdicts (0.12: 258; 0.15: 253), none wrong.
FLAG_OUT = 0.1
#: ... and reaching out beyond where the stem's top row does by at least this share of that reach:
#: a flag grows out going down, where a blurred photo's small `l` (seed 151's Lato, 16 px, read
#: `1`, unflagged, and the key out wrong) wavered out 1.4 px at its top and 1.9 px two rows down.
#: On 3,600 renders of held-out and training fonts (seeds 701-704, 905-906, every `l I 1` read as
#: `l`) the `1`s named 525 -> 520 of 1,210, none else (one Bookman Demi `l` before and after).
FLAG_BEYOND_TOP = 1.0
#: A bare stem (``_plain_stem``): at least this tall, nothing out beyond its edges as far as this
#: share of its width or these pixels.
PLAIN_MIN_PX = 20
PLAIN_OUT, PLAIN_OUT_PX = 0.2, 0.75

#: Where a glyph's upright stem stands alone, as shares of the glyph's height from its top: in these
#: rows the first run of ink from the left is the stem and nothing else (between an `E`'s arms, above
#: an `n`'s arch, in a `p`'s descender, in the ascender of `b d h k`).
CAP_STEM_ROWS = {**{c: ((0.15, 0.40), (0.60, 0.85)) for c in "BDEFHKLPR"},
                 "T": ((0.3, 0.9),), "U": ((0.1, 0.6),), "N": ((0.5, 0.9),)}
LOWER_STEM_ROWS = {**{c: ((0.05, 0.30),) for c in "bdhk"}, **{c: ((0.55, 0.90),) for c in "nmr"},
                   **{c: ((0.80, 0.95),) for c in "pq"}, "u": ((0.1, 0.6),), "t": ((0.45, 0.75),),
                   "f": ((0.45, 0.9),)}
#: ... and an `l`'s or `I`'s, between any serifs, flag or tail.
BARE_STEM_ROWS = {c: ((0.25, 0.75),) for c in "lI"}
_STEM_ROWS = {**CAP_STEM_ROWS, **LOWER_STEM_ROWS, **BARE_STEM_ROWS}
#: A stem's ink is summed this many pixels beyond its run (Otsu's edge), to take in what blur spread.
STEM_MARGIN_PX = 2
#: A bare `l`/`I` is weighed by its stem (``_l_or_I_by_stems``) where the line's capital stems carry at least
#: this many times the ink of its lower-case stems, clear of their spread, and it stands within
#: STEM_SIDE of that gap of one side.
STEMS_APART, STEM_SIDE = 1.06, 0.2
#: On degraded renders of random keys in every installed face (``tools/linegen.py``, seeds 1-7,
#: 6,000 lines each; 3,473 bare `l`/`I` stems paired in order) such a call was right 856 times and
#: wrong 57: too often for a verdict, so it only turns a reading that disagrees, and flags it.
STEM_ERROR = 0.06
#: Glyphs whose first stroke from the left is an upright stem standing on the baseline: in a
#: serifed face (Times, Century, Palatino, Courier ...) each stands on a foot serif reaching out
#: left of it; in a sans face nothing reaches out there.
LEFT_FOOT_STEMS = set("BDEFHKLMNPRhkmnr")
#: A line is serifed (``_serifed``) where the lower median foot (``_left_foot``) of at least
#: SERIFED_GLYPHS of its left-stem glyphs reaches out at least SERIFED_FOOT of a stem row's ink.
#: On ``tools/linegen.py`` renders of random keys in every installed face (seed 3, 60 a face,
#: 10-34 px capitals, 60 % degraded; lines with two left-stem glyphs measured): 0 of 1,066 sans and
#: sans-monospaced lines called serifed, 319 of 402 serifed ones (Times-, Century-, Palatino-,
#: Bookman-, Courier-likes, DejaVu Serif, Libertine, Go Mono).  The median foot rather than the
#: lower median called 3 sans lines serifed, 0.05 rather than 0.07 an Inconsolata `Kk` (0.067, 0.08).
#: Checked on seed 5: 1 of 1,029 sans lines (DejaVu Sans Condensed Bold `mn`, 14 px, degraded),
#: 333 of 428 serifed ones.  A sans line so called only lets an `l`/`I` the readers agree on pass
#: at the error rate the vote's table gives any character.
SERIFED_FOOT, SERIFED_GLYPHS = 0.07, 2


@dataclass(frozen=True)
class Verdict:
    """What a glyph's shape says: it is not any of ``rules_out``, so of the readings left the
    likeliest is ``char``.  Shape settles one question (which case, `l` or `I`, `0` or `O`) and
    leaves every other doubt about the character where it was."""

    char: str
    rules_out: str
    error: float  # chance the shape rules out the truth, measured on held-out-font renders
    #: The shape leaves the reading in doubt (``_zero_or_O_doubts``): at least ``WIDTH_DOUBT`` likely wrong.
    doubtful: bool = False


def _glyph_boxes(ink: np.ndarray, n_expected: int,
                 centers: list[float] | None = None) -> list[tuple[int, int, np.ndarray, int] | None] | None:
    """The line's glyphs (``_glyphs``), one per character expected (``_paired``)."""
    return _paired(_glyphs(ink), n_expected, centers)


def _paired(boxes: list[tuple[int, int, np.ndarray, int]], n_expected: int,
            centers: list[float] | None = None) -> list[tuple[int, int, np.ndarray, int] | None] | None:
    """Glyphs paired with the characters expected.  With as many glyphs as characters they pair up
    in order; otherwise (glyphs touching, a glyph in pieces) each glyph goes to the one character
    whose centre, as the recogniser placed it, lies on it, and a character sharing its glyph with
    another, or on none, gets None.  None when nothing pairs up."""
    if len(boxes) == n_expected:
        return list(boxes)
    if centers is None or len(centers) != n_expected:
        return None
    paired: list[tuple[int, int, np.ndarray, int] | None] = [None] * n_expected
    for box in boxes:
        on = [k for k, c in enumerate(centers) if box[0] <= c < box[1]]
        if len(on) == 1:
            paired[on[0]] = box
    return paired if any(b is not None for b in paired) else None


#: Two pieces side by side are the halves of one ring broken at its thin top and bottom (a blurred
#: Palatino `o`) when they overlap or abut (seed 135's clean Pagella render: no column shared),
#: each is at most this wide for its height, their tops and bottoms lie within RING_LEVEL of their
#: height of each other, neither is a closed ring (``_ring``) and together (a pixel's gap closed)
#: they are one.
RING_HALF, RING_LEVEL = 0.75, 0.15


def _rings_joined(glyphs: list[list], labels: np.ndarray, stats: np.ndarray) -> list[list]:
    """``_glyphs``'s pieces with a ring's two halves (``RING_HALF``) made one glyph again: counted as
    two, seed 82's `o` made a key's crop hold one glyph more than the key has characters, and the
    vote took a second `X` that two looks of five had read at its end."""
    def ring(p: list, g: list) -> bool:
        """Are the glyphs ``p`` and ``g`` (one piece each, side by side) one ring's two halves?"""
        if len(p[2]) != 1 or len(g[2]) != 1 or g[0] > p[1]:
            return False
        (i, j), top, height = (p[2][0], g[2][0]), stats[:, cv2.CC_STAT_TOP], stats[:, cv2.CC_STAT_HEIGHT]
        h = max(height[i], height[j])
        if abs(top[i] - top[j]) > RING_LEVEL * h or abs(top[i] + height[i] - top[j] - height[j]) > RING_LEVEL * h \
                or max(p[1] - p[0], g[1] - g[0]) > RING_HALF * h:
            return False
        box = labels[min(top[i], top[j]):max(top[i] + height[i], top[j] + height[j]), p[0]:max(p[1], g[1])]
        a, b = box == i, box == j
        joined = cv2.morphologyEx((a | b).astype(np.uint8), cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))
        return not _ring(a)[0] and not _ring(b)[0] and _ring(joined)[0]

    out: list[list] = []
    for g in glyphs:
        if out and ring(out[-1], g):
            out[-1][1] = max(out[-1][1], g[1])
            out[-1][2] = out[-1][2] + g[2]
            continue
        out.append(g)
    return out


def _glyphs(ink: np.ndarray) -> list[tuple[int, int, np.ndarray, int]]:
    """The line's glyphs left to right as (x0, x1, mask, pieces), pieces stacked in one column (the
    dot of an `i`) joined; rules, cell borders, specks and a label's colon left out."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    h, w = ink.shape
    parts = []
    # (The tallest glyph, not a rule: measured against a cell's side as tall as the crop, a dotted
    # zero's dot and an `i`'s were specks - the samples' clean_007, a `0` of DejaVu Sans Mono Bold.)
    rule = 0.95 * h  # a blob this tall is a rule or a cell's side
    big = max((stats[i, cv2.CC_STAT_HEIGHT] for i in range(1, n) if stats[i, cv2.CC_STAT_HEIGHT] < rule), default=0)
    for i in range(1, n):
        x, y, cw, ch, area = stats[i]
        if ch >= rule or cw > 3 * max(1, big) or area < 2:
            continue  # a rule, a cell border or noise
        if ch < 0.12 * big and cw < 0.12 * big and area < 0.01 * big * big:
            continue  # a speck
        parts.append([x, x + cw, i])
    parts.sort()
    glyphs: list[list] = []
    for x0, x1, i in parts:
        if glyphs:
            g = glyphs[-1]
            overlap = min(g[1], x1) - max(g[0], x0)
            if overlap > 0.5 * min(x1 - x0, g[1] - g[0]):
                g[0], g[1] = min(g[0], x0), max(g[1], x1)
                g[2].append(i)
                continue
        glyphs.append([x0, x1, [i]])
    glyphs = _rings_joined(glyphs, labels, stats)
    # A label's colon left at the crop's start (two dots, stacked) is no character of the value:
    # paired in order it shifted every verdict by one (a `V` measured as the `u` before it).
    if len(glyphs) > 1 and len(glyphs[0][2]) >= 2 and all(
            stats[i, cv2.CC_STAT_HEIGHT] < 0.3 * big and stats[i, cv2.CC_STAT_WIDTH] < 0.3 * big for i in glyphs[0][2]):
        glyphs = glyphs[1:]
    return [(g[0], g[1], np.isin(labels[:, g[0]:g[1]], g[2]), len(g[2])) for g in glyphs]


def _halves(rows: np.ndarray, top: float, bottom: float) -> tuple[np.ndarray, np.ndarray] | None:
    """A glyph's row strengths split into its upper and lower half (None: too short to tell)."""
    t, b = max(0, int(np.ceil(top))), min(len(rows) - 1, int(bottom))
    half = max(1, (b - t) // 2)
    upper, lower = rows[t:t + half], rows[t + half:b + 1]
    return (upper, lower) if len(upper) >= 4 and len(lower) >= 2 else None


def _fainter_above(rows: np.ndarray, top: float, bottom: float, ratio: float) -> bool:
    """Is the glyph's upper half's ink under ``ratio`` times its lower half's?"""
    halves = _halves(rows, top, bottom)
    return halves is not None and float(np.median(halves[0])) < ratio * float(np.median(halves[1]))


def _dotted(rows: np.ndarray, top: float, bottom: float) -> bool:
    """A stem whose upper half is fainter than its lower half, or fades and returns: the dot of
    an `i` or `j` (or the stroke of a `!`) that blur has joined to it, which then stands as tall
    as an `l`.  A real stem is as dark all the way up.  (The second test also fires on the thin
    serifs of a Courier-like `l` or `f`: an `i` is named by the first alone, ``DOT_FAINT``.)"""
    halves = _halves(rows, top, bottom)
    if halves is None:
        return False
    upper, lower = halves
    if float(np.median(upper)) < 0.85 * float(np.median(lower)):
        return True
    k = int(np.argmin(upper[1:])) + 1
    return bool(upper[k] < 0.75 * min(upper[:k].max(), lower.max()))


def _dot_above(mask: np.ndarray, sized: bool = False) -> bool:
    """Is there a piece apart above the glyph's main stroke, over it: the dot of a `j` or `i`?
    Not a sliver of noise beside the stroke, which makes a glyph two pieces as well.
    ``sized``: the piece must also look like a dot - at least half the stem's width, a quarter
    of its square in area, and near the stem (a speck of noise over an `l` is none of these)."""
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    if n < 3:
        return False
    main = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    mx, my, mw, mh, marea = stats[main]
    stem = marea / max(1, mh)
    for k in range(1, n):
        x, y, w, h, area = stats[k]
        if k == main or y + h > my or min(x + w, mx + mw) <= max(x, mx):
            continue
        if not sized or (w >= 0.5 * stem and h <= 0.4 * mh and area >= 0.25 * stem * stem
                         and my - (y + h) <= 0.5 * mh):
            return True
    return False


def _bar_top(mask: np.ndarray, top: float, bottom: float) -> bool:
    """Is the glyph's top a bar (a serif, an `E`'s arm) rather than the end of a lone stem?"""
    counts = mask.sum(axis=1)
    t, b = max(0, int(np.ceil(top))), min(len(counts) - 1, int(bottom))
    h = b - t
    if h < 6:
        return False
    head = float(counts[t:t + h // 8 + 1].max())
    stem = float(np.median(counts[t + h // 3:b - h // 3 + 1]))
    return head >= 1.6 * max(1.0, stem)


def _stem_edges(mask: np.ndarray, rows: range) -> tuple[np.ndarray, np.ndarray, float] | None:
    """The stem's left and right edges fitted as lines through ``rows`` (so a slanted stem is
    measured along its slant), and its width; None where a row is empty or has a gap across it
    (not one stem)."""
    ys, lefts, rights = [], [], []
    for y in rows:
        xs = np.flatnonzero(mask[y])
        if len(xs) == 0 or xs[-1] - xs[0] + 1 != len(xs):
            return None
        ys.append(y)
        lefts.append(xs[0])
        rights.append(xs[-1])
    return np.polyfit(ys, lefts, 1), np.polyfit(ys, rights, 1), float(np.median(np.subtract(rights, lefts) + 1))


def _out_of_stem(mask: np.ndarray, y: int, left_edge: np.ndarray, right_edge: np.ndarray) -> tuple[float, float] | None:
    """How far row ``y``'s ink reaches beyond the stem's fitted edges, left and right (None: no ink)."""
    xs = np.flatnonzero(mask[y])
    if not len(xs):
        return None
    return float(np.polyval(left_edge, y)) - xs[0], xs[-1] - float(np.polyval(right_edge, y))


def _serif_band(h: int) -> int:
    """How many rows at a stem's top or foot a serif is looked for in."""
    return max(2, h // 8 + 1)


def _overhang(mask: np.ndarray, rows: range, left_edge: np.ndarray, right_edge: np.ndarray) -> tuple[float, float]:
    """How far ``rows``' ink reaches beyond the stem's fitted edges at most, left and right."""
    outs = [o for y in rows if (o := _out_of_stem(mask, y, left_edge, right_edge)) is not None]
    return max([0.0] + [o[0] for o in outs]), max([0.0] + [o[1] for o in outs])


def _on_foot(mask: np.ndarray, b: int, h: int, left_edge: np.ndarray, right_edge: np.ndarray, stem: float) -> bool:
    """Does a stem (bottom row ``b``, ``h`` rows tall) stand on a foot serif out on both sides,
    which proves the face has serifs at all?"""
    return _out_both_sides(_overhang(mask, range(b - _serif_band(h) + 1, b + 1), left_edge, right_edge), stem)


def _out_both_sides(overhang: tuple[float, float], stem: float) -> bool:
    """Whether a stem's top or foot reaches out (``_overhang``) on both sides as a serif does."""
    return min(overhang) >= max(1.0, SERIF_SHARE * stem)


def _stem_ends(mask: np.ndarray, top: float, bottom: float,
               min_height: int) -> tuple[tuple[float, float], tuple[float, float], float] | None:
    """How far a stem's top and its foot reach beyond its edges (left, right; the edges fitted
    through its middle half, so a slanted stem is measured along its slant) and its width; None
    where it is shorter than ``min_height`` rows or not one stem."""
    t, b = max(0, int(np.ceil(top))), min(mask.shape[0] - 1, int(bottom))
    h = b - t
    if h < min_height:
        return None
    fit = _stem_edges(mask, range(t + h // 4, b - h // 4 + 1))
    if fit is None:
        return None
    left_edge, right_edge, stem = fit
    band = _serif_band(h)
    return (_overhang(mask, range(t, t + band), left_edge, right_edge),
            _overhang(mask, range(b - band + 1, b + 1), left_edge, right_edge), stem)


def _serif_sides(mask: np.ndarray, top: float, bottom: float) -> str:
    """Which of `l`/`I` a serifed stem's top says: a serifed `I` has a bar across the top, out on
    both sides of the stem; a serifed `l` (Times, Century, Courier, Cambria ...) has a serif on the
    left only.  Both stand on a foot serif, out on both sides, which proves the face has serifs at
    all (a sans stem has none: nothing is said).  '' where the sides are unclear."""
    ends = _stem_ends(mask, top, bottom, 12)
    if ends is None:
        return ""
    (head_l, head_r), foot, stem = ends
    if not _out_both_sides(foot, stem):
        return ""
    if _out_both_sides((head_l, head_r), stem) and min(head_l, head_r) >= 0.5 * max(head_l, head_r):
        return "I"
    if head_l >= max(1.5, SERIF_SHARE * stem) and head_r <= 0.25:
        return "l"
    return ""


def _plain_stem(mask: np.ndarray, top: float, bottom: float) -> bool:
    """Is the glyph a bare stem: nothing out beyond its edges at its top or its foot, on either
    side (no serif, no `I`'s bar, no `l`'s wedge or a PT Sans or JetBrains Mono `l`'s tail)?
    That is an `I` in a sans face, and an `l` only where the face draws the two alike.  Said only
    of a stem at least ``PLAIN_MIN_PX`` tall, and only where nothing reaches out ``PLAIN_OUT`` of
    the stem's width (or ``PLAIN_OUT_PX``): below that a serifed `l`'s serifs thin to a pixel or
    vanish (a Times `l` at 16 px, a blurred Caladea `l` at 21 px stood out by one pixel)."""
    ends = _stem_ends(mask, top, bottom, PLAIN_MIN_PX)
    if ends is None:
        return False
    head, foot, stem = ends
    return bool(max(*head, *foot) < max(PLAIN_OUT_PX, PLAIN_OUT * stem))


class _Stem(NamedTuple):
    """A stem's rows (``t``..``b``), its edges fitted through its rows from 40 % to 80 % of its
    height (below any flag or serif at the top, above any foot), its width, and how far each row of
    its top 40 % reaches beyond those edges, left and right (None: an empty row)."""

    t: int
    b: int
    left_edge: np.ndarray
    right_edge: np.ndarray
    width: float
    head: list[tuple[float, float] | None]


def _stem(mask: np.ndarray, top: float, bottom: float, min_height: int) -> _Stem | None:
    """``_Stem`` of a glyph at least ``min_height`` rows tall (None: shorter, or no one stem)."""
    t, b = max(0, int(np.ceil(top))), min(mask.shape[0] - 1, int(bottom))
    h = b - t
    if h < min_height:
        return None
    fit = _stem_edges(mask, range(t + int(0.4 * h), b - int(0.2 * h) + 1))
    if fit is None:
        return None
    left_edge, right_edge, width = fit
    return _Stem(t, b, left_edge, right_edge, width,
                 [_out_of_stem(mask, y, left_edge, right_edge) for y in range(t, t + int(0.4 * h))])


def _flagged(mask: np.ndarray, top: float, bottom: float) -> bool:
    """Does a stem read as `l` or `I` carry a `1`'s flag: ink out to the left of the stem that
    reaches furthest a way down from the top (FLAG_TIP) and stays out deep (FLAG_DEEP), with
    nothing out to the right?  A serif or an `l`'s wedge is widest at the very top, an `I`'s bar
    goes out on both sides, and a `t`'s or `f`'s cross-bar goes out to the right as well
    (``_stem``: measured against the stem's edges below the flag)."""
    s = _stem(mask, top, bottom, 10)
    if s is None:
        return False
    h, stem = s.b - s.t, s.width
    reach = max(1.0, 0.5 * stem, FLAG_OUT * h)
    deep = tip = 0
    out_l = out_r = 0.0
    first: float | None = None
    for k, out in enumerate(s.head):
        if out is None:
            continue
        left, right = out
        first = left if first is None else first
        if left > out_l + 0.5:
            tip = k
        out_l, out_r = max(out_l, left), max(out_r, right)
        if left >= reach:
            deep = k + 1
    return (tip >= FLAG_TIP * h and FLAG_DEEP[0] * h <= deep <= FLAG_DEEP[1] * h
            and out_l >= reach and out_r < 0.25 * stem and first is not None and out_l - first >= FLAG_BEYOND_TOP * reach)


def _serif_topped(mask: np.ndarray, top: float, bottom: float) -> bool:
    """Does a stem stand on a foot serif with a serif out to the left at its very top, thin and
    level (an `l` in Courier, Times, Century ...), not a `1`'s flag, which reaches furthest a way
    down (``_flagged``) and stays out deeper?  Nothing out to the right at the top (an `I`'s bar)."""
    s = _stem(mask, top, bottom, 12)
    if s is None or not s.head or None in s.head:
        return False
    h, stem = s.b - s.t, s.width
    outs = [o for o in s.head if o is not None]  # (every row: for the type checker)
    lefts = [o[0] for o in outs]
    reach = max(lefts)
    if reach < max(1.5, SERIF_REACH * stem) or lefts[0] < reach - 1.0 or max(o[1] for o in outs[:3]) > 0.25 * stem:
        return False  # no serif, one whose tip is below the top (a flag), or a bar out both ways
    deep = sum(1 for v in lefts if v >= max(1.0, 0.5 * stem))
    return deep <= SERIF_DEEP * h and _on_foot(mask, s.b, h, s.left_edge, s.right_edge, stem)


def _ring(mask: np.ndarray) -> tuple[bool, bool]:
    """Is the glyph a closed ring (a counter of its own: not half of a ring broken in two), and
    does its counter hold ink - a dot inside it, or a slash splitting it in two (the zero of DejaVu
    Sans Mono, Consolas, Fira Mono ...)?  An `O`'s counter is always empty."""
    m = np.ascontiguousarray(mask, dtype=np.uint8)
    if m.shape[0] < 8 or m.shape[1] < 5:
        return False, False
    contours, hierarchy = cv2.findContours(m, cv2.RETR_TREE, cv2.CHAIN_APPROX_NONE)
    if hierarchy is None:
        return False, False
    tree = hierarchy[0]
    outer = max((k for k in range(len(contours)) if tree[k][3] < 0), key=lambda k: cv2.contourArea(contours[k]))
    area = cv2.contourArea(contours[outer])
    holes = [k for k in range(len(contours)) if tree[k][3] == outer and cv2.contourArea(contours[k]) >= 0.02 * area]
    islands = [k for k in range(len(contours)) if tree[k][3] in holes]
    return bool(holes), len(holes) >= 2 or bool(islands) or (len(holes) == 1 and _inked_middle(m, contours[holes[0]]))


def _inked_middle(mask: np.ndarray, hole: np.ndarray) -> bool:
    """Is the middle of a counter's bounding box ink: a zero's dot joined to one side of its ring by
    blur or bold weight, the counter wrapped round it (seed 87's JetBrains Mono, DejaVu Sans Mono Bold
    in the samples' clean_007)?  On 3,000 renders in 86 faces, 9-48 px capitals, this found 7 of 21
    marked zeros the islands missed, and no `O` or plain zero more."""
    x, y, w, h = cv2.boundingRect(hole)
    cy, cx = y + (h - 1) / 2, x + (w - 1) / 2
    rows = {int(np.floor(cy)), int(np.ceil(cy))}
    cols = {int(np.floor(cx)), int(np.ceil(cx))}
    return all(mask[r, c] for r in rows for c in cols)


def _edge(profile: np.ndarray, from_top: bool) -> float:
    """Sub-pixel position where a glyph's ink first reaches half its strength."""
    p = profile if from_top else profile[::-1]
    half = 0.5 * float(p.max())
    k = int(np.argmax(p >= half))
    frac = 0.0 if k == 0 else (half - p[k - 1]) / max(1e-6, p[k] - p[k - 1])
    pos = k - 1 + frac
    return pos if from_top else len(profile) - 1 - pos


class _Glyphs(NamedTuple):
    """Per character of the value, its glyph as measured (NaN, and ``cut``, when it has no glyph
    of its own)."""

    xs: np.ndarray        # x centre
    tops: np.ndarray      # sub-pixel top
    bottoms: np.ndarray   # sub-pixel bottom
    cut: np.ndarray       # ink cut by the crop's top or bottom edge, or no glyph of its own
    widths: np.ndarray    # ink width
    in_order: bool        # glyphs and characters paired one to one in order
    stacked: np.ndarray   # drawn in stacked pieces (an `i`, a `!`), or a blurred dot joined on
    dotted: np.ndarray    # a `j`/`J` with a dot apart above its stem (``_dot_above``)
    barred: np.ndarray    # an `l`/`I` whose top is a bar wider than the stem (a serifed `I`)
    ringed: np.ndarray    # a `0`/`O` drawn as a closed ring (``_ring``)
    crossed: np.ndarray   # a `0`/`O` with ink in its counter (a slashed or dotted zero)
    dot_over: np.ndarray  # an `l`/`I`/`1` with a dot over its stem, apart or joined by blur: an `i`
    flagged: np.ndarray   # an `l`/`I` with a `1`'s flag (``_flagged``)
    serif_top: np.ndarray  # an `l`/`I`/`1` with a thin serif out left at its very top (``_serif_topped``)
    plain: np.ndarray     # an `l`/`I` drawn as a bare stem: no serif, bar, wedge or tail (``_plain_stem``)
    serifs: list[str]     # an `l`/`I`'s serifs say which it is ("l", "I"; "" where they do not)
    stems: np.ndarray     # the ink across an upright stem standing alone (``_stem_ink``; NaN: none measured)
    feet: np.ndarray      # how far a left-stem glyph's foot reaches out left (``_left_foot``; NaN: not measured)


def _measure(even: np.ndarray, value: str, centers: list[float] | None) -> _Glyphs | None:
    """Each character's glyph measured (``_Glyphs``); None when no glyph pairs with a character."""
    _, ink = cv2.threshold(even, 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    boxes = _glyphs(ink)  # labelled once: paired in order, or else by the recogniser's centres
    glyphs = _paired(boxes, len(value), None)
    in_order = glyphs is not None
    if glyphs is None:
        glyphs = _paired(boxes, len(value), centers)
    if glyphs is None:
        return None
    strength = (255.0 - even.astype(np.float32)) / 255.0
    xs, tops, bottoms, cut, widths, stacked, dotted, barred, crossed, dot_over, flagged, ringed, serif_top, plain, stems, feet = \
        ([] for _ in range(16))
    serifs: list[str] = []
    weigh = "l" in value or "I" in value  # stems and feet are measured for an `l`/`I` only (their only use)
    for ch, glyph in zip(value, glyphs):
        if glyph is None:
            for a in (xs, tops, bottoms, widths, stems, feet):
                a.append(float("nan"))
            cut.append(True)
            stacked.append(False)
            dotted.append(False)
            barred.append(False)
            crossed.append(False)
            ringed.append(False)
            dot_over.append(False)
            flagged.append(False)
            serif_top.append(False)
            plain.append(False)
            serifs.append("")
            continue
        x0, x1, mask, pieces = glyph
        widths.append(float(x1 - x0))
        rows = np.where(mask, strength[:, x0:x1], 0.0).max(axis=1)
        xs.append(0.5 * (x0 + x1))
        tops.append(_edge(rows, True))
        bottoms.append(_edge(rows, False))
        stacked.append(pieces > 1 or _dotted(rows, tops[-1], bottoms[-1]))
        dotted.append(ch in "jJ" and pieces > 1 and _dot_above(mask))  # read for the j/J candidates only
        barred.append(ch in "lI" and _bar_top(mask, tops[-1], bottoms[-1]))  # read for the l/I candidates only
        closed, inked = _ring(mask) if ch in "0O" else (False, False)
        ringed.append(closed)
        crossed.append(inked)
        dot_over.append(ch in "lI1" and (_dot_above(mask, sized=True) if pieces > 1
                                        else _fainter_above(rows, tops[-1], bottoms[-1], DOT_FAINT)))
        serifs.append(_serif_sides(mask, tops[-1], bottoms[-1]) if ch in "lI" and pieces == 1 else "")
        flagged.append(ch in "lI" and pieces == 1 and _flagged(mask, tops[-1], bottoms[-1]))
        serif_top.append(ch in "lI1" and pieces == 1 and not flagged[-1] and _serif_topped(mask, tops[-1], bottoms[-1]))
        plain.append(ch in "lI" and pieces == 1 and _plain_stem(mask, tops[-1], bottoms[-1]))
        bands = _STEM_ROWS.get(ch)
        stems.append(_stem_ink(strength, mask, x0, bands) if weigh and bands and pieces == 1 else float("nan"))
        feet.append(_left_foot(strength, mask, x0) if weigh and ch in LEFT_FOOT_STEMS and pieces == 1 else float("nan"))
        cut.append(bool(mask[0].any() or mask[-1].any()))
    return _Glyphs(np.array(xs), np.array(tops), np.array(bottoms), np.array(cut), np.array(widths), in_order,
                   np.array(stacked), np.array(dotted), np.array(barred), np.array(ringed), np.array(crossed),
                   np.array(dot_over), np.array(flagged), np.array(serif_top), np.array(plain), serifs, np.array(stems),
                   np.array(feet))


def _stem_ink(strength: np.ndarray, mask: np.ndarray, x0: int, bands: tuple[tuple[float, float], ...]) -> float:
    """The ink across a glyph's upright stem: in each of ``bands``' rows, the strength summed over
    the first run of ink from the left and ``STEM_MARGIN_PX`` either side (not past halfway to the
    next run), the median over the rows.  Blur spreads a stem but keeps its ink, so the sum tells
    stems a fraction of a pixel apart where their thresholded widths cannot."""
    ys = np.flatnonzero(mask.any(axis=1))
    if ys.size < 6:
        return float("nan")
    t, h = int(ys[0]), int(ys[-1] - ys[0] + 1)
    sums = []
    for lo, hi in bands:
        for y in range(t + int(lo * h), t + max(int(lo * h) + 1, int(hi * h))):
            xs = np.flatnonzero(mask[y])
            if xs.size == 0:
                continue
            a = b = int(xs[0])
            while b + 1 < mask.shape[1] and mask[y, b + 1]:
                b += 1
            right = b + 1 + STEM_MARGIN_PX
            after = xs[xs > b + 1]
            if after.size:
                right = min(right, (b + 1 + int(after[0])) // 2 + 1)
            sums.append(float(strength[y, max(0, x0 + a - STEM_MARGIN_PX):x0 + right].sum()))
    return float(np.median(sums)) if sums else float("nan")


def _left_foot(strength: np.ndarray, mask: np.ndarray, x0: int) -> float:
    """How far a glyph's foot reaches out left of its first stem: the ink (the glyph's own, and what
    blur spread a pixel around it) left of the stem's left edge in its bottom tenth, less what lies
    there in its lower middle (blur spreads a bare stem's edge as much), as a share of a stem row's
    ink.  The edge is fitted through the lower middle, so a slanted stem is followed to its foot.
    A serifed face's foot serif reaches out in grey even where thresholding loses it (a 12 px
    Times capital's serif is a pixel); a sans face's foot has nothing there.  NaN where the glyph is
    too small or a row holds no ink."""
    ys = np.flatnonzero(mask.any(axis=1))
    if ys.size < 8:
        return float("nan")
    t, b = int(ys[0]), int(ys[-1])
    h = b - t + 1
    middle = range(t + int(0.55 * h), t + int(0.8 * h) + 1)
    edges = []
    for y in middle:
        xs = np.flatnonzero(mask[y])
        if not xs.size:
            return float("nan")
        edges.append(x0 + int(xs[0]))
    fit = np.polyfit(list(middle), edges, 1) if len(edges) > 1 else np.array([0.0, float(edges[0])])
    # The glyph's own ink lies within a pixel of its box: only those columns are dilated (``lo`` on).
    lo, hi = max(0, x0 - 1), min(strength.shape[1], x0 + mask.shape[1] + 1)
    own = np.zeros((strength.shape[0], hi - lo), np.uint8)
    own[:, x0 - lo:x0 - lo + mask.shape[1]] = mask
    ink = strength[:, lo:hi] * cv2.dilate(own, np.ones((3, 3), np.uint8))
    reach = 0.3 * h

    def out_and_stem(y: int) -> tuple[float, float]:
        """Row ``y``'s ink left of the stem's edge (within ``reach``), and across the stem's edge."""
        edge = int(round(float(np.polyval(fit, y)))) - lo
        return float(ink[y, max(0, int(edge - reach)):max(0, edge - 1)].sum()), float(ink[y, max(0, edge - 1):max(0, edge + 3)].sum())

    rows = [out_and_stem(y) for y in middle]
    spill, stem = float(np.mean([o for o, _ in rows])), float(np.median([e for _, e in rows]))
    if stem <= 0:
        return float("nan")
    foot = range(b - max(1, round(0.1 * h)) + 1, b + 1)
    return (float(np.mean([out_and_stem(y)[0] for y in foot])) - spill) / stem


def _serifed(value: str, feet: np.ndarray, cut: np.ndarray) -> bool:
    """Is the line set in a serifed face, its left-stem glyphs (``LEFT_FOOT_STEMS``) standing on
    foot serifs (``_left_foot``)?  There `l` and `I` are drawn apart (an `I`'s bar, an `l`'s serif
    on the left only), so two readers agreeing on one is evidence, as it is not in a sans face."""
    found = sorted(float(feet[k]) for k, c in enumerate(value) if c in LEFT_FOOT_STEMS and not cut[k] and np.isfinite(feet[k]))
    # The lower median: of two feet, both must reach out (one blurred glyph or a neighbour's ink is no face).
    return len(found) >= SERIFED_GLYPHS and found[(len(found) - 1) // 2] >= SERIFED_FOOT


def _evened(crop: np.ndarray) -> tuple[np.ndarray, float] | None:
    """The crop grey, dark type on an even light ground, at most ``MAX_HEIGHT_PX`` high (a close-up's
    crop: differences of 3 % are several pixels well below this height, and the blur and component
    search on a 300 px crop cost 80 ms), and the scale it was brought to; None when too small."""
    if crop.size == 0:
        return None
    grey = crop if crop.ndim == 2 else cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    if grey.shape[0] < 12:
        return None
    f = 1.0
    if grey.shape[0] > MAX_HEIGHT_PX:
        f = MAX_HEIGHT_PX / grey.shape[0]
        grey = cv2.resize(grey, (max(1, round(grey.shape[1] * f)), MAX_HEIGHT_PX), interpolation=cv2.INTER_AREA)
    even = even_line_light(grey, 24)
    if np.median(even) < 128:
        even = 255 - even
    return even, f


def _paired_glyphs(crop: np.ndarray, value: str,
                   centers: list[float] | None = None) -> list[tuple[int, int, np.ndarray, int] | None] | None:
    """The evened crop's glyphs (``_glyph_boxes``), one per character of ``value``: in order where
    the count matches, else by ``centers`` (the crop's pixels); None when the crop is too small or
    nothing pairs."""
    prepared = _evened(crop)
    if prepared is None:
        return None
    even, f = prepared
    _, ink = cv2.threshold(even, 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return _glyph_boxes(ink, len(value), [c * f for c in centers] if centers is not None else None)


def glyphs_as_many_as(crop: np.ndarray, value: str) -> bool:
    """Does the crop hold as many glyphs as ``value`` has characters (pieces stacked in one column,
    an `i`'s dot, counted as one glyph), each as narrow as one character?  Then no character was
    dropped: a reader that read one more saw a glyph twice.  Glyphs that touch count as one: a
    count short of the value says nothing, and a glyph wider than the line's tall glyphs are high
    (not `W`, `M`, `m`, `w`) is two run together, which could even the count with one dropped."""
    boxes = _paired_glyphs(crop, value) if value else None
    if boxes is None:
        return False
    heights = [int(np.ptp(np.flatnonzero(mask.any(axis=1)))) + 1 for _, _, mask, _ in boxes if mask.any()]
    tall = float(np.percentile(heights, 90)) if heights else 0.0
    return all(x1 - x0 <= _widest(c, in_order=False) * tall for (x0, x1, _, _), c in zip(boxes, value))


def _level_measure(crop: np.ndarray, value: str,
                   centers: list[float] | None) -> tuple[_Glyphs, np.ndarray, list[int], np.ndarray] | None:
    """The crop's glyphs measured (``_measure``) once the line is sheared level, the baseline
    fitted through the glyphs that sit on it, their indices, and each glyph's height above it;
    heights and widths are evened for a size that grows along the line (``_size_trend``).  None
    when too few glyphs pair."""
    prepared = _evened(crop)
    if prepared is None:
        return None
    even, f = prepared
    centers = [c * f for c in centers] if centers is not None else None
    g = _measure(even, value, centers)
    if g is None:
        return None
    on_base = [k for k, c in enumerate(value) if c not in _DESCENDERS and c.isalnum() and np.isfinite(g.tops[k])]
    if len(on_base) < 4:
        return None
    base = _robust_line(g.xs[on_base], g.bottoms[on_base])
    if base is None:
        return None
    if abs(base[0]) * even.shape[1] > 0.5:
        level = np.float32([[1, 0, 0], [-base[0], 1, base[0] * even.shape[1] / 2]])
        even = cv2.warpAffine(even, level, (even.shape[1], even.shape[0]), flags=cv2.INTER_LINEAR,
                              borderMode=cv2.BORDER_REPLICATE)
        g = _measure(even, value, centers)
        if g is None or any(not np.isfinite(g.tops[k]) for k in on_base):
            return None
        base = _robust_line(g.xs[on_base], g.bottoms[on_base])
        if base is None:
            return None
    heights = np.polyval(base, g.xs) - g.tops
    size = _size_trend(value, g.xs, heights, g.cut)
    if size is not None:
        g = g._replace(widths=g.widths / size, stems=g.stems / size)
        heights = heights / size
    return g, base, on_base, heights


#: The groups of glyphs drawn to one height, whose heights show the type's size along the line.
_SIZE_GROUPS = (CAP_REFS, FIGURE_REFS, SHORT_REFS, ASC_REFS)
#: A size trend is taken out only when this many standard errors from none, over at least this many
#: glyphs spread over this share of the line, and at most this change end to end (more is no perspective).
SIZE_TREND_SE, SIZE_TREND_MIN, SIZE_TREND_SPREAD, SIZE_TREND_MOST = 3.0, 5, 0.5, 0.25


def _size_trend(value: str, xs: np.ndarray, heights: np.ndarray, cut: np.ndarray) -> np.ndarray | None:
    """Each glyph's size relative to the line's middle, where the type grows steadily along the
    line: a page photographed at a slant that rectifying left a little in perspective (seed 33's
    C059 photo: capitals 18.1 px high at the line's start, 18.8 at its end, where the `I` stood
    19.3 and was named `l` for standing above them).  Fitted to the logarithm of the heights of the
    glyphs of one height (flat capitals, figures, `a e m n r`, `b d h k`), one level per group and
    a slope shared; None where the heights show no clear trend."""
    ok = np.isfinite(heights) & ~cut & (heights > 0)
    dx: list[float] = []
    dy: list[float] = []
    used: list[int] = []
    groups = 0
    for group in _SIZE_GROUPS:
        members = [k for k, c in enumerate(value) if c in group and ok[k]]
        if len(members) < 2:
            continue
        x, y = xs[members], np.log(heights[members])
        dx += list(x - x.mean())
        dy += list(y - y.mean())
        used += members
        groups += 1
    dof = len(dx) - groups - 1
    if len(dx) < SIZE_TREND_MIN or dof < 2:
        return None
    vx, vy = np.array(dx), np.array(dy)
    span = float(np.nanmax(xs) - np.nanmin(xs))
    sxx = float(vx @ vx)
    if span <= 0 or np.ptp(xs[used]) < SIZE_TREND_SPREAD * span or sxx <= 0:
        return None
    slope = float(vx @ vy) / sxx
    se = float(np.sqrt(float(np.sum((vy - slope * vx) ** 2)) / dof / sxx))
    if abs(slope) < SIZE_TREND_SE * se or abs(slope) * span > SIZE_TREND_MOST:
        return None
    return np.exp(slope * (xs - float(np.nanmean(xs))))


#: A `7` read as `1` (``sevens``): its top rows (SEVEN_TOP of its height) inked across SEVEN_BAR of
#: its width or more (the bar), its bottom rows (SEVEN_FOOT) across at most SEVEN_STEM (one stem's
#: foot, no base), and either that foot in its left SEVEN_LEFT or the glyph SEVEN_WIDE of its height
#: wide or more (a `1` with a flat flag, URW Gothic's, is narrow with its foot at the right; an
#: upright-stemmed `7`, Cantarell's, is wide with its foot there too).  On degraded renders of random
#: figure codes in every installed face (tools/linegen.py, 12-48 px; seeds 1, 2, 3: 1,500 lines each)
#: it named 2,437, 2,364 and 2,365 of 2,923, 2,849 and 2,841 `7`s, and 2, 1 and 6 of 2,649, 2,664 and
#: 2,695 `1`s (Open Sans and Roboto Bold, Cantarell, Carlito, Termes, Nimbus Roman, 12-30 px).
SEVEN_TOP, SEVEN_BAR, SEVEN_FOOT, SEVEN_STEM, SEVEN_LEFT, SEVEN_WIDE = 0.06, 0.8, 0.12, 0.5, 0.55, 0.5
#: A glyph as wide as this share of its height or more is no single figure (two run together).
SEVEN_WIDEST = 0.85
#: A `1` the shape calls a `7` is changed and always shown for review (0.1 % of `1`s are called so).
SEVEN_ERROR = 0.03


def sevens(crop: np.ndarray, value: str, centers: list[float] | None = None) -> dict[int, Verdict]:
    """The `1`s of a code of figures (an ODS code, an account ID) whose glyph is a `7`'s: a bar
    across its top over one stem's foot (``SEVEN_TOP``...).  The recogniser reads some faces' `7`s,
    their stems near upright, as `1` (12 of the 20 figures wrong in the codes of the samples and
    independent seeds 60-95: close-ups and clean renders in Carlito, Cantarell, Inconsolata, TeX
    Gyre Termes and Cursor, Nimbus Roman Bold, FreeMono).  ``centers``: where the recogniser placed
    each character, to pair glyphs with characters when the count is off; glyphs cut by the crop's
    edge are not measured."""
    boxes = _paired_glyphs(crop, value, centers) if "1" in value else None
    if boxes is None:
        return {}
    out: dict[int, Verdict] = {}
    for i, (c, box) in enumerate(zip(value, boxes)):
        if c != "1" or box is None:
            continue
        mask = box[2]
        rows = np.flatnonzero(mask.any(axis=1))
        if rows.size < MIN_FIGURE_PX or mask[0].any() or mask[-1].any():
            continue
        glyph = mask[rows[0]:rows[-1] + 1]
        h, w = glyph.shape
        top = np.flatnonzero(glyph[:max(1, round(SEVEN_TOP * h))].any(axis=0))
        foot = np.flatnonzero(glyph[-max(1, round(SEVEN_FOOT * h)):].any(axis=0))
        if w >= SEVEN_WIDEST * h or not top.size or not foot.size:
            continue
        if top[-1] - top[0] + 1 >= SEVEN_BAR * w and foot[-1] - foot[0] + 1 <= SEVEN_STEM * w and \
                (foot.mean() + 0.5 <= SEVEN_LEFT * w or w >= SEVEN_WIDE * h):
            out[i] = Verdict("7", "1", SEVEN_ERROR)
    return out


class OwnZeros(NamedTuple):
    """How a letter draws its zeros, measured on a code read with figures only where it matters
    (an account ID, an ODS code): the yardstick ``look_alikes`` holds a key's `0`/`O` candidates to,
    the codes being printed alike."""

    aspect: float | None  # median width / height of a plain zero (None where they are marked)
    marked: bool          # half the zeros measured or more hold a dot or a slash (``_ring``)


def own_zeros(crop: np.ndarray, value: str) -> OwnZeros | None:
    """The letter's own zeros (``OwnZeros``).  Where glyphs touch (a bold `77`), each run of them
    is given as many characters as its width holds (``_run_centers``).  None without a zero
    measured clear of the crop's edges, or with more plain ones than marked (a mark blurred away?)."""
    if "0" not in value:
        return None
    measured = _level_measure(crop, value, None)
    if measured is None or not measured[0].in_order:
        centers = _run_centers(crop, value)
        measured = _level_measure(crop, value, centers) if centers is not None else None
    if measured is None:
        return None
    g, _, on_base, heights = measured
    zeros = [k for k in on_base if value[k] == "0" and not g.cut[k] and heights[k] >= MIN_FIGURE_PX]
    if not zeros:
        return None
    marks = int(g.crossed[zeros].sum())
    if 2 * marks >= len(zeros):  # (blur may take one zero's mark and leave another's)
        return OwnZeros(None, True)
    if marks:
        return None
    return OwnZeros(float(np.median([g.widths[k] / heights[k] for k in zeros])), False)


def _run_centers(crop: np.ndarray, value: str) -> list[float] | None:
    """Where each character of a code of figures stands, in the crop's pixels, where some glyphs
    touch: each glyph (a run of touching ones) holds as many characters as its width is figures'
    widths (the median glyph's; at least one), the characters spread evenly over it.  None unless
    the runs hold exactly as many characters as ``value`` has, so a miscounted run (a narrow `11`
    taken for one figure) gives no pairing rather than a shifted one."""
    prepared = _evened(crop)
    if prepared is None:
        return None
    even, f = prepared
    _, ink = cv2.threshold(even, 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    boxes = _glyphs(ink)
    if not boxes:
        return None
    widths = np.array([x1 - x0 for x0, x1, _, _ in boxes], float)
    one = float(np.median(widths))
    if one <= 0:
        return None
    counts = [max(1, round(w / one)) for w in widths]
    if sum(counts) != len(value):
        return None
    centers: list[float] = []
    for (x0, x1, _, _), k in zip(boxes, counts):
        centers += [(x0 + (j + 0.5) * (x1 - x0) / k) / f for j in range(k)]
    return centers


def look_alikes(crop: np.ndarray, value: str, centers: list[float] | None = None,
                zero: OwnZeros | None = None) -> dict[int, Verdict]:
    """What the shapes of the look-alike characters in ``value`` (as read from ``crop``) rule
    out, by index: case twins by height (``_case``), `l`/`I` by height (``_l_or_I``), `j`/`J` by
    the dot and the baseline (``_j_or_J``), an `i` or `1` read as `l` by its dot or flag (``_sitting``), `0`/`O` by
    width (``_zero_or_O``) and, where the figures stand above the capitals, by height
    (``_zero_or_O_by_height``; where the two disagree, neither speaks).  ``centers``: where the recogniser placed each character, to pair
    glyphs with characters when some glyphs touch.  ``zero``: the letter's own zeros, where its other
    codes showed them (``own_zeros``): a plain zero's width for its height (``_unlike_own_zeros``), or
    that the face marks its zeros (``_unmarked_rings``).  On a serifed line (``_serifed``) an `l` or
    `I` nothing else spoke for gets a verdict that rules nothing out: the face draws the two apart,
    so the vote takes two readers agreeing on one as evidence (``reading.AGREEMENT_WEAK`` is for
    faces that draw them alike).

    Heights are measured from a baseline fitted through the glyphs that sit on it, after the
    crop is sheared level (on a line running uphill a wide glyph's corner would otherwise stand
    taller than a narrow stem).  Glyphs cut by the crop's edge are not measured.
    """
    # Only a value with an `l`, `I`, `0` or `O` is measured, so case twins are checked only there
    # (a value whose only look-alikes are `j`/`J` is measured for those alone).
    # Checking every value was measured too (3,200 held-out renders): case verdicts 7,962 -> 10,177
    # but wrong 2 -> 8, and the vote's silent-wrong keys 1 -> 2 of 1,600; not taken.
    if not any(c in "lI0OjJ" for c in value):
        return {}
    measured = _level_measure(crop, value, centers)
    if measured is None:
        return {}
    g, base, on_base, heights = measured
    scale = float(np.median(heights[on_base]))
    # Two glyphs taken for one are wider than the tallest glyphs are high (an `O` is not: 0.8-1.0 of
    # the capitals' height); measured against the median height, an x-height on a line of mostly
    # lower case, a wide `O` or `D` looked like two glyphs and the whole line went unmeasured.
    tall = float(np.percentile(heights[on_base], 90))
    if any(w > _widest(c, g.in_order) * tall for w, c in zip(g.widths, value) if np.isfinite(w)) or \
            any(w < 0.2 * scale for w, c in zip(g.widths, value) if c not in _NARROW and np.isfinite(w)):
        return {}  # two glyphs taken for one (and another split in two, or a sliver paired): the mapping is off
    # Case calls from a partial pairing were wrong 17 times in 2,660 on held-out renders (3 in
    # 7,962 when every glyph paired up): a glyph the recogniser's centre landed on may be half a pair.
    drops = g.bottoms - np.polyval(base, g.xs)
    js = _j_or_J(value, heights, drops, g.cut, g.stacked, g.dotted) if g.in_order else {}
    if not any(c in "lI0O" for c in value):
        return js
    verdicts = {**(_case(value, heights, g.cut) if g.in_order else {}),
                **_l_or_I(value, heights, g.cut | g.stacked, g.barred, g.serifs, g.plain), **js,
                **_sitting(g.dot_over & ~g.cut, drops, scale, Verdict("i", "lI1|", LOOK_ALIKE_ERROR)),
                **_sitting(g.flagged & ~g.cut & ~_above_figures(value, heights, g.cut), drops, scale,
                           Verdict("1", "lI|", LOOK_ALIKE_ERROR))}
    for i, v in _sitting(g.serif_top & ~g.cut, drops, scale, Verdict("l", "1", LOOK_ALIKE_ERROR)).items():
        old = verdicts.setdefault(i, v)
        if old.char == "l" and "1" not in old.rules_out:  # also not a `1`, where the height said not an `I`
            verdicts[i] = Verdict("l", old.rules_out + "1", old.error)
    for i, v in _l_or_I_by_stems(value, g.stems, g.plain, g.cut).items():
        # The stem speaks only where nothing surer did, and only against the reading or a doubt.
        if (i in verdicts and verdicts[i].doubtful) or (i not in verdicts and v.char != value[i]):
            verdicts[i] = v
    if _serifed(value, g.feet, g.cut):
        for i, c in enumerate(value):
            if c in "lI" and i not in verdicts and not (g.cut[i] or g.stacked[i]):
                verdicts[i] = Verdict(c, "", 0.0)  # drawn apart: the readers' agreement counts (``reading.vote``)
    zeros = _zero_or_O_all(value, g, heights, zero is not None and zero.marked)
    for i, v in zeros.items():
        if i in verdicts and verdicts[i].char == "o":
            del verdicts[i]  # short for its height, yet as wide as a capital: the two disagree
        elif i in verdicts:
            verdicts[i] = Verdict(v.char, v.rules_out + verdicts[i].rules_out, v.error)  # tall, and not an O
        else:
            verdicts[i] = v
    if g.in_order:
        for i in _zero_or_O_doubts(value, g.widths, g.cut, set(zeros)):
            v = verdicts.get(i, Verdict(value[i], "", 0.0))
            verdicts[i] = Verdict(v.char, v.rules_out, v.error, doubtful=True)
    if zero is not None and zero.aspect is not None:
        for i in _unlike_own_zeros(value, g, heights, zero.aspect, verdicts):
            v = verdicts.get(i, Verdict(value[i], "", 0.0))
            verdicts[i] = Verdict(value[i], "".join(c for c in v.rules_out if c not in "0O"), v.error, doubtful=True)
    return verdicts


#: A glyph taken for an `O` whose width for its height is at most this share above the letter's own
#: zeros' (``own_zeros``) may be a zero; one taken for a `0` this much wider than they are may be
#: an `O`.  For its height an `O` is 1.13-1.45 times as wide as its face's zero in most of the 195
#: upright faces installed here (Karla and Courier Prime 1.13, Cabin 1.17, DejaVu Sans 1.29, Liberation
#: Sans 1.42); in monospaced faces with a plain zero about as wide (Liberation Mono 1.05, PT Mono 1.0),
#: where width cannot tell them and an `O` is flagged too.  A dotted or slashed zero is not measured.
ZERO_LIKE, ZERO_UNLIKE = 0.06, 0.15


def _unlike_own_zeros(value: str, g: _Glyphs, heights: np.ndarray, zero: float,
                      verdicts: dict[int, Verdict]) -> list[int]:
    """The `0`/`O` candidates that the letter's own zeros, measured on its other codes, put in
    doubt: taken for an `O` (by the readers, or by a width verdict) yet no wider for their height than
    those zeros, or taken for a `0` yet clearly wider.  Where a face's zero is as wide as another
    face's `O` (Cabin's: 1.30 times its figures, as wide as its `C`), the widths against the key's
    own figures and capitals name it `O`, and the recogniser and Tesseract read it so, sure and
    wrong (independent seeds 16, 25, 31); the letter's account ID shows how wide its zeros are."""
    out = []
    for i, c in enumerate(value):
        if c not in "0O" or g.cut[i] or not np.isfinite(g.widths[i]) or heights[i] < MIN_FIGURE_PX:
            continue
        claimed = verdicts[i].char if i in verdicts and verdicts[i].char in "0O" else c
        ratio = float(g.widths[i] / heights[i]) / zero
        # (An `O` narrower still is no `O`: seed 35's clean Cabin `0`, read `O`, was 7 % narrower for
        # its height than the ODS code's zero, and only one as wide within 6 % was doubted.)
        if (claimed == "O" and ratio <= 1.0 + ZERO_LIKE) or (claimed == "0" and ratio >= 1.0 + ZERO_UNLIKE):
            out.append(i)
    return out


#: A glyph wider than this many of the line's tall glyphs' heights is two glyphs taken for one ...
MERGED_WIDTH = 1.3
#: ... or, paired in order (as many glyphs as characters), a wide round capital this many: a
#: Bookman `O` stands 1.07 as wide as high, and a photo's blur spreads it to 1.35 (seed 30's
#: TeX Gyre Bonum photo, where the line went unmeasured and a `0` read `O` went unflagged).
MERGED_WIDTH_WIDE = 1.5
_WIDE_CAPITALS = set("OQCGDVAXYHNUK")


def _widest(c: str, in_order: bool) -> float:
    """How wide (in tall glyphs' heights) a glyph read as ``c`` may be and still be one glyph; a wide
    round capital is given more room only where the glyphs paired with the characters in order."""
    if c in "WMmw":
        return float("inf")
    return MERGED_WIDTH_WIDE if in_order and c in _WIDE_CAPITALS else MERGED_WIDTH


def _zero_or_O_doubts(value: str, widths: np.ndarray, cut: np.ndarray, settled: set[int]) -> list[int]:
    """The `0`s and `O`s the widths leave in doubt, where no yardstick settled them: an `O` less
    than ``O_OVER_FIGURES`` times as wide as the line's figures, or a `0` wider.  A `0` is as wide as the figures in
    every face (tabular figures); an `O` is 1.15-1.45 times that in proportional faces, but only
    1.10 in Karla and about as wide in monospaced ones, where the recogniser alone tells them
    apart, by the oval's shape.  And an `O` a pixel or more narrower than the line's `C G Q D`:
    it is at least as wide as they are in every face measured (0.98-1.27 of a `C` in 46 families),
    a `0` may be 0.6-1.0 of it.  On letters from a second generator (Chromium renders, fonts
    such as Karla, Cantarell and Lato) the recogniser and Tesseract both read such a `0` as `O`,
    posterior 0.98-0.99: a sure reading that was wrong, and unflagged.  Where no figure measures
    them, a `0` as wide as the `C G Q D` (within half a pixel) is in doubt too (seed 32's FreeSerif
    `O`s read `0`; on renders of such keys, Os read `0` questioned 0 -> 30-43 of 45 in 15 of 16 faces, 12 in Caladea; real
    zeros doubted in Cabin 18, Karla 11, Caladea 8, DejaVu Sans Mono 1, others none), and so is an
    `O` narrower than the flat capitals (``O_UNDER_FLATS``)."""
    figures = [widths[k] for k, c in enumerate(value) if c in FIGURE_REFS and not cut[k]]
    rounds = [widths[k] for k, c in enumerate(value) if c in TRUE_ROUNDS and not cut[k]]
    flats = [widths[k] for k, c in enumerate(value) if c in NARROW_CAPS and not cut[k]]
    fig = float(np.median(figures)) if figures else 0.0
    rnd = float(np.median(rounds)) if rounds else 0.0
    flat = float(np.median(flats)) if len(flats) >= 2 else 0.0
    out = []
    for i, c in enumerate(value):
        if i in settled or cut[i] or c not in "0O":
            continue
        by_figures = fig >= MIN_FIGURE_PX and (widths[i] < O_OVER_FIGURES * fig if c == "O" else widths[i] > O_OVER_FIGURES * fig)
        by_rounds = rnd >= MIN_FIGURE_PX and (widths[i] < rnd - 0.5 if c == "O" else
                                              fig < MIN_FIGURE_PX and widths[i] >= rnd - 0.5)
        by_flats = c == "O" and fig < MIN_FIGURE_PX and flat >= MIN_FIGURE_PX and widths[i] < flat - max(O_UNDER_FLATS_PX, O_UNDER_FLATS * flat)
        if by_figures or by_rounds or by_flats:
            out.append(i)
    return out


def _zero_or_O_all(value: str, g: _Glyphs, heights: np.ndarray, marked: bool = False) -> dict[int, Verdict]:
    """The `0`/`O` verdicts together: by width (``_zero_or_O``), a ring with ink in its counter
    always a zero, one without an `O` in a face that marks its zeros (``_unmarked_rings``; ``marked``:
    the letter's other codes showed it does), and by height (``_zero_or_O_by_height``) where the width said nothing; where
    the width and the height disagree, neither speaks."""
    # Paired in order, or every candidate a closed ring: no candidate is half of a broken `O`.
    rings = all(g.ringed[i] for i, c in enumerate(value) if c in "0O" and not g.cut[i])
    out = _zero_or_O(value, g.widths, g.cut, g.in_order or rings)
    for i in np.flatnonzero(g.crossed & ~g.cut):
        out[int(i)] = Verdict("0", "Oo", LOOK_ALIKE_ERROR)
    for i, v in _unmarked_rings(value, g, heights, marked).items():
        out.setdefault(i, v)
    for i, v in _zero_or_O_by_height(value, heights, g.cut).items():
        if i in out and out[i].char != v.char:
            del out[i]
        elif i not in out:
            out[i] = v
    for i, v in _zero_by_narrowness(value, g.widths, heights, g.cut, None if g.in_order else g.ringed).items():
        out.setdefault(i, v)
    return out


#: An `O` named so because the face marks its zeros and this ring holds no mark: flagged for
#: review (``reading.CHAR_FLAG``), as blur may fill a zero's mark in or thin it away: on 1,500
#: degraded renders in 45 faces (a `0` and an `O` in each key, 9-40 px capitals) these verdicts
#: were right 219 times and wrong 5 (measured with ``look_alikes`` on ``tools/linegen.py`` renders).
UNMARKED_O_ERROR = 0.03


#: The height a ring must stand for an empty counter to say `O` on the strength of the letter's other
#: codes alone: on 2,300 degraded renders in the 18 installed faces that mark their zeros, with a
#: marked zero on the line, 1.2 % of the zeros 20 px high or more showed an empty ring (the dot
#: lost, or joined to the ring: measured before ``_inked_middle``), 8 % of those below.
MARK_SEEN_PX = 20


def _unmarked_rings(value: str, g: _Glyphs, heights: np.ndarray, marked: bool = False) -> dict[int, Verdict]:
    """In a face that marks its zeros (one glyph of the line read `0` or `O` holds ink in its
    counter: Fira Code's, DejaVu Sans Mono's slash, a dotted zero), a closed ring as tall with an
    empty counter is an `O` (seed 79's Fira Code scan: `j0RdL...h0L`, the first ring empty, read
    `0` by the recogniser, the second slashed).  ``marked``: the letter's other codes showed marked
    zeros; a ring as tall as the line's capitals and figures is then held to them (on independent
    seeds 60-92, 13 keys in Go Mono, DejaVu Sans Mono, JetBrains Mono, Fira Code and Inconsolata had
    an empty `O`, on a line with no zero, read `0`; the 5 whose rings stood 20 px or more are now
    right, for review)."""
    idx = [i for i, c in enumerate(value) if c in "0O" and not g.cut[i]]
    marked_here = [i for i in idx if g.crossed[i]]
    if marked_here:
        tall = float(np.min(heights[marked_here]))
    elif not marked:
        return {}
    else:
        refs = [k for k, c in enumerate(value) if c in TALL_REFS and not g.cut[k] and np.isfinite(heights[k])]
        tall = float(np.median(heights[refs])) if refs else 0.0
        if tall < MARK_SEEN_PX:
            return {}
    return {i: Verdict("O", "0", UNMARKED_O_ERROR) for i in idx
            if g.ringed[i] and not g.crossed[i] and heights[i] >= tall - _clear_gap(tall, 0.0)}


def _zero_by_narrowness(value: str, widths: np.ndarray, heights: np.ndarray, cut: np.ndarray,
                        ringed: np.ndarray | None = None) -> dict[int, Verdict]:
    """With no figure on the line to measure against, the flat capitals: a glyph read as `0` or
    `O` that stands as tall as they do but is clearly narrower is a `0` (Courier's zero is 0.7
    of its capitals' width, a proportional face's 0.75-0.85; an `O` is as wide as the capitals or
    wider in every face, a short `o` is ruled out by its height).  One-sided: a zero as wide as the
    capitals (DejaVu Sans Mono's) says nothing.  ``ringed``, where the glyphs were paired by the
    recogniser's centres: only a closed ring is a candidate, as half of an `O` whose thin sides broke
    in a blurred photo is as narrow as a zero (seed 32's FreeSerif `O`s, paired with their left
    halves, were named `0`)."""
    idx = [i for i, c in enumerate(value) if c in "0O" and not cut[i] and (ringed is None or ringed[i])]
    caps = [k for k, c in enumerate(value) if c in NARROW_CAPS and not cut[k]]
    if not idx or len(caps) < 2:
        return {}
    cap_w, cap_h = float(np.median(widths[caps])), float(np.median(heights[caps]))
    if cap_w < MIN_FIGURE_PX:
        return {}
    return {i: Verdict("0", "O", LOOK_ALIKE_ERROR) for i in idx
            if widths[i] <= NARROW_ZERO * cap_w - 1.0 and heights[i] >= cap_h - _clear_gap(cap_h, 0.0)}


def _case(value: str, heights: np.ndarray, cut: np.ndarray) -> dict[int, Verdict]:
    """Letters drawn alike in both cases (`c C`, `s S`, `x X` ...) differ in height: a capital
    stands at the cap height, its lower-case twin at the x-height, 65-80 % of it in text faces.
    The yardsticks are the line's letters that cannot be either: capitals and figures for the
    tall level, `a e m n r` for the short one."""
    idx = [i for i, c in enumerate(value) if c in CASE_PAIRS and not cut[i]]
    tall = [heights[k] for k, c in enumerate(value) if c in TALL_REFS and not cut[k]]
    short = [heights[k] for k, c in enumerate(value) if c in SHORT_REFS and not cut[k]]
    if not idx or not (tall or short):
        return {}
    if tall and short:
        hi, lo = float(np.median(tall)), float(np.median(short))
        if lo > 0.85 * hi:
            return {}  # no clear x-height below the capitals: mis-measured, or a small-caps face
    elif tall:
        hi = float(np.median(tall))
        lo = X_HEIGHT_SHARE * hi
    else:
        lo = float(np.median(short))
        hi = lo / X_HEIGHT_SHARE
    out: dict[int, Verdict] = {}
    for i in idx:
        z = (float(heights[i]) - lo) / (hi - lo)
        low, up = value[i].lower(), value[i].upper()
        if z <= CASE_SURE:
            out[i] = Verdict(low, up + _TALL_TWINS.get(low, ""), CASE_ERROR)
        elif z >= 1.0 - CASE_SURE:
            out[i] = Verdict(up, low, CASE_ERROR)
    return out


def _above_figures(value: str, heights: np.ndarray, cut: np.ndarray) -> np.ndarray:
    """The glyphs that stand clearly above the line's figures, or above its flat-topped ones
    (``FLAT_FIGURES``): no `1` does, being one of them (a bold serif `l`'s wedge of a top serif
    looks like a `1`'s flag: Bookman Demi's, TeX Gyre Bonum Bold's, Charis Bold's; such an `l`
    rises to the ascender line above them)."""
    above = np.zeros(len(value), bool)
    for refs in (FIGURE_REFS, FLAT_FIGURES):
        figs = [heights[k] for k, c in enumerate(value) if c in refs and not cut[k]]
        if not figs:
            continue
        level = float(np.median(figs))
        gap = _clear_gap(level, float(np.ptp(figs))) * (1 if len(figs) >= 2 else 2)  # one figure: a weaker yardstick
        with np.errstate(invalid="ignore"):
            above |= heights - level >= gap
    return above & ~cut


def _l_or_I(value: str, heights: np.ndarray, cut: np.ndarray, barred: np.ndarray,
            serifs: list[str], plain: np.ndarray) -> dict[int, Verdict]:
    """`l` reaches the ascender line, `I` the cap height: only a clear difference speaks.  A
    candidate whose top is a bar (a serifed `I`) is measured against bar-topped capitals only; on a
    line with fewer than two flat capitals, the round ones and the figures give the cap height.
    An `l` proven by standing above every capital is an ascender yardstick too: beside it, a
    candidate level with the capitals is an `I`.  In serifed faces the serifs speak as well
    (``_by_serifs``), also where the heights are too close to tell."""
    idx = [i for i, c in enumerate(value) if c in "lI" and not cut[i]]
    out: dict[int, Verdict] = {}
    level: dict[int, tuple[float, float]] = {}  # candidate -> (its capitals' height, how far apart is clear)
    flat = sum(c in CAP_REFS and not cut[k] for k, c in enumerate(value))
    for i in idx:
        # Fewer than two flat capitals: the round ones and the figures stand in (``J_REFS``; their
        # 1-3 % overshoot widens the spread, and so the gap a verdict needs).
        refs = BAR_TOPS if barred[i] else CAP_REFS if flat >= 2 else J_REFS
        caps = [heights[k] for k, c in enumerate(value) if c in refs and not cut[k]]
        if len(caps) < 2:
            continue
        cap = float(np.median(caps))
        taller = _clear_gap(cap, max(caps) - min(caps))
        if float(heights[i]) - cap >= taller:
            out[i] = Verdict("l", "I", LOOK_ALIKE_ERROR)  # above every capital: only an ascender stands there
        else:
            level[i] = (cap, taller)
    ascs = [heights[k] for k, c in enumerate(value) if (c in ASC_REFS and not cut[k]) or k in out]
    if not ascs:
        return _level_l_doubted(_by_serifs(out, idx, serifs), value, heights, level, plain)
    asc = float(np.median(ascs))
    one = len(ascs) == 1
    for i, (cap, taller) in level.items():
        if asc - cap >= (2 * taller if one else max(taller, 2 * (max(ascs) - min(ascs)))):
            # Capitals and ascenders clearly apart, each group level: nearer the capitals is an I.
            z = (float(heights[i]) - cap) / (asc - cap)
            if abs(z) <= (Z_SURE / 2 if one else Z_SURE):
                out[i] = Verdict("I", "l", LOOK_ALIKE_ERROR)
    return _level_l_doubted(_by_serifs(out, idx, serifs), value, heights, level, plain)


def _l_or_I_by_stems(value: str, stems: np.ndarray, plain: np.ndarray, cut: np.ndarray) -> dict[int, Verdict]:
    """A bare stem read `l` or `I`, weighed by its ink against the line's other stems: in most sans
    faces a capital's stem is heavier than a lower-case one (TeX Gyre Heros and Nimbus Sans by
    12-19 %, Lato 11 %, FreeSans 12 %, DejaVu Sans 6 %; Open Sans, Roboto and Carlito not at all),
    and an `I` has a capital's stem, an `l` a lower-case one.  Said only where the line's capitals
    (``CAP_STEM_ROWS``) and lower case (``LOWER_STEM_ROWS``) stand ``STEMS_APART`` and clear of
    their own spread, and the stem within ``STEM_SIDE`` of that gap of one of them.  Each verdict
    is doubtful: it turns an unsure reading and leaves it flagged (``STEM_ERROR``)."""
    def weighed(group: dict) -> list[float]:
        return [float(stems[k]) for k, c in enumerate(value) if c in group and not cut[k] and np.isfinite(stems[k])]

    caps, lower = weighed(CAP_STEM_ROWS), weighed(LOWER_STEM_ROWS)
    if not caps or not lower:
        return {}
    cap, low = float(np.median(caps)), float(np.median(lower))
    spread = (np.ptp(caps) + np.ptp(lower)) / 2 if len(caps) > 1 and len(lower) > 1 else 0.0
    if cap < STEMS_APART * low or cap - low < spread:
        return {}
    out = {}
    for i, c in enumerate(value):
        if c not in "lI" or cut[i] or not plain[i] or not np.isfinite(stems[i]):
            continue
        z = (float(stems[i]) - low) / (cap - low)
        if z >= 1 - STEM_SIDE:
            out[i] = Verdict("I", "l", STEM_ERROR, doubtful=True)
        elif z <= STEM_SIDE:
            out[i] = Verdict("l", "I", STEM_ERROR, doubtful=True)
    return out


def _level_l_doubted(out: dict[int, Verdict], value: str, heights: np.ndarray,
                     level: dict[int, tuple[float, float]], plain: np.ndarray) -> dict[int, Verdict]:
    """An `l` read on a bare stem (``_plain_stem``) standing nearer the capitals' height than
    clearly above it, where nothing else settled it, is in doubt: in faces whose `l` reaches above
    the capitals such a stem is an `I`, and in the Helvetica-likes the two are drawn alike (a PT
    Sans `I` was read `l` with 0.99 certainty, seed 28; that face's `l` has a tail)."""
    for i, (cap, taller) in level.items():
        if value[i] == "l" and i not in out and plain[i] and heights[i] - cap < 0.5 * taller:
            out[i] = Verdict("l", "", 0.0, doubtful=True)
    return out


def _j_or_J(value: str, heights: np.ndarray, drops: np.ndarray, cut: np.ndarray,
            stacked: np.ndarray, dotted: np.ndarray) -> dict[int, Verdict]:
    """A `j` has its dot apart and hangs below the line; a `J` is one stroke as tall as the
    capitals, with no dot, and in most faces sits on the line (in some it hangs as a `j` does:
    DejaVu, Open Sans, Caladea, Palatino-like faces, a PDF scan's "mmLp1vJzaCOwl").  The
    capitals' height comes from the flat ones, the round ones and the figures (``J_REFS``): that
    scan's line has one flat capital.
    Renders of seeds 905-909 in held-out and training faces, every `j`/`J` read as `j`: right
    verdicts 444 -> 505 with the round capitals and figures, -> 574 with the hanging `J`, none
    wrong; the pipeline's key crops of the samples and six seeds: 54 -> 57 -> 66, none wrong.
    Drops below the baseline as shares of the capitals' height, on 1,478 held-out-font renders:
    every `j` 0.23-0.49, a `J` that sits -0.02-0.04.  On renders of other seeds 1,866 verdicts and
    on the samples' and tuning seeds' key crops 46, none wrong (`J` beside a noise sliver, or a
    slanted `j` whose dot stood apart, were wrong before ``_dot_above`` and the baseline test)."""
    caps = [heights[k] for k, c in enumerate(value) if c in J_REFS and not cut[k]]
    if len(caps) < 2:
        return {}
    cap = float(np.median(caps))
    out: dict[int, Verdict] = {}
    for i, c in enumerate(value):
        if c not in "jJ" or cut[i] or not np.isfinite(heights[i]):
            continue
        drop, height = float(drops[i]) / cap, float(heights[i]) / cap
        hangs = J_HANGS[0] < drop < J_HANGS[1]
        one_stroke = not stacked[i] and J_HEIGHT[0] <= height <= J_HEIGHT[1]  # no dot, a capital's height
        if one_stroke and abs(drop) < J_SITS:
            out[i] = Verdict("J", "j", LOOK_ALIKE_ERROR)  # sitting on the line
        elif one_stroke and hangs:
            out[i] = Verdict("J", "j", J_HANGING_ERROR)  # hanging: DejaVu's `J`, or a `j` blur joined
        elif dotted[i] and hangs:
            out[i] = Verdict("j", "J", LOOK_ALIKE_ERROR)
    return out


def _sitting(marked: np.ndarray, drops: np.ndarray, scale: float, verdict: Verdict) -> dict[int, Verdict]:
    """``verdict`` for each marked glyph that sits on the line: a stem read as `l`, `I` or `1`
    with a dot over it (``_Glyphs.dot_over``) is an `i`, one read as `l` or `I` with a `1`'s flag
    (``_Glyphs.flagged``) a `1` - unless it hangs below, as a `j` does (its dot, or a flag where
    blur joined its dot on).  Blur joins a small photo's dot to its stem, which then stands as
    tall as an `l`; the dot stays fainter than the stem.  On 1,800 held-out and training-font
    renders (seeds 701, 903, 705, 905; every `i`, `l`, `I`, `1`, `!`, `j`, `J`, `t` and `f` read as
    `l`) 124 `i` verdicts, none wrong; on the pipeline's key crops of the samples and seeds 31, 91,
    777, 1001, 4242 and 5150, 22 of 60 `i`s and 82 of 151 `1`s named, nothing else."""
    return {int(i): verdict for i in np.flatnonzero(marked & (np.abs(drops) < J_SITS * scale))}


def _by_serifs(out: dict[int, Verdict], idx: list[int], serifs: list[str]) -> dict[int, Verdict]:
    """Add what the serifs say (``_serif_sides``) to the height verdicts; where the two disagree,
    neither speaks."""
    for i in idx:
        said = serifs[i]
        if not said:
            continue
        if i in out and out[i].char != said:
            del out[i]
        elif i not in out:
            out[i] = Verdict(said, "I" if said == "l" else "l", LOOK_ALIKE_ERROR)
    return out


def _clear_gap(level: float, spread: float) -> float:
    """How far above a level of flat tops (measured ``spread`` apart among themselves) a glyph
    must stand to stand clearly higher.  Two equal flat tops measure about 1.5 % of the height
    apart after blur, JPEG and thresholding on held-out-font renders, never under a third of a
    pixel; and serifs (a `W`'s) may stand 2-3 % above the other capitals."""
    noise = max(NOISE_PX, NOISE_SHARE * level)
    return max(ONE_SIDED_NOISES * noise, ONE_SIDED_SHARE * level, 2 * spread)


def _zero_or_O(value: str, widths: np.ndarray, cut: np.ndarray, whole: bool) -> dict[int, Verdict]:
    """A `0` is as wide as the other figures (0.97-1.11 of their median in 29 faces measured); an
    `O` about as wide as the capitals `C D G Q H N U`, 1.27-1.57 times the figures' width in all
    but monospaced faces that draw both alike.  So both references must be on the line and clearly
    apart, and the candidate clearly nearer one of them.  Without round capitals on the line the
    flat ones stand in (an `O` is at least as wide as their median in every face measured).
    ``whole``: the glyphs paired in order, or every candidate a closed ring; else a `0` by its
    width against the figures and capitals is named for review only."""
    idx = [i for i, c in enumerate(value) if c in "0O"]
    figures = [widths[k] for k, c in enumerate(value) if c in FIGURE_REFS and not cut[k]]
    rounds = [widths[k] for k, c in enumerate(value) if c in ROUND_REFS and not cut[k]]
    if not rounds:  # the other capitals then: narrower than an O, but wide where the O is wide
        rounds = [widths[k] for k, c in enumerate(value) if c in CAP_REFS and not cut[k]]
    if not idx:
        return {}
    if not figures or not rounds:  # only from a whole pairing: a broken ring is a narrow glyph
        return _split_by_width(idx, widths, cut) if whole else {}
    fig, rnd = float(np.median(figures)), float(np.median(rounds))
    # The figures alike within 15 % or a pixel: widths are whole pixels, and at the text heights of
    # a photo (figures 13-15 px wide) a pixel is 7 %.
    if max(figures) > 1.15 * min(figures) + 1.0 or fig < MIN_FIGURE_PX:
        return {}
    sure = Z_SURE if len(figures) >= 2 else Z_SURE / 2  # one figure's width is a weaker yardstick
    out: dict[int, Verdict] = {}
    for i in idx:
        if cut[i] or rnd < WIDE_ROUND * fig:  # capitals hardly wider than the figures: no yardstick
            continue
        z = (widths[i] - fig) / (rnd - fig)
        if z <= sure and ZERO_LEAST * fig - 1.0 <= widths[i] <= ZERO_MOST * fig:
            # Paired by the recogniser's centres, a glyph may be half of an `O` whose thin top and
            # foot broke (seed 67's TeX Gyre Termes Bold `O`, 12 px of 22, called `0` unflagged):
            # then as narrow as a zero is no proof of one.
            out[i] = Verdict("0", "O", LOOK_ALIKE_ERROR, doubtful=not whole)
        elif z >= 1.0 - sure and widths[i] >= O_LEAST * fig:
            out[i] = Verdict("O", "0", LOOK_ALIKE_ERROR)
    for i, v in _split_beside_figures(idx, widths, cut, fig).items():
        if i in out and out[i].char != v.char:
            return {}  # the two yardsticks disagree: neither speaks
        out.setdefault(i, v)
    return out


def _split_beside_figures(idx: list[int], widths: np.ndarray, cut: np.ndarray, fig: float) -> dict[int, Verdict]:
    """The line's `0`s and `O`s split into a narrow and a wide group (``_split_by_width``), where
    the narrow ones are as wide as the figures and the wide ones clearly wider: the wide
    candidates are the round yardstick where the capitals are no help (flat capitals as narrow
    as the figures, or a narrow `C`).  Checked against the figures, a split from a partial
    pairing is safe too: half a broken `O` is narrower than a figure."""
    split = _split_by_width(idx, widths, cut)
    narrow = [float(widths[i]) for i, v in split.items() if v.char == "0"]
    wide = [float(widths[i]) for i, v in split.items() if v.char == "O"]
    if not narrow or not wide or min(wide) < WIDE_ROUND * fig or \
            not all(abs(w - fig) <= 0.15 * fig + 1.0 for w in narrow):
        return {}
    return split


def _zero_or_O_by_height(value: str, heights: np.ndarray, cut: np.ndarray) -> dict[int, Verdict]:
    """In faces whose figures stand clearly above the capitals (Courier's, 7-10 % taller), a `0`
    stands with the figures and an `O` with the capitals.  In most faces the two levels are one
    (lining figures) and nothing is said; old-style figures are not level among themselves, and
    nothing is said either.  (Without a figure on the line, a glyph standing above the capitals
    is not called a `0`: an `O` overshoots them by up to 7 % in Courier Bold, where a `0` may stand
    only 5 % higher. Measured on the held-out renders: at 3.5 % above, 14 keys mended and 17 truths
    ruled out; at 8 %, 8 mended and one ruled out.)"""
    idx = [i for i, c in enumerate(value) if c in "0O" and not cut[i]]
    figs = [heights[k] for k, c in enumerate(value) if c in FIGURE_REFS and not cut[k]]
    caps = [heights[k] for k, c in enumerate(value) if c in CAP_REFS and not cut[k]]
    rounds = [heights[k] for k, c in enumerate(value) if c in ROUND_TOPS and not cut[k]]
    if not idx or not figs or len(caps) < 2:
        return {}
    cap, fig = float(np.median(caps)), float(np.median(figs))
    # An O overshoots the flat capitals as the other round ones do (by up to 7 % in Courier Bold):
    # measured against them where the line has one.
    o_level = float(np.median(rounds)) if rounds else cap
    apart = _clear_gap(cap, max(float(np.ptp(caps)), float(np.ptp(figs))))
    if fig - o_level < (apart if len(figs) >= 2 else 2 * apart):  # one figure is a weaker yardstick
        return {}
    out: dict[int, Verdict] = {}
    for i in idx:
        z = (float(heights[i]) - o_level) / (fig - o_level)
        if abs(z) <= Z_SURE:
            out[i] = Verdict("O", "0", LOOK_ALIKE_ERROR)
        elif abs(z - 1.0) <= (Z_SURE if rounds else Z_SURE / 2) and (rounds or fig - cap >= O_OVERSHOOT * cap):
            # Without a round capital to show the O's overshoot, only a glyph right at the figures'
            # level, and only where they stand higher than an O may overshoot the flat capitals
            # (seed 58's Go Mono: figures 4.8 % above `K`, its `O` as tall as they, named `0`).
            out[i] = Verdict("0", "O", LOOK_ALIKE_ERROR)
    return out


def _split_by_width(idx: list[int], widths: np.ndarray, cut: np.ndarray) -> dict[int, Verdict]:
    """With no yardstick on the line, the `0`s and `O`s themselves: when they fall into a narrow
    and a wide group, each level within itself and clearly apart (an `O` is 1.18-1.58 times a `0`
    in every proportional face measured), the narrow ones are `0` and the wide ones `O`."""
    cands = sorted((float(widths[i]), i) for i in idx if not cut[i] and widths[i] >= MIN_FIGURE_PX)
    if len(cands) < 2:
        return {}
    ws = [w for w, _ in cands]
    k = max(range(1, len(ws)), key=lambda j: ws[j] / ws[j - 1])
    narrow, wide = ws[:k], ws[k:]
    if ws[k] / ws[k - 1] < SPLIT_GAP or narrow[-1] > SPLIT_LEVEL * narrow[0] or wide[-1] > SPLIT_LEVEL * wide[0]:
        return {}
    return {i: (Verdict("0", "O", LOOK_ALIKE_ERROR) if n < k else Verdict("O", "0", LOOK_ALIKE_ERROR))
            for n, (_, i) in enumerate(cands)}


def _robust_line(x: np.ndarray, y: np.ndarray) -> np.ndarray | None:
    """Least-squares line through (x, y), refitted once without points more than 1.5 px off."""
    if len(x) < 2 or float(np.ptp(x)) < 1:
        return None
    fit = np.polyfit(x, y, 1)
    keep = np.abs(np.polyval(fit, x) - y) <= 1.5
    if keep.sum() >= max(3, len(x) // 2):
        fit = np.polyfit(x[keep], y[keep], 1)
    return fit
