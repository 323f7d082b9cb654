"""The pipeline: every stage composed in one place, data flowing forward.

load -> page (find and flatten the sheet, turn it upright) -> panel (find the
code box) -> enhance (even light, OCR scale) -> OCR (words and labels; on a page
without a complete code box, first only the rows where the recogniser sees
labels start a line: label_lines) -> extract (label-anchored values) -> read
and vote (recogniser + Tesseract) -> validate -> result.
"""

from __future__ import annotations

import base64
import functools
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

import cv2
import numpy as np

from .enhance import erase_rules, estimate_text_height, flatten_light, scale_for_ocr
from .errors import ScanTimeout
from .extract import Candidate, Label, best_candidates
from .label_lines import label_regions, line_starts, relabelled, same_row
from .load import LoadedImage
from .models import (
    FIELD_NAMES,
    CodeField,
    Quality,
    ScanResult,
    StageTimings,
    drop_char,
    for_review,
    sureness,
    wrap_warning,
)
from .ocr import PSM_AUTO, PSM_SINGLE_BLOCK, PSM_SINGLE_LINE, PSM_SPARSE, Box, OcrEngine, Word
from .page import (
    LIGHT_TEXT_MAYBE,
    LIGHT_TEXT_SURE,
    REVERSED_DARK_LEVELS,
    Page,
    band_like,
    borders_touched,
    invert_within,
    light_text_ratio,
    locate_page,
    locate_page_inverted_within,
    reversed_panels,
    rotate_page,
    sheet_by_flatness,
    way_up,
    whole_image,
)
from .panel import find_panels
from .quality import assess, retake_advice
from .reading import Lean, doubt_zeros_and_Os, leans_italic, read_value, zeros_read_as_O
from .shapes import OwnZeros, own_zeros
from .validate import check_account, check_ods


@dataclass
class Options:
    """Per-call settings."""

    crops: bool = False
    deadline: float | None = None  # time.monotonic() value after which the scan gives up
    use_model: bool = True
    tesseract_reads_values: bool = True  # False: the recogniser alone reads value crops (benchmark)


@dataclass
class _Clock:
    deadline: float | None
    marks: dict[str, float] = field(default_factory=dict)
    last: float = field(default_factory=time.perf_counter)

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.marks[stage] = self.marks.get(stage, 0.0) + (now - self.last)
        self.last = now
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise ScanTimeout("scanning took longer than the time limit; try a smaller or clearer image")


def _png_b64(img: np.ndarray) -> str:
    ok, buf = cv2.imencode(".png", img)
    return base64.b64encode(buf.tobytes()).decode("ascii") if ok else ""


def _offset(words: list[Word], dx: float, dy: float, line_base: int) -> list[Word]:
    return [Word(w.text, w.conf, Box(w.box.x0 + dx, w.box.y0 + dy, w.box.x1 + dx, w.box.y1 + dy), w.line + line_base)
            for w in words]


#: A text line smeared along itself is a bar about as thick as its type is high; a bar more than this
#: many type heights thick is no line of text but a checked table's squares or a frame's streaks
#: smeared into one blob.  Such blobs (seed 69's photo_021: 89 px thick, the type taken as 10 px)
#: outweighed a sideways page's lines, and it was read as it lay: no label found; on seed 64's
#: photo_028 they turned an upright page sideways (its codes were found reading it as it came).
#: Of 3,031 pictures (the samples and 47 seeds) these two changed direction; at 4, a close-up of
#: large light type in dark cells did too, wrongly.
BAR_MAX_THICK = 6.0


def _lines_run_vertically(small: np.ndarray, text_h: float | None = None) -> bool:
    """True when the page's text lines run up-down (the page is sideways): smearing ink along
    the lines joins characters into long bars, smearing across them does not.  ``text_h``: the
    type's height, when known (``BAR_MAX_THICK``)."""
    inv = cv2.adaptiveThreshold(small, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 15, 10)
    k = max(5, small.shape[0] // 80)

    def bar_pixels(kernel: tuple[int, int], horizontal: bool) -> int:
        smeared = cv2.morphologyEx(inv, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, kernel))
        n, _, stats, _ = cv2.connectedComponentsWithStats(smeared)
        w, h = stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT]
        long = (w > 5 * h) if horizontal else (h > 5 * w)
        if text_h:
            long &= (h if horizontal else w) <= BAR_MAX_THICK * text_h
        return int(stats[1:, cv2.CC_STAT_AREA][long].sum())

    return bar_pixels((1, k), False) > bar_pixels((k, 1), True)


def _confident_word(w: Word) -> bool:
    """A word Tesseract is sure of and that looks like a word: text read upside down gives few."""
    return len(w.text) >= 3 and w.text.isalpha() and w.conf > 60


def _text_score(engine: OcrEngine, grey: np.ndarray) -> float:
    """How much confident, word-like text Tesseract finds: high only when the text is upright."""
    return sum(w.conf for w in engine.words(grey, PSM_AUTO) if _confident_word(w))


#: A text score below this (about three confident words) cannot tell upright from upside down.
_FEW_WORDS = 250.0


def _small_for_turns(page: Page, text_h: float | None) -> tuple[np.ndarray, float | None]:
    """A light-evened copy with ~20 px text: enough to tell which way the lines run and read;
    and its text height."""
    grey = page.image
    f = min(1.0, 20.0 / text_h) if text_h else 1.0
    small = cv2.resize(grey, (max(1, int(grey.shape[1] * f)), max(1, int(grey.shape[0] * f))),
                       interpolation=cv2.INTER_AREA) if f < 1 else grey
    return flatten_light(small), text_h * f if text_h else None


