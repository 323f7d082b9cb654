"""Documents: PDFs, emails, HTML and plain text, and images with several frames.

A letter reaches the scanner in more ways than a photo: as a PDF (usually with a
real text layer), in the body of an email, as an attachment, or as a scanned or
faxed multi-page file.  Text is never OCR'd: it is laid out as pseudo-words on a
character grid (one line per text line, table cells in aligned columns) and goes
through the same label-anchored extraction and the same validators as OCR'd
words, so a value is taken only from next to its label.  Pages and frames
without text are handed to the image pipeline one by one, in order, until one
gives all three codes.

Safety: everything happens in memory; every loop is capped (pages, frames,
MIME parts, characters, nesting, time) and every failure becomes a
:class:`ScannerError`.  pdfium (through pypdfium2) is built without a JavaScript
engine or XFA, so scripts in a PDF are never run; they are ignored with a
warning.  pdfium is not thread-safe, so every call into it holds one lock.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from html.parser import HTMLParser

import numpy as np
import regex

from .errors import EncryptedInput, InputTooLarge, ScannerError, ScanTimeout, UnreadableInput, UnsupportedInput
from .extract import Candidate, find_labels, label_candidates, looks_random, pattern_candidates, unglued
from .load import Frames, Limits, LoadedImage, decode_text, describe, detect
from .models import (
    FIELD_NAMES,
    FIELD_TEXT,
    CodeField,
    ScanResult,
    StageTimings,
    UncertainChar,
    for_review,
    wrap_warning,
)
from .ocr import Box, Word
from .validate import EDGE_PUNCT, FILLER_WORDS, PROSE_WORDS, check_account, check_key, check_ods, join_wrapped

log = logging.getLogger("scanner")

#: Scans one decoded image with the OCR pipeline (supplied by :mod:`scanner.api`).
ImageScanner = Callable[[LoadedImage], ScanResult]

# Pseudo-geometry of text: a character cell is CHAR_W wide, a word WORD_H high and
# lines LINE_PITCH apart, so the extraction's thresholds (all relative to the
# label's height) mean: a value more than 3 spaces away from the previous word
# ends, and "below" looks one or two lines down.
CHAR_W, WORD_H, LINE_PITCH = 10.0, 20.0, 30.0
TEXT_CONFIDENCE = 0.99


@dataclass
class _Context:
    limits: Limits
    scan_image: ImageScanner
    deadline: float | None
    depth: int = 0
    text_chars: int = 0
    warnings: list[str] = field(default_factory=list)

    def check_time(self) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise ScanTimeout("scanning took longer than the time limit; try a smaller or simpler file")

    def count_text(self, n: int) -> None:
        self.text_chars += n
        if self.text_chars > self.limits.max_text_chars:
            raise InputTooLarge(f"input holds over {self.limits.max_text_chars} characters of text, the limit")


# ---------------------------------------------------------------------------
# Text -> pseudo-words -> the same extraction and validation as OCR'd words
# ---------------------------------------------------------------------------

def words_from_lines(lines: list[str]) -> list[Word]:
    """Lay text lines out as words on a character grid (column = x, line = y)."""
    words: list[Word] = []
    for i, line in enumerate(lines):
        y0 = i * LINE_PITCH
        for m in regex.finditer(r"\S+", line.expandtabs(8)):
            words.append(Word(m.group(), 100.0, Box(m.start() * CHAR_W, y0, m.end() * CHAR_W, y0 + WORD_H), i))
    return words




def _tokens(cand: Candidate) -> list[str]:
    """The words after a label, without quotes and brackets, up to the end of the sentence."""
    toks: list[str] = []
    for w in cand.words:
        t = w.text.strip(EDGE_PUNCT)
        if t and t not in ("-", "–", "—"):
            toks.append(t)
        if w.text.rstrip("\"'”’)").endswith((".", ",", ";")) and toks:
            break  # keys never hold these: the sentence (or the list item) ends here
    while len(toks) > 1 and toks[0].lower() in FILLER_WORDS:
        toks = toks[1:]
    return toks


def _key_from(tokens: list[str]) -> tuple[str | None, bool]:
    """The key among the words after its label, and whether a person should check it.

    A key printed in groups (``tTAL tBP3 rLR16``) is joined while the groups look
    like groups (equal length 3-5; only the last may differ, by at most one more);
    words after the key (``(case sensitive)``) are left out.  When a word that
    could be one more group follows, the result is ambiguous."""
    if not tokens:
        return None, False
    value = check_key(tokens[0]).value
    used = 1
    g = len(tokens[0])
    stopped_early = False
    if 3 <= g <= 5:
        joined = tokens[0]
        for k, tok in enumerate(tokens[1:], 2):
            if len(tok) > g + 1:
                break
            if tok.lower() in PROSE_WORDS:
                stopped_early = len(tok) == g  # "is" after a key is prose; "keep" in 4-groups is a doubt
                break
            joined += tok
            ck = check_key(joined)
            if ck.valid and looks_random(joined):
                value, used = ck.value, k
            if len(tok) != g:
                break
    if value is None:
        return None, False
    follows = tokens[used] if used < len(tokens) else None
    ambiguous = not looks_random(value) or (stopped_early and used > 1) or (
        follows is not None and used == 1 and _looks_like_key_part(follows))
    return value, ambiguous


def _looks_like_key_part(tok: str) -> bool:
    return bool(regex.fullmatch(r"[A-Za-z0-9/!?*+=\-]{3,16}", tok)) and looks_random(tok)


def _field_from(fname: str, cand: Candidate) -> tuple[CodeField, str | None]:
    """A CodeField for one text candidate, and a warning: why no value was taken, or that a key
    was joined from two lines."""
    toks = _tokens(cand)
    pattern = cand.found_by == "pattern"
    value: str | None = None
    repaired: list[tuple[int, list[str]]] = []
    ambiguous = False
    joined_key = may_go_on = False  # a key joined from two lines; one whose rest may be at the next line's start
    hyphen_at: int | None = None  # where a hyphen at a joined key's line break was left out
    if fname == "linkage_key":
        value, ambiguous = _key_from(toks)
        if cand.tail and toks and (value is None or value.endswith(toks[-1])):
            # The key runs to its line's end and on at the next line's start (``wrapped_tail``).
            joined, at = join_wrapped(value or toks[-1], cand.tail_text())
            if joined is not None and cand.tail_sure:
                value, joined_key, hyphen_at = joined, True, at
            else:
                may_go_on = joined is not None and value is not None
    elif fname == "ods_code" and toks:
        ck = check_ods(toks[0])
        if not ck.valid and len(toks) > 1:
            ck = check_ods("".join(toks[:2]))
        value, repaired = (ck.value, ck.repaired) if ck.valid else (None, [])
    elif fname == "account_id" and toks:
        digits = [toks[0]]
        for t in toks[1:]:
            if not t.isdigit():
                break
            digits.append(t)
        ck = check_account("".join(digits))
        value, repaired = (ck.value, ck.repaired) if ck.valid else (None, [])
    if value is None:
        return CodeField(), f"A value was found next to the {FIELD_TEXT[fname]} label but it does not have the right format."
    cf = CodeField(value=value, confidence=TEXT_CONFIDENCE, found_by="pattern" if pattern else "text")
    if repaired:
        # The text itself is off (e.g. letter O for digit 0): say where, never fix silently.
        cf.uncertain = [UncertainChar(index=i, alternatives=alts, reason="not the character the format allows")
                        for i, alts in repaired]
        cf.needs_review, cf.confidence = True, 0.6
    if ambiguous:
        cf.needs_review, cf.confidence = True, min(cf.confidence, 0.6)
    if pattern:
        cf = for_review(cf)
    note = wrap_warning(cf, joined_key, may_go_on, hyphen_at) if fname == "linkage_key" else None
    return cf, note


def _choose(words: list[Word]) -> tuple[dict[str, CodeField], list[str]]:
    """One value per field from text words: label-anchored values that pass the text checks,
    beside the label before below it; no word serves two fields; format-only matches last."""
    words = unglued(words)
    labels = find_labels(words, fuzzy=False)
    ranked: list[tuple[tuple[float, ...], str, Candidate, CodeField, str | None]] = []
    rejected: set[str] = set()
    for cand in label_candidates(words, labels):
        cf, note = _field_from(cand.field, cand)
        if cf.value is None:
            rejected.add(cand.field)
            continue
        # (A key joined from two lines is flagged, but its label's value all the same.)
        ranked.append(((not cf.needs_review or note is not None, cand.where == "right", cand.score),
                       cand.field, cand, cf, note))
    ranked.sort(key=lambda r: r[0], reverse=True)
    fields: dict[str, CodeField] = {}
    taken: set[Word] = set()
    notes: list[str] = []
    for _key, fname, cand, cf, note in ranked:
        if fname in fields or set(cand.words) & taken:
            continue
        fields[fname] = cf
        taken.update(cand.words)
        taken.update(cand.tail)
        if note is not None:
            notes.append(note)
    missing = [f for f in FIELD_NAMES if f not in fields]
    if missing and fields:  # a letter with at least one labelled code: format-only search for the rest
        by_field: dict[str, list[Candidate]] = {}
        for cand in pattern_candidates(words, labels):
            if cand.field in missing and not (set(cand.words) & taken):
                by_field.setdefault(cand.field, []).append(cand)
        for fname, cands in by_field.items():
            if len({c.text for c in cands}) == 1:  # one value (maybe printed twice), else we cannot tell
                fields[fname], _ = _field_from(fname, cands[0])
    # Only on a letter with codes: prose such as "your linkage key will be sent separately" is no news.
    warnings = [f"A value was found next to the {FIELD_TEXT[f]} label but it does not have the right format."
                for f in FIELD_NAMES if f in rejected and f not in fields and fields]
    warnings += notes
    return fields, warnings


def scan_words(words: list[Word], kind: str, page_index: int = 0) -> ScanResult:
    """Extract and validate the three codes from words that came from text (no OCR)."""
    t0 = time.perf_counter()
    fields, warnings = _choose(words)
    result = ScanResult(**{f: fields.get(f, CodeField()) for f in FIELD_NAMES},
                        source_kind=kind, page_index=page_index, warnings=warnings)  # type: ignore[arg-type]
    result.status = result.status_from_fields()
    result.timings = StageTimings(extract=round(time.perf_counter() - t0, 4))
    return result


def scan_text(text: str, kind: str = "text", page_index: int = 0) -> ScanResult:
    """Read the codes from plain text (an email body, a .txt file)."""
    return scan_words(words_from_lines(text.splitlines()), kind, page_index)


def _rank(result: ScanResult) -> tuple[int, int]:
    found = [result.field(f) for f in FIELD_NAMES]
    return (sum(f.value is not None for f in found), sum(f.value is not None and not f.needs_review for f in found))


class _Best:
    """Keeps the best result among candidate pages/frames/parts (earliest wins ties)."""

    def __init__(self) -> None:
        self.result: ScanResult | None = None
        self.error: ScannerError | None = None

    def offer(self, result: ScanResult) -> bool:
        if self.result is None or _rank(result) > _rank(self.result):
            self.result = result
        return result.status == "ok"

    def fail(self, exc: ScannerError) -> None:
        if isinstance(exc, ScanTimeout):
            raise exc
        self.error = self.error or exc

    def final(self) -> ScanResult:
        """The best result; but when nothing was found and a page, frame or attachment could not
        be read, its error (a "not found" must not hide an unreadable part)."""
        if self.error is not None and (self.result is None or self.result.status == "not_found"):
            raise self.error
        if self.result is None:
            raise UnreadableInput("the input holds nothing the scanner could read")
        return self.result


# ---------------------------------------------------------------------------
# HTML -> text lines, table cells kept apart and in columns
# ---------------------------------------------------------------------------

_BLOCK = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "header",
          "footer", "blockquote", "pre", "hr", "dt", "dd", "dl", "center", "address", "form", "fieldset", "main",
          "nav", "aside", "figure", "figcaption", "caption", "tbody", "thead", "tfoot"}
_SKIP = {"script", "style", "head", "title", "noscript", "template", "svg", "object", "iframe", "select"}
_MAX_TABLE_DEPTH = 50
_MAX_COLS = 40


class _Block:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.cur: list[str] = []

    def text(self, s: str) -> None:
        self.cur.append(s)

    def newline(self) -> None:
        line = " ".join("".join(self.cur).split())
        if line:
            self.lines.append(line)
        self.cur = []

    def add_lines(self, lines: list[str]) -> None:
        self.newline()
        self.lines.extend(lines)

    def done(self) -> list[str]:
        self.newline()
        return self.lines


class _Table:
    def __init__(self) -> None:
        self.rows: list[list[list[str]]] = []
        self.cell: _Block | None = None

    def close_cell(self) -> None:
        if self.cell is not None:
            if not self.rows:
                self.rows.append([])
            if len(self.rows[-1]) < _MAX_COLS:
                self.rows[-1].append(self.cell.done())
            self.cell = None

    def render(self) -> list[str]:
        self.close_cell()
        ncols = max((len(r) for r in self.rows), default=0)
        widths = [0] * ncols
        for row in self.rows:
            for j, cell in enumerate(row):
                widths[j] = max([widths[j]] + [len(x) for x in cell])
        out: list[str] = []
        for row in self.rows:
            height = max((len(c) for c in row), default=0)
            for k in range(height):
                parts = [(cell[k] if k < len(cell) else "").ljust(widths[j]) for j, cell in enumerate(row)]
                line = "    ".join(parts).rstrip()
                if line:
                    out.append(line)
        return out


class _HtmlText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.doc = _Block()
        self.tables: list[_Table] = []
        self.skip = 0

    def _target(self) -> _Block:
        for t in reversed(self.tables):
            if t.cell is not None:
                return t.cell
            t.cell = _Block()  # text between cells: give it a cell of its own
            return t.cell
        return self.doc

    def handle_starttag(self, tag: str, attrs: list) -> None:  # noqa: ANN001
        if tag in _SKIP:
            self.skip += 1
        elif tag == "table":
            if len(self.tables) < _MAX_TABLE_DEPTH:
                self._target().newline()
                self.tables.append(_Table())
        elif tag == "tr" and self.tables:
            t = self.tables[-1]
            t.close_cell()
            t.rows.append([])
        elif tag in ("td", "th") and self.tables:
            t = self.tables[-1]
            t.close_cell()
            t.cell = _Block()
        elif tag in _BLOCK:
            self._target().newline()

    def handle_startendtag(self, tag: str, attrs: list) -> None:  # noqa: ANN001
        if tag not in _SKIP:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag == "table" and self.tables:
            lines = self.tables.pop().render()
            self._target().add_lines(lines)
        elif tag in ("td", "th") and self.tables:
            self.tables[-1].close_cell()
        elif tag in _BLOCK:
            self._target().newline()

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self._target().text(data)

    def lines(self) -> list[str]:
        while self.tables:
            lines = self.tables.pop().render()
            self._target().add_lines(lines)
        return self.doc.done()


def html_to_lines(html: str) -> list[str]:
    """Visible text of an HTML body as lines; table rows stay rows, cells stay apart in columns."""
    parser = _HtmlText()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # noqa: BLE001 - HTMLParser is lenient; anything left is a broken tail
        pass
    return parser.lines()


# ---------------------------------------------------------------------------
# Dispatch by content
# ---------------------------------------------------------------------------

def scan_bytes(data: bytes, limits: Limits, scan_image: ImageScanner, deadline: float | None) -> ScanResult:
    """Scan any supported input given as bytes: images, PDFs, emails, HTML and text."""
    ctx = _Context(limits, scan_image, deadline)
    result = _dispatch(data, ctx)
    result.warnings = list(dict.fromkeys(ctx.warnings + result.warnings))
    return result


def _dispatch(data: bytes, ctx: _Context) -> ScanResult:
    fmt = detect(data)
    log.debug("input detected as %s (%d bytes)", fmt, len(data))
    if fmt == "pdf":
        return _scan_pdf(data, ctx)
    if fmt == "email":
        return _scan_email(data, ctx)
    if fmt in ("text", "html"):
        if len(data) > 4 * ctx.limits.max_text_chars:  # before decoding: no character takes more than 4 bytes
            raise InputTooLarge(f"input holds over {ctx.limits.max_text_chars} characters of text, the limit")
        text = decode_text(data)
        if text is None:
            raise UnreadableInput("the text could not be decoded (not UTF-8, UTF-16 or Windows-1252)")
        ctx.count_text(len(text))
        lines = html_to_lines(text) if fmt == "html" else text.splitlines()
        return scan_words(words_from_lines(lines), "text")
    if fmt in ("jpeg", "png", "gif", "bmp", "tiff", "webp", "heif", "avif"):
        return _scan_frames(data, ctx)
    raise UnsupportedInput(f"input looks like {describe(fmt)}, not an image, PDF, email or text the scanner reads")


def _scan_frames(data: bytes, ctx: _Context) -> ScanResult:
    frames = Frames(data, ctx.limits)
    if not frames.multi:
        return ctx.scan_image(open_first(frames))
    best = _Best()
    for i, loaded in frames:
        ctx.check_time()
        try:
            result = ctx.scan_image(loaded)
        except ScannerError as exc:
            best.fail(exc)
            continue
        result.page_index = i
        if best.offer(result):
            break
    if frames.error is not None:
        ctx.warnings.append("A later frame of the image could not be decoded and was skipped.")
        best.fail(frames.error)
    if frames.capped:
        ctx.warnings.append(f"Only the first {ctx.limits.max_frames} frames were scanned.")
    return best.final()


def open_first(frames: Frames) -> LoadedImage:
    """The first frame of a single-frame image.  Pillow's copy of it is freed at once, not held
    while the frame is scanned."""
    try:
        for _index, loaded in frames:
            return loaded
    finally:
        frames.close()
    raise UnreadableInput("the image holds no frame")


# ---------------------------------------------------------------------------
# Email
# ---------------------------------------------------------------------------

def _part_text(part: EmailMessage) -> str:
    try:
        content = part.get_content()
    except Exception:  # noqa: BLE001 - unknown charset or broken transfer encoding
        payload = part.get_payload(decode=True) or b""
        content = payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else str(payload)
    return content if isinstance(content, str) else ""


def _scan_email(data: bytes, ctx: _Context) -> ScanResult:
    try:
        msg = BytesParser(policy=policy.default).parsebytes(data)
        parts = []
        for n, part in enumerate(msg.walk()):
            if n >= ctx.limits.max_parts:
                raise InputTooLarge(f"email has over {ctx.limits.max_parts} MIME parts, the limit")
            if not part.is_multipart():
                parts.append(part)
    except ScannerError:
        raise
    except (RecursionError, MemoryError):
        raise InputTooLarge("email is nested too deeply or too large to read") from None
    except Exception as exc:  # noqa: BLE001 - the stdlib parser is lenient; anything else is corrupt
        raise UnreadableInput(f"email could not be parsed ({type(exc).__name__})") from None
    best = _Best()
    texts = [p for p in parts if p.get_content_maintype() == "text" and p.get_content_subtype() in ("plain", "html")]
    # Bodies first (plain before HTML: the same words with less markup), attachments after.
    texts.sort(key=lambda p: (p.get_content_disposition() == "attachment", p.get_content_subtype() != "plain"))
    for part in texts:
        ctx.check_time()
        text = _part_text(part)
        ctx.count_text(len(text))
        lines = html_to_lines(text) if part.get_content_subtype() == "html" else text.splitlines()
        if best.offer(scan_words(words_from_lines(lines), "email")):
            return best.final()
    decoded = 0
    for i, part in enumerate(p for p in parts if p not in texts):
        ctx.check_time()
        try:
            payload = part.get_payload(decode=True)
        except Exception:  # noqa: BLE001
            payload = None
        if not isinstance(payload, bytes) or not payload:
            continue
        decoded += len(payload)
        if decoded > ctx.limits.max_bytes:
            raise InputTooLarge(f"email attachments decode to over {ctx.limits.max_bytes} bytes, the limit")
        kind = detect(payload)
        if kind in ("zip", "gzip"):  # never unpacked, so an archive bomb costs nothing
            ctx.warnings.append(f"Attachment {i + 1} is an archive; archives are not opened.")
            best.fail(UnsupportedInput(f"attachment {i + 1} is {describe(kind)}; archives are not opened, "
                                       "attach the letter itself"))
            continue
        if kind in ("unknown", "isobmff", "svg"):
            log.debug("email attachment %d (%s) skipped", i + 1, kind)
            continue
        if ctx.depth >= ctx.limits.max_depth:
            ctx.warnings.append("Documents nested too deeply were not opened.")
            continue
        sub = _Context(ctx.limits, ctx.scan_image, ctx.deadline, ctx.depth + 1, ctx.text_chars, ctx.warnings)
        try:
            result = _dispatch(payload, sub)
        except ScannerError as exc:
            best.fail(exc)
            continue
        finally:
            ctx.text_chars = sub.text_chars
        result.source_kind = "email"
        if best.offer(result):
            break
    return best.final() if best.result is not None or best.error is not None else scan_words([], "email")


# ---------------------------------------------------------------------------
# PDF
# ---------------------------------------------------------------------------

_PDF_LOCK = threading.RLock()


def _pdfium():  # noqa: ANN202 - the module
    try:
        import pypdfium2 as pdfium
        import pypdfium2.raw as pdfium_c
    except ImportError:
        raise UnsupportedInput("input is a PDF; install pypdfium2 to read it") from None
    return pdfium, pdfium_c


def _pdf_words(textpage, pdfium_c, page_height: float, scale: float) -> list[Word]:  # noqa: ANN001
    """Words of a page's text layer with their boxes in pixels of a ``scale`` rendering.

    Characters are grouped into words by whitespace and by gaps, and words into
    lines by their vertical centres, so labels and values keep their places
    whatever order the PDF drew them in."""
    import ctypes

    n = textpage.count_chars()
    if n <= 0:
        return []
    text = textpage.get_text_range(0, n)
    raw = textpage.raw
    rect = pdfium_c.FS_RECTF()
    chars: list[tuple[str, float, float, float, float]] = []
    for i in range(min(n, len(text))):
        ch = text[i]
        if ch.isspace() or not ch.isprintable():
            chars.append((" ", 0, 0, 0, 0))
            continue
        if not pdfium_c.FPDFText_GetLooseCharBox(raw, i, ctypes.byref(rect)):
            chars.append((" ", 0, 0, 0, 0))
            continue
        chars.append((ch, rect.left, page_height - rect.top, rect.right, page_height - rect.bottom))
    raw_words: list[tuple[str, float, float, float, float]] = []
    cur: list[tuple[str, float, float, float, float]] = []

    def flush() -> None:
        if cur:
            raw_words.append(("".join(c[0] for c in cur), min(c[1] for c in cur), min(c[2] for c in cur),
                              max(c[3] for c in cur), max(c[4] for c in cur)))
            cur.clear()

    for c in chars:
        if c[0] == " ":
            flush()
            continue
        if cur:
            p = cur[-1]
            h = max(1e-3, p[4] - p[2])
            if c[1] - p[3] > 0.25 * h or c[1] < p[1] - 0.1 * h or abs((c[2] + c[4]) - (p[2] + p[4])) / 2 > 0.5 * h:
                flush()
        cur.append(c)
    flush()
    # Lines: cluster by vertical centre.
    raw_words.sort(key=lambda w: ((w[2] + w[4]) / 2, w[1]))
    words: list[Word] = []
    line, line_cy, line_h = -1, -1e9, 0.0
    for t, x0, y0, x1, y1 in raw_words:
        cy, h = (y0 + y1) / 2, y1 - y0
        if abs(cy - line_cy) > 0.5 * max(h, line_h):
            line, line_cy, line_h = line + 1, cy, h
        words.append(Word(t, 100.0, Box(x0 * scale, y0 * scale, x1 * scale, y1 * scale), line))
    return words


def _page_content(page, pdfium_c) -> tuple[bool, bool, bool]:  # noqa: ANN001
    """(has visible text, has images, has anything at all).  Invisible text (render mode 3)
    is what a scanner's OCR adds under a page image, and is not trusted to be right."""
    visible = images = anything = False
    for obj in page.get_objects(max_depth=2):
        anything = True
        if obj.type == pdfium_c.FPDF_PAGEOBJ_TEXT:
            if pdfium_c.FPDFTextObj_GetTextRenderMode(obj.raw) != pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE:
                visible = True
        elif obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            images = True
        if visible and images:
            break
    return visible, images, anything