def _is_sideways(small: np.ndarray, text_h: float | None = None) -> bool:
    probe = cv2.resize(small, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    return _lines_run_vertically(probe, 0.5 * text_h if text_h else None)


def _turn_from_ink(small: np.ndarray, turn: int, text_h: float | None = None) -> tuple[int | None, bool]:
    """``turn`` or the opposite one, as the ascenders of the page so turned lean (``page.way_up``),
    and whether they say so surely; (None, False) when they hardly lean.
    ``text_h``: the glyph height in ``small`` when known (not across sideways lines)."""
    upright, sure = way_up(np.ascontiguousarray(np.rot90(small, -turn)), text_h)
    if upright is None:
        return None, False
    return (turn if upright else (turn + 2) % 4), sure


def _best_turn(small: np.ndarray, engine: OcrEngine, sideways: bool) -> int:
    """Clockwise quarter turns that make the page upright (0 = as it is), when the ink of its
    lines could not tell (``_turn_from_ink``).

    The text-line direction rules out half of the turns; OCR of a band through the middle of the
    page in the remaining two orientations decides between upright and upside down."""
    candidates = (1, 3) if sideways else (0, 2)
    scores = {}
    for t in candidates:
        turned = np.rot90(small, -t)
        h, w = turned.shape[:2]
        scores[t] = _text_score(engine, np.ascontiguousarray(turned[int(0.35 * h):int(0.65 * h), int(0.1 * w):int(0.9 * w)]))
    if max(scores.values()) < _FEW_WORDS:
        # The strip held hardly any words either way (a close-up of the code table): ask the whole page.
        scores = {t: _text_score(engine, np.ascontiguousarray(np.rot90(small, -t))) for t in candidates}
    return max(scores, key=lambda t: scores[t])


def _words_in(engine: OcrEngine, img: np.ndarray, region: Box | None, psm: int, line_base: int) -> list[Word]:
    if region is None:
        return engine.words(img, psm)
    x0, y0, x1, y1 = _inside(img, region)
    return _offset(engine.words(img[y0:y1, x0:x1], psm), x0, y0, line_base)


def _inside(img: np.ndarray, region: Box) -> tuple[int, int, int, int]:
    """``region``'s pixel bounds (x0, y0, x1, y1), clipped to the image."""
    return (int(max(0, region.x0)), int(max(0, region.y0)),
            int(min(img.shape[1], region.x1)), int(min(img.shape[0], region.y1)))


def _score(chosen: dict[str, Candidate]) -> float:
    return sum(c.score for c in chosen.values())


def _merge(a: dict[str, Candidate], b: dict[str, Candidate]) -> dict[str, Candidate]:
    """Per field, the better candidate of two OCR passes over the same image. Each pass may
    find more or less (a page-wide layout analysis can merge a table into prose).  An ODS code
    or account ID read invalid never replaces a valid reading of the same place, whatever its
    score beside a label (independent seed 113's photo: the panel's pass read `6655880` under its
    garbled label, the page-wide pass `665` beside it, and the account ID was lost)."""
    out = dict(a)
    for f, cand in b.items():
        if f not in out or (cand.score > out[f].score and not _valid_over_invalid(out[f], cand)):
            out[f] = cand
    return _one_code_per_place(out, (a, b))


def _valid_over_invalid(kept: Candidate, other: Candidate) -> bool:
    """``kept``, an ODS code or account ID valid as read, and ``other`` an invalid reading of the same place."""
    check = {"ods_code": check_ods, "account_id": check_account}.get(kept.field)
    return check is not None and kept.same_place(other) and check(kept.text).valid and not check(other.text).valid


def _one_code_per_place(chosen: dict[str, Candidate], passes: tuple[dict[str, Candidate], ...]) -> dict[str, Candidate]:
    """One printed value is one code, across passes too (each pass already keeps its words apart).
    A pass that missed a label can take the value under it for the field whose label is beside it
    (a row of labels over a row of values: the ODS code taken as the key right of "Passphrase",
    13 label heights away); the label nearer the value keeps it, and the other field falls back
    to its candidate from the other pass, or to none."""
    out = dict(chosen)
    for f, g in [(f, g) for f in list(out) for g in list(out) if f < g]:
        if f not in out or g not in out or not out[f].same_place(out[g]):
            continue
        loser = max((f, g), key=lambda k: (out[k].label_gap(), -out[k].score))
        keep = {k: c for k, c in out.items() if k != loser}
        del out[loser]
        alts = [p[loser] for p in passes if loser in p and not any(p[loser].same_place(c) for c in keep.values())]
        if alts:
            out[loser] = max(alts, key=lambda c: c.score)
    return out


#: How far (in line heights) OCR's box of a label may reach over its value's box and still bound
#: the value's crop on the left (seed 78 photo_020, FreeMono tilted 12°: `Key:` boxed 3 px into the
#: key, no bound, and the crop walked back over the label's monospaced letters: `KeyVwz0...`).
LABEL_OVERLAP = 0.3
#: A label-anchored value's score when Tesseract's reading passes the format (extract: 2.0 for that).
_VALID = 2.0
#: A label-anchored value's score when its reading fails the format but has figures (extract: 0.5 for
#: "right of its label", 0.1 a label word, 0.4 for digits); prose beside a label scores less.
_HAS_DIGITS = 1.0


def value_left_limit(cand: Candidate) -> float | None:
    """Where the label before a value on its line ends (``reading.crop_value``'s ``left_limit``), or
    None for a value with no label left of it.  OCR's boxes of a label and its value may overlap by
    a little on a tilted line: the value then begins where its own box does."""
    label = cand.label_box
    if label is None or cand.where != "right" or label.x1 > cand.box.x0 + LABEL_OVERLAP * cand.box.h:
        return None
    return min(label.x1, cand.box.x0 - 1)


def _a_code_column(chosen: dict[str, Candidate]) -> bool:
    """Codes all found by their formats alone, as only a column of them gives them on a page with
    no label read (``extract.codes_in_a_column``)."""
    return bool(chosen) and all(c.found_by == "pattern" for c in chosen.values())


def _settled(cand: Candidate | None, least: float = _VALID) -> bool:
    """Read next to its label, with a score of at least ``least`` (by default: clearly enough that no
    further OCR pass is needed)."""
    return cand is not None and cand.found_by == "label" and cand.score >= least


#: A code ending this many of its heights from the right edge of a page the frame cuts (or
#: beginning this near its left) may run on past it: a sheet's margin is wider, and the glyphs
#: beside a cut the outline made where the picture darkens may be too dark for OCR's word box.
NEAR_PAGE_EDGE = 2.5


def _runs_off_page(read: _PageRead) -> bool:
    """Whether a code found ends at the page's right edge or begins at its left, where the page's
    outline may have cut it short (seed 82's close-up: a darker left side of the picture left out
    of the "sheet", and the key's first letter and a half with it)."""
    width = read.page.image.shape[1]
    return any(c.box.x1 / read.scale >= width - NEAR_PAGE_EDGE * c.box.h / read.scale
               or c.box.x0 / read.scale <= NEAR_PAGE_EDGE * c.box.h / read.scale for c in read.chosen.values())


def _complete(chosen: dict[str, Candidate]) -> bool:
    return all(_settled(chosen.get(f)) for f in FIELD_NAMES)


@dataclass
class _PageRead:
    page: Page
    text_h: float | None
    scale: float  # OCR-image px per page px
    panels: list[Box]
    chosen: dict[str, Candidate]
    warnings: list[str]
    flat: np.ndarray  # the OCR image
    upright_words: int = 0  # confident dictionary-like words seen in the panels
    panel_words: int = 0
    whole_read: bool = False

    @property
    def score(self) -> float:
        return _score(self.chosen)

    @property
    def labelled(self) -> int:
        """Codes read next to their labels: two or more prove the page upright."""
        return sum(map(_settled, self.chosen.values()))

    @property
    def looks_upside_down(self) -> bool:
        return _hardly_a_word(self.upright_words, self.panel_words)


def _hardly_a_word(upright: int, seen: int) -> bool:
    """The panels held text but hardly a confident word: text read upside down looks so."""
    return seen >= 4 and upright <= seen // 8


def _read_panels(page: Page, engine: OcrEngine, clock: _Clock, text_h: float | None = None) -> _PageRead:
    """Enhance, find panels and OCR them (and the band of the page around them).  ``text_h``:
    the page's text height when already measured."""
    if text_h is None:
        text_h = estimate_text_height(page.image)
    ocr_img, f = scale_for_ocr(page.image, text_h)
    flat = flatten_light(ocr_img)
    clock.lap("enhance")
    panels = find_panels(flat, (text_h or 20.0) * f)
    clock.lap("panel")
    words: list[Word] = []
    chosen: dict[str, Candidate] = {}
    pad = 6
    for i, p in enumerate(panels[:3]):
        region = Box(p.x0 - pad, p.y0 - pad, p.x1 + pad, p.y1 + pad)
        _erase_rules_in(flat, region, (text_h or 20.0) * f)
        words += _words_in(engine, flat, region, PSM_SPARSE if p.w < 3 * p.h else PSM_AUTO, 1000 * (i + 1))
        chosen, _ = best_candidates(words)
        if _complete(chosen):
            break
    seen = [w for w in words if w.text.strip()]
    upright = sum(map(_confident_word, seen))
    if not _complete(chosen) and words and not _hardly_a_word(upright, len(seen)):
        # Some labels were in the panels: read the band of the page around them (side-by-side cells).
        # Not when the panels read like a page upside down: the caller checks the turn first, and
        # reads the whole page (the band and more) if it stays.
        band = _band_around([w.box for w in words], (text_h or 20.0) * f, flat.shape[1])
        words = _words_in(engine, flat, band, PSM_SPARSE, 900)
        chosen = _merge(chosen, best_candidates(words)[0])
    clock.lap("ocr")
    return _PageRead(page, text_h, f, panels, chosen, [], flat, upright, len(seen))


def _erase_rules_in(img: np.ndarray, region: Box, text_h: float) -> None:
    """Paint a panel's ruled lines out of the image Tesseract reads (``enhance.erase_rules``), in
    place.  Only inside the panels: the rules that confuse its layout analysis are the table's,
    and the whole page would cost 15 times as much (0.1 s on a photo)."""
    x0, y0, x1, y1 = _inside(img, region)
    if y1 > y0 and x1 > x0:
        img[y0:y1, x0:x1] = erase_rules(img[y0:y1, x0:x1], text_h)


#: The band read around labels reaches this many text lines beyond them, and MISSING_LINES more
#: for each code whose label was not seen: a code panel's rows stand 2-3 lines apart, and a page
#: read whole lost two of three (seed 23's photo_014: "Surgery ID" alone seen, the key's row 6
#: lines below it).
BAND_LINES = 5
MISSING_LINES = 2


def _band_around(boxes: list[Box], text_h: float, width: int, missing: int = 0) -> Box | None:
    """The full-width band from BAND_LINES text lines above the first box to as many below the
    last, and MISSING_LINES more each way for each of ``missing`` codes."""
    if not boxes:
        return None
    reach = (BAND_LINES + MISSING_LINES * missing) * text_h
    return Box(0, min(b.y0 for b in boxes) - reach, width, max(b.y1 for b in boxes) + reach)


def _read_whole(read: _PageRead, engine: OcrEngine, clock: _Clock, recognizer=None) -> _PageRead:  # noqa: ANN001
    """When the panels did not give every code, read the whole page too: first only the rows
    where the recogniser sees the code labels start a line, then, if need be, all of it."""
    if read.whole_read or _complete(read.chosen):
        return read
    chosen, warnings = read.chosen, list(read.warnings)
    if read.panels:
        warnings.append("No complete code panel found; the whole page was read.")
    rows: list[Box] = []
    by_rows: dict[str, Candidate] = {}  # codes the rows read gave beside their labels
    wanted = {f for f in FIELD_NAMES if not _settled(chosen.get(f))}
    looked: list[Label] = []  # the labels the recogniser read at the lines' starts

    def words_in(region: Box | None, psm: int, line_base: int) -> list[Word]:
        # Where Tesseract garbled a label the recogniser read, the recogniser's reading stands.
        return relabelled(_words_in(engine, read.flat, region, psm, line_base), looked, wanted)

    if recognizer is not None and read.text_h:
        rows, every, looked = label_regions(read.flat, read.text_h * read.scale, recognizer, wanted)
        quick = chosen
        # The rows as a block first; as sparse text too where its layout analysis lost a label
        # (a faint grey label beside a bold value was dropped so).  Only when a label of every
        # missing code was seen: else the page is read whole, and the rows only say where to look
        # again should it not show a label (seed 75's photo_007: a table the layout analysis left out).
        for psm in (PSM_AUTO, PSM_SPARSE) if rows and every else ():
            if psm == PSM_SPARSE and all(_settled(quick.get(f), 0.0) for f in FIELD_NAMES):
                break  # every label seen: the block's reading stands (or the whole page is read)
            words = [w for i, row in enumerate(rows) for w in words_in(row, psm, 10000 * (i + 1))]
            quick = _merge(quick, best_candidates(words)[0])
            if all(_settled(quick.get(f), _HAS_DIGITS) for f in FIELD_NAMES):
                # Every code beside its label, each with figures in it even where Tesseract's reading
                # fails the format (the value readers read the crop again): on the samples' and seeds
                # 4242/777's photos, the page read whole gave the same candidates on 4 of 5 such pages
                # (on the fifth the same final value, flagged).
                clock.lap("ocr")
                return replace(read, chosen=quick, warnings=warnings, whole_read=True)
        by_rows = {f: c for f, c in quick.items() if _settled(c)}
    band: Box | None = None
    page_words: list[Word] = []
    for psm in (PSM_AUTO, PSM_SPARSE, PSM_SINGLE_BLOCK):
        if psm == PSM_SINGLE_BLOCK and any(map(_settled, chosen.values())):
            break  # a code found beside its label: the lines left unread are read below
        words = words_in(band, psm, 0)
        page_words = page_words or words
        found, labels = best_candidates(words)
        chosen = _merge(chosen, found)
        if _complete(chosen):
            break
        # The sparse pass (for table cells the layout analysis merged) need only read the band
        # of the page around the code labels the first pass saw; when it saw none, the sparse
        # pass over the whole page found none either (60 such pages of 5 seeds' 320 pictures
        # and the samples: no candidate added, 0.3 s each) - unless the recogniser saw the labels
        # start their rows: then around those.  Last, the band as one block of lines: the layout
        # analysis of both passes drops a word whose blurred bold glyphs run together into one
        # blob, the block reading does not (seed 75's photo_007: every value of a table left out).
        seen = [w.box for lab in labels if lab.field != "other" for w in lab.words] or rows
        missing = len(set(FIELD_NAMES) - {lab.field for lab in labels})
        band = _band_around(seen, (read.text_h or 20.0) * read.scale, read.flat.shape[1], missing)
        if band is None:
            break
    if not _complete(chosen) and (any(map(_settled, chosen.values())) or not chosen) and read.text_h:
        anchorless = not chosen
        for again in _lines_left_unread(read.flat, read.text_h * read.scale, page_words, chosen, engine):
            all_found = best_candidates(page_words + again)[0] if again else {}
            found = _found_on_lines_read_again(all_found, set(again))
            if anchorless and any(map(_settled, found.values())):
                # Nothing was found before, and a row read again gave a code beside its label: the
                # page's other codes found by their formats count now, as they would have had that
                # row been read the first time (seed 158's photo: the key's row left out, the ODS
                # code and account ID read right beside labels blur garbled past knowing).
                found = all_found
            chosen = _merge(chosen, found)
            if _complete(chosen):
                break
    # A code the rows read gave beside its label stands where the page read whole did not find it so
    # (seed 155's close-up: a table whose shaded label cells the page-wide layout analysis dropped;
    # the rows read the account ID and key beside theirs, but not the ODS code, and were set aside).
    chosen = {**chosen, **{f: c for f, c in by_rows.items() if not _settled(chosen.get(f))}}
    clock.lap("ocr")
    return replace(read, chosen=chosen, warnings=warnings, whole_read=True)


def _found_on_lines_read_again(found: dict[str, Candidate], fresh: set[Word]) -> dict[str, Candidate]:
    """Of the codes found with the lines read again (``_lines_left_unread``), those on them that
    count: a code read in its format right of its label, or an ODS code or account ID under its
    label, or one found by its format alone (the format-only search's own rules: a unique match, or
    the one within a few lines of the codes found by their labels; seed 105's sidebar photo: its
    account ID's label read `Accommt ©`, the value under it found only so, and dropped).  Not a key
    under its label, nor one by format: a row of dark cells read again gives junk (seed 38's
    photo_016, white type on navy, for the inverted reading to read), and a row's words read again
    may stand under another row's label (seed 45's scan_007: the account ID's row read `Account
    12`, taken for the key under "Linkage key")."""
    return {f: c for f, c in found.items() if set(c.words) <= fresh and (
        (_settled(c) and (c.where == "right" or f != "linkage_key")) or (c.found_by == "pattern" and f != "linkage_key"))}


#: A line of text Tesseract gave no word for is read again at these scales, in turn.
UNREAD_LINE_SCALES = (0.5, 2.0)
#: ... when it stands within this many text heights of a code found beside its label, and reaches
#: within this many of the column of the codes found and their labels.
UNREAD_LINE_REACH, UNREAD_LINE_COLUMN = 8.0, 2.0
#: Where no code was found at all, every row left unread is read again, if there are no more than this
#: (more is a picture's texture or noise, not a letter's lines dropped).
UNREAD_ROWS_ANYWHERE = 8


def _lines_left_unread(flat: np.ndarray, text_h: float, words: list[Word], chosen: dict[str, Candidate],
                       engine: OcrEngine) -> Iterator[list[Word]]:
    """Words for the rows of text near the codes found for which Tesseract's page reading gave
    none, the rows read alone at each of ``UNREAD_LINE_SCALES`` in turn (one list of words a scale,
    made only when asked for).  Its layout analysis may drop a whole line: an independent letter's
    photographed email, `Passphrase: vHHe PTOF p9RR Qg!`, its label small beside a large key, gave
    no word at the page's scale, read as a page, a block or a line, and was read right at half and
    at twice the scale.  A row is taken within the codes' column only: seed 55's sidebar box, its
    `F43937` row joined to the letter's `1. Download the NHS App ...` beside it, lost its `F` (alone,
    read `F-43937` at half the scale and `F43937` at twice it).  Where no code was found at all, any
    such rows of the page are read, up to ``UNREAD_ROWS_ANYWHERE`` of them: seed 163's photo, its
    monospaced codes' three lines left out whole between lines of prose read right."""
    settled = [c for c in chosen.values() if _settled(c)]
    runs = line_starts(flat, text_h)
    if settled:
        anchors = [c.box for c in settled]
        column = functools.reduce(Box.union, [*anchors, *(c.label_box for c in settled if c.label_box)])
        left, right = column.x0 - UNREAD_LINE_COLUMN * text_h, column.x1 + UNREAD_LINE_COLUMN * text_h
        runs = [r for r in runs
                if any(r.y1 > a.y0 - UNREAD_LINE_REACH * text_h and r.y0 < a.y1 + UNREAD_LINE_REACH * text_h for a in anchors)
                and r.x1 > left and r.x0 < right]

    def read(r: Box) -> bool:
        """Has a word of text over it (Tesseract also gives empty "words": blocks it took for pictures)."""
        return any(min(w.box.x1, r.x1) > max(w.box.x0, r.x0) and min(w.box.y1, r.y1) - max(w.box.y0, r.y0) > 0.5 * r.h
                   for w in words if w.text.strip())

    rows: list[Box] = []
    for r in (r for r in runs if not read(r)):
        row = functools.reduce(Box.union, (o for o in runs if same_row(o, r)))  # with a label's cell, read or not
        if row not in rows:
            rows.append(row)
    if not rows or (not settled and len(rows) > UNREAD_ROWS_ANYWHERE):
        return
    pad = 0.5 * text_h
    crops = [_inside(flat, Box(row.x0 - pad, row.y0 - pad, row.x1 + pad, row.y1 + pad)) for row in rows]
    for f in UNREAD_LINE_SCALES:
        out: list[Word] = []
        for i, (x0, y0, x1, y1) in enumerate(crops):
            img = cv2.resize(flat[y0:y1, x0:x1], None, fx=f, fy=f, interpolation=cv2.INTER_AREA if f < 1 else cv2.INTER_CUBIC)
            out += [replace(w, box=Box(x0 + w.box.x0 / f, y0 + w.box.y0 / f, x0 + w.box.x1 / f, y0 + w.box.y1 / f),
                            line=50000 + i) for w in engine.words(img, PSM_SINGLE_LINE) if w.text.strip()]
        yield out


def _read_page(page: Page, engine: OcrEngine, clock: _Clock, recognizer=None) -> _PageRead:  # noqa: ANN001
    """Enhance, find panels and OCR one orientation of the page: panels first, whole page after."""
    return _read_whole(_read_panels(page, engine, clock), engine, clock, recognizer)


def _turned_if_better(read: _PageRead, small: np.ndarray, engine: OcrEngine, clock: _Clock,
                      recognizer=None) -> _PageRead:  # noqa: ANN001
    """Read the page the other way up when a strip of it reads better so, and keep whichever
    way gives more codes next to their labels (for a page whose ink did not tell its way up)."""
    turns = _best_turn(small, engine, sideways=False)
    clock.lap("page")
    if not turns:
        return read
    again = _read_page(rotate_page(read.page, turns), engine, clock, recognizer)
    if again.labelled >= 2:
        return again
    read = _read_whole(read, engine, clock, recognizer)
    return again if again.score > read.score else read


def scan_loaded(loaded: LoadedImage, engine: OcrEngine, recognizer, opts: Options) -> ScanResult:  # noqa: ANN001
    """Run the stages on one decoded image, the light-on-dark way round too where it may be so
    (a dark-mode screenshot): that way first when the text clearly is light on dark, and the
    other way as well only when a code is still missing; the reading with more codes is kept.
    Then, where codes are missing or were found on a dark ground (or partly so, ``PARTLY_DARK``, with
    a code in doubt), the same with the picture's
    reversed-out panels alone inverted (light type on a dark box in a dark-on-light letter), and
    each code taken from the reading surer of it (``_field_by_field``).  Codes found on a dark ground
    are read so even when sure: light type read as it is gave seed 34's account ID cut short, sure."""
    clock = _Clock(opts.deadline)
    ratio = light_text_ratio(loaded.image)
    light_first = ratio >= LIGHT_TEXT_SURE
    clock.lap("page")
    # The inverted copy (12 MB for a 12 MP photo) is made only for the reading that uses it.
    seen = _inverted(loaded) if light_first else loaded  # the picture the kept reading was made from
    result, located = _scan_one(seen, engine, recognizer, opts, clock)
    if ratio >= LIGHT_TEXT_MAYBE and any(result.field(f).value is None for f in FIELD_NAMES):
        other = loaded if light_first else _inverted(loaded)
        again, again_located = _scan_one(other, engine, recognizer, opts, clock)
        if _more_codes(again) > _more_codes(result):
            result, seen, located = again, other, again_located
    if any(result.field(f).value is None for f in FIELD_NAMES) and \
            (sheet := sheet_by_flatness(seen.image, located)) is not None:
        # Codes missing where no outline of the sheet was found, or one that takes in the table:
        # the sheet as the picture's flat part (``sheet_by_flatness``: a checked cloth as light as
        # the sheet, lit unevenly).  Looked for only then: it costs a close-up 10-30 ms.
        clock.lap("page")
        again, _ = _scan_one(seen, engine, recognizer, opts, clock, sheet=sheet)
        if _more_codes(again) > _more_codes(result):
            result = again
    missing = _codes_wanted(result)
    dark = _dark_share(result, seen)
    partly = dark >= PARTLY_DARK and any(result.field(f).needs_review for f in FIELD_NAMES)
    if missing or dark > ON_DARK or partly:
        # Read the picture again with its reversed-out boxes inverted, when it has one and the
        # codes were not found outside it (on the samples and 14 seeds, only letters whose panel
        # is printed so ever had one).  Such a box is dark in the picture as taken, light in one
        # inverted whole: a picture kept inverted (taken for light text on dark: seed 58's sheet on
        # a dark carpet) that still misses codes is searched as taken.
        base = loaded if missing else seen
        panels = reversed_panels(base.image, fine=missing, type_height=result.quality.text_height_px)
        clock.lap("page")
        if panels is not None and (missing or _found_within(result, panels, base, partly)):
            again, _ = _scan_one(replace(base, image=invert_within(base.image, panels)), engine, recognizer, opts,
                                 clock, reversed_out=(panels, base.image))
            result = _field_by_field(again, result) if _more_codes(again) > _more_codes(result) else \
                _field_by_field(result, again)
    result.timings = StageTimings(**{k: round(v, 4) for k, v in clock.marks.items()})
    return result


def _codes_wanted(result: ScanResult) -> bool:
    """A code not found, or none found next to its label: codes found by their formats alone are
    as good as missing when a picture's reversed-out boxes may hold their labels' or their own
    reading (seed 76's photo: the values white in navy cells beside dark labels, read only in the
    picture inverted whole, where the labels were white on black: three codes by format, all
    flagged; with the cells alone inverted, each beside its label)."""
    return any(result.field(f).value is None for f in FIELD_NAMES) or \
        all(result.field(f).found_by != "label" for f in FIELD_NAMES)


def _field_by_field(kept: ScanResult, other: ScanResult) -> ScanResult:
    """``kept`` with each code the ``other`` reading of the same picture read better (surer, by
    ``models.sureness``), where both found it, and either read it alike or were both in doubt: a scan's value
    cells, white on navy, read as they are gave the key right (every character flagged) and the
    ODS code in doubt; read inverted, the ODS code surer and the key wrong; the whole reading with
    more confidence in all kept the wrong key.  A sure reading never replaces another reading of
    the code (a close-up's account ID read without its first figure, 0.998 sure, where the kept
    reading had all of it, 0.998 sure too).  A code only the other reading found is taken, for
    review; where the codes are and what to retake are the kept reading's.  Where both readings
    were sure of a code and read it differently, one of them is wrong: the code is flagged, and
    where one value holds the other, the longer is given (the other's crop was cut short: seed
    34's account ID in a navy cell, read as it was from `9543096`, OCR's box for it cut after
    `941`, and inverted whole)."""
    before = retake_advice(kept, kept.quality)
    for f in FIELD_NAMES:
        mine, theirs = kept.field(f), other.field(f)
        if mine.value is None and theirs.value is not None:
            # A code only the other reading found (seed 80's photo, a key in a dark cell read
            # only with the cells inverted, where the other two codes were read either way):
            # taken, for a person to check, as the reading kept did not see it.
            setattr(kept, f, for_review(theirs))
            continue
        if mine.value is None or theirs.value is None:
            continue
        if mine.value != theirs.value and not mine.needs_review and not theirs.needs_review:
            whole = theirs if mine.value in theirs.value else mine
            setattr(kept, f, for_review(whole))
            continue
        if mine.value != theirs.value and mine.value in theirs.value and not mine.needs_review:
            setattr(kept, f, _goes_on(mine, theirs.value))
            continue
        if sureness(theirs) <= sureness(mine):
            continue
        if theirs.value == mine.value or (mine.needs_review and theirs.needs_review):
            setattr(kept, f, theirs)  # (``other`` is dropped: its field needs no copy)
    if before:
        kept.warnings = [w for w in kept.warnings if w not in before] + retake_advice(kept, kept.quality)
    kept.status = kept.status_from_fields()
    return kept


def _goes_on(short: CodeField, longer: str) -> CodeField:
    """A sure value the other reading of its picture read longer, holding it, flagged and pointed at
    where the longer goes on: its crop may have been cut short (seed 148's photo of dark cells, the
    key read as printed `ZYnWdbZxr7ppt`, 0.997 sure, and inverted `ZYnWdbZxr7pptvOd`, in doubt).
    The longer is not given: the other reading's extra characters are as often a cell's edge read
    as a glyph (given, over the samples and 58 seeds, it made four right account IDs and a right
    key wrong, and one wrong key right: seed 132's scan of dark cells, both readings in doubt)."""
    value = short.value or ""
    if not value or value not in longer:
        return short
    at, end = longer.index(value), len(value) - 1
    if at:
        short = for_review(short, {0: [value[0], longer[:at + 1]]}, "the picture read another way has more before it")
    if at + len(value) < len(longer):
        short = for_review(short, {end: [value[end], longer[at + end:]]}, "the picture read another way goes on after it")
    return short


def _inverted(loaded: LoadedImage) -> LoadedImage:
    return replace(loaded, image=255 - loaded.image)


def _codes_at(result: ScanResult, loaded: LoadedImage) -> np.ndarray | None:
    """The corners of the box around the codes found, in ``loaded``'s pixels (None: none found)."""
    return np.array(result.panel, float) / loaded.scale if result.panel else None


def _found_within(result: ScanResult, mask: np.ndarray, loaded: LoadedImage, partly: bool = False) -> bool:
    """Whether the middle of the codes found lies in ``mask`` (loaded-image pixels); ``partly``:
    or ``PARTLY_DARK`` of the box around them does (value cells in a column of their own)."""
    pts = _codes_at(result, loaded)
    if pts is None:
        return False
    x, y = pts.mean(axis=0)
    h, w = mask.shape
    if mask[min(h - 1, max(0, int(y))), min(w - 1, max(0, int(x)))]:
        return True
    return partly and float(_within_box(mask, pts).mean()) >= PARTLY_DARK


def _within_box(image: np.ndarray, pts: np.ndarray) -> np.ndarray:
    """Every second pixel of ``image`` in the upright box around the points ``pts``."""
    h, w = image.shape[:2]
    x0, y0 = np.clip(pts.min(axis=0).astype(int), 0, [w - 1, h - 1])
    x1, y1 = np.clip(pts.max(axis=0).astype(int) + 1, 1, [w, h])
    return image[y0:y1:2, x0:x1:2]


#: Codes whose box is more than this share dark ground (``_dark_share``) were found on a dark ground.
ON_DARK = 0.5
#: A box around the codes this much dark ground or more, where a code is in doubt,
#: is read with its reversed-out panels inverted too: value cells white on navy beside light label
#: cells (a generated table, 48 % dark), whose light type read as it is was cut at the cells' edges.
#: On the samples' photos, scans and close-ups not printed so: 35 % at most, shadows and all.
PARTLY_DARK = 0.4


def _dark_share(result: ScanResult, loaded: LoadedImage) -> float:
    """How much of the box around the codes found is dark against the paper (their ground, not
    their ink, as ``reversed_panels`` counts dark); over ``ON_DARK``, the codes were found on a
    dark ground: a look of a millisecond that spares the search for reversed-out panels on the usual
    letter.  0 where no code was found."""
    pts = _codes_at(result, loaded)
    if pts is None:
        return 0.0
    box = _within_box(loaded.image, pts)
    if box.size == 0:
        return 0.0
    paper = float(np.percentile(loaded.image[::16, ::16], 95))
    return float((box < max(REVERSED_DARK_LEVELS) * paper).mean())


def _wrapped_key(cf: CodeField, joined: bool, tail: bool, rest: str, hyphen: bool) -> str | None:
    """Flag a key read with its rest from the next line (``joined``), or whose rest may be there
    (``tail``), and say so (``models.wrap_warning``).  A hyphen the joined crop still held (not cut
    off as a dash: blurred or touching, or OCR did not read it at the first line's end) stands just
    before the rest: taken out, and offered as the other reading."""
    at = len(cf.value or "") - len(rest)  # where the rest begins, the hyphen cut off
    if joined and cf.value:
        near = [i for i in (at - 1, at, at - 2, at + 1) if 0 <= i < len(cf.value) and cf.value[i] == "-"]
        if near:
            drop_char(cf, near[0])
            at, hyphen = near[0], True
    hyphen_at = min(max(0, at), len(cf.value or "") - 1) if hyphen else None
    return wrap_warning(cf, joined, tail and not joined, hyphen_at)


def _more_codes(result: ScanResult) -> tuple[int, int, float]:
    """What makes one reading of a picture better than another: codes found, then codes needing
    no review, then their confidence."""
    fields = [result.field(f) for f in FIELD_NAMES]
    return (sum(f.value is not None for f in fields), sum(f.value is not None and not f.needs_review for f in fields),
            sum(f.confidence for f in fields))


def _scan_one(loaded: LoadedImage, engine: OcrEngine, recognizer, opts: Options, clock: _Clock,  # noqa: ANN001
              reversed_out: tuple[np.ndarray, np.ndarray] | None = None,
              sheet: np.ndarray | None = None) -> tuple[ScanResult, Page]:
    """The stages on one decoded image, dark ink on a light ground, and the page as first located
    (for ``sheet_by_flatness``).  ``reversed_out``: the mask of the reversed-out boxes ``loaded``
    has inverted, and the picture before (for finding the sheet, ``locate_page_inverted_within``).
    ``sheet``: the sheet's corners, found already."""
    page = locate_page(loaded.image, chroma=loaded.chroma, sheet=sheet) if reversed_out is None else \
        locate_page_inverted_within(loaded.image, *reversed_out, chroma=loaded.chroma)
    located = page
    text_h = estimate_text_height(page.image)
    small, small_h = _small_for_turns(page, text_h)
    unturned = page
    way_up_known = leaned = False
    if _is_sideways(small, small_h):
        # Text lines run up and down: reading the page as it is would only waste OCR time.
        # (Glyph heights were measured across the lines: the ink check and the reads measure again.)
        turn, sure = _turn_from_ink(small, 1)
        leaned = turn is not None and not sure
        page = rotate_page(page, _best_turn(small, engine, sideways=True) if turn is None else turn)
        small = None
        text_h = None
    else:
        turn, way_up_known = _turn_from_ink(small, 0, small_h)
        if turn == 2:
            # Ascenders hang below the lines: the page is upside down; read it the right way up
            # (when they only lean so, the reads below still check the other way if need be).
            page = rotate_page(page, 2)
            small = np.ascontiguousarray(np.rot90(small, 2))
    clock.lap("page")
    read = _read_panels(page, engine, clock, text_h)
    if small is None:
        read = _read_whole(read, engine, clock, recognizer)
        if leaned and read.labelled < 2:
            # The ink only leaned this way: the page may be the other way round.
            again = _read_page(rotate_page(page, 2), engine, clock, recognizer)
            if again.score > read.score:
                read = again
        if not _complete(read.chosen):
            # Perhaps misjudged as sideways: the page as it came may read better.
            again = _read_page(unturned, engine, clock, recognizer)
            if again.score > read.score:
                read = again
    else:
        probed = not way_up_known and read.looks_upside_down
        if probed:
            # Text in the panels but hardly a word: check the turn before reading the whole page.
            read = _turned_if_better(read, small, engine, clock, recognizer)
        read = _read_whole(read, engine, clock, recognizer)
        if not (probed or way_up_known) and read.labelled < 2:
            # Hardly any labels found: the page may be upside down. Pick the turn whose text reads
            # best on a strip of the page, then read the page that way.
            read = _turned_if_better(read, small, engine, clock, recognizer)
    cut_off = _runs_off_page(read)
    complete = _complete(read.chosen)
    outline = read.page.found_outline
    cut_by_frame = outline and (cut_off or not complete) and \
        borders_touched(read.page, loaded.image.shape[1], loaded.image.shape[0]) >= 2
    if cut_by_frame or (outline and not complete and band_like(read.page)):
        # A code missing on a "sheet" the frame cuts: in a close-up the outline found may be a
        # shaded part of it that leaves the labels out, or a corner of the sheet and the frame's
        # edges, whose flattening slants the lines every which way; or a code running on to that
        # "sheet's" edge, which may have cut it short (an independent letter's close-up: a darker
        # right side of the picture left out, and the key's last four characters); or, longer than
        # any sheet, a box on it (seed 24's close-up: a long "Password" card, and nothing read).
        # Read the picture whole.
        whole = whole_image(loaded.image)
        clock.lap("page")
        again = _read_page(whole, engine, clock, recognizer)
        if again.labelled > 0 and (again.score > read.score or
                                   (cut_off and again.score >= read.score and not _runs_off_page(again))):
            read = again
    page, text_h, f, panels, chosen = read.page, read.text_h, read.scale, read.panels, read.chosen
    warnings = list(read.warnings)
    if read.labelled == 0 and not _a_code_column(chosen):
        # Labels with prose beside them and no valid code anywhere: a letter without codes
        # ("your key will be sent separately"). Re-reading that prose would invent a code.
        # (Unless the codes stand in one column by their formats: ``extract.codes_in_a_column``.)
        chosen = {}

    fields: dict[str, CodeField] = {}
    crops: dict[str, np.ndarray] = {}
    total_scale = f  # OCR image px per page px
    zero: OwnZeros | None = None  # how the letter draws its zeros, from the figures' codes
    leans: list[Lean] = []  # how the figures' codes lean: the letter's face italic or not (``leans_italic``)
    round_zeros = False  # a reader took a zero of the figures' codes for an `O`
    for fname in ("account_id", "ods_code", "linkage_key"):  # (the key's `0`s and `O`s are held to those zeros)
        cand = chosen.get(fname)
        if cand is None:
            fields[fname] = CodeField()
            continue
        # A key wrapped onto the next line (``extract.wrapped_tail``) is read as one line with its rest.
        joined = bool(cand.tail) and cand.tail_sure
        rest = cand.tail_text()
        hyphen = joined and cand.text.endswith("-")
        left = value_left_limit(cand)
        cf, crop, slant = read_value(fname, page.image, cand.box, total_scale,
                                     cand.text.removesuffix("-") + rest if joined else cand.text, engine,
                                     recognizer if opts.use_model else None, tesseract=opts.tesseract_reads_values,
                                     rest=cand.tail_box() if joined else None, drop_hyphen=hyphen, left_limit=left,
                                     zero=zero if fname == "linkage_key" else None, italic=leans_italic(leans))
        if fname != "linkage_key":
            if zero is None and cf.value is not None:
                zero = own_zeros(crop, cf.value)
            round_zeros = round_zeros or zeros_read_as_O(cf)
            leans.append(slant)
        elif round_zeros:
            cf = doubt_zeros_and_Os(cf)
        if cf.value is not None:
            cf.found_by = cand.found_by  # type: ignore[assignment]
            if cand.found_by == "pattern":
                cf = for_review(cf)
            if fname == "linkage_key" and (note := _wrapped_key(cf, joined, bool(cand.tail), rest, hyphen)):
                warnings.append(note)
        fields[fname] = cf
        crops[fname] = crop
    clock.lap("extract")

    # Where the codes are, in source-image coordinates.
    boxes = [chosen[f].box for f in FIELD_NAMES if f in chosen and fields[f].value is not None]
    polygon = None
    panel_crop = None
    if boxes:
        region = boxes[0]
        for b in boxes[1:]:
            region = region.union(b)
        enclosing = [p for p in panels if p.x0 <= region.x0 + 2 and p.y0 <= region.y0 + 2 and p.x1 >= region.x1 - 2
                     and p.y1 >= region.y1 - 2]
        if enclosing:
            region = min(enclosing, key=lambda b: b.w * b.h)
        pts = np.array([[region.x0, region.y0], [region.x1, region.y0], [region.x1, region.y1], [region.x0, region.y1]],
                       float) / total_scale
        hom = np.hstack([pts, np.ones((4, 1))]) @ page.to_source.T
        src = hom[:, :2] / hom[:, 2:3] * loaded.scale
        polygon = [(round(float(x), 1), round(float(y), 1)) for x, y in src]
        y0, y1 = int(region.y0 / total_scale), int(region.y1 / total_scale)
        x0, x1 = int(region.x0 / total_scale), int(region.x1 / total_scale)
        panel_crop = page.image[max(0, y0):y1, max(0, x0):x1]

    quality = assess(page.image, panel_crop, crops, loaded.scale, text_h)
    result = ScanResult(
        linkage_key=fields["linkage_key"], ods_code=fields["ods_code"], account_id=fields["account_id"],
        panel=polygon, warnings=warnings, quality=quality,
    )
    result.warnings += retake_advice(result, quality)
    result.status = result.status_from_fields()
    if opts.crops:
        for fname, crop in crops.items():
            if crop.size:
                result.field(fname).crop_png = _png_b64(crop)  # type: ignore[arg-type]
        if panel_crop is not None and panel_crop.size:
            result.panel_png = _png_b64(panel_crop)
    return result, located


__all__ = ["Options", "scan_loaded", "Quality"]