def _render_scale(width: float, height: float, limits: Limits) -> float:
    scale = limits.render_dpi / 72.0
    scale = min(scale, limits.decode_long_side / max(width, height))
    if width * height * scale * scale > limits.max_render_pixels:
        scale = (limits.max_render_pixels / (width * height)) ** 0.5
    return scale


def _scan_pdf(data: bytes, ctx: _Context) -> ScanResult:
    pdfium, pdfium_c = _pdfium()
    if b"/JavaScript" in data or b"/JS" in data:
        ctx.warnings.append("The PDF contains JavaScript; it was not run.")
    best = _Best()
    with _PDF_LOCK:
        try:
            doc = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            if "password" in str(exc).lower():
                raise EncryptedInput("the PDF is password-protected; save a copy without a password, "
                                     "or photograph the letter") from None
            raise UnreadableInput("the PDF could not be opened; the file may be truncated or corrupt") from None
        except Exception as exc:  # noqa: BLE001
            raise UnreadableInput(f"the PDF could not be opened ({type(exc).__name__})") from None
        try:
            n_pages = len(doc)
        except Exception:  # noqa: BLE001
            n_pages = 0
    try:
        if n_pages <= 0:
            raise UnreadableInput("the PDF has no pages")
        if n_pages > ctx.limits.max_pages:
            ctx.warnings.append(f"Only the first {ctx.limits.max_pages} of {n_pages} pages were scanned.")
        for index in range(min(n_pages, ctx.limits.max_pages)):
            ctx.check_time()
            try:
                text_result, image = _pdf_page(doc, index, ctx, pdfium_c)
            except ScannerError as exc:
                best.fail(exc)
                continue
            if text_result is None and image is None:
                log.debug("pdf page %d is empty", index + 1)
                continue
            if text_result is not None and best.offer(text_result):
                break
            if image is not None:
                try:
                    result = ctx.scan_image(image)
                except ScannerError as exc:
                    best.fail(exc)
                    continue
                result.source_kind, result.page_index = "pdf", index
                if best.offer(result):
                    break
    finally:
        with _PDF_LOCK:
            doc.close()
    if best.result is None and best.error is None:
        return ScanResult(source_kind="pdf", warnings=["The PDF's pages hold no text or pictures."])
    return best.final()


def _pdf_page(doc, index: int, ctx: _Context, pdfium_c) -> tuple[ScanResult | None, LoadedImage | None]:  # noqa: ANN001
    """Read one page: codes from its text layer, and a rendering when the text is not enough."""
    with _PDF_LOCK:
        try:
            page = doc[index]
        except Exception:  # noqa: BLE001
            raise UnreadableInput(f"page {index + 1} of the PDF could not be read") from None
        try:
            width, height = page.get_size()
            if not (width > 0 and height > 0) or max(width, height) / min(width, height) > ctx.limits.max_aspect:
                raise UnreadableInput(f"page {index + 1} of the PDF is not the shape of a letter")
            scale = _render_scale(width, height, ctx.limits)
            visible, images, anything = _page_content(page, pdfium_c)
            text_result = None
            if visible:
                textpage = page.get_textpage()
                try:
                    words = _pdf_words(textpage, pdfium_c, height, scale)
                finally:
                    textpage.close()
                ctx.count_text(sum(len(w.text) + 1 for w in words))
                text_result = scan_words(words, "pdf", index)
                log.debug("pdf page %d: text layer of %d words, status %s", index + 1, len(words), text_result.status)
            image = None
            # Render when there is no text to read (a scan, or text drawn as outlines), or when
            # the text gave no complete set and the page holds pictures that may carry the codes.
            if anything and ((text_result is None) or (text_result.status != "ok" and images)):
                bitmap = page.render(scale=scale, grayscale=True, may_draw_forms=False)
                try:
                    arr = np.array(bitmap.to_numpy(), copy=True)
                finally:
                    bitmap.close()
                if arr.ndim == 3:
                    arr = arr[:, :, 0] if arr.shape[2] == 1 else arr[:, :, :3].mean(axis=2).astype(np.uint8)
                if min(arr.shape[:2]) < ctx.limits.min_side:
                    raise UnreadableInput(f"page {index + 1} of the PDF is too small to hold a letter")
                image = LoadedImage(image=np.ascontiguousarray(arr), scale=1.0,
                                    source_size=(arr.shape[1], arr.shape[0]), format="pdf")
                log.debug("pdf page %d rendered at %.0f dpi for OCR", index + 1, scale * 72)
        except ScannerError:
            raise
        except MemoryError:
            raise InputTooLarge(f"page {index + 1} of the PDF is too large to render") from None
        except Exception as exc:  # noqa: BLE001 - pdfium reports broken pages in many ways
            raise UnreadableInput(f"page {index + 1} of the PDF could not be read ({type(exc).__name__})") from None
        finally:
            page.close()
    return text_result, image
