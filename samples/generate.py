#!/usr/bin/env python3
"""Synthetic sample generator for linkage-scanner.

Renders invented UK GP "linkage key letters" (online services registration
letters) and other practice letters, then simulates how they reach the
scanner: clean digital renders, flatbed scans, phone photos, close-ups of the
code panel, and letters that carry no codes at all.

    python samples/generate.py [--out samples] [--seed 2026]

Writes <out>/images/<name>.<ext> and <out>/labels.json (the ground truth).
Same seed -> byte-identical outputs.  This script deliberately does not import
anything from the ``scanner`` package: it is the independent source of truth.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import random
import shutil
import string
import sys
import time
from dataclasses import dataclass, field
from functools import cache

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

cv2.setNumThreads(1)  # shared 2-core machine; also keeps results reproducible

# ---------------------------------------------------------------------------
# Fonts
# ---------------------------------------------------------------------------
FD = "/usr/share/fonts"
TEXGYRE = "/usr/share/texmf/fonts/opentype/public/tex-gyre"

# family -> (regular, bold, debian package)
TEXT_FONTS = {
    "Liberation Sans": (f"{FD}/truetype/liberation2/LiberationSans-Regular.ttf",
                        f"{FD}/truetype/liberation2/LiberationSans-Bold.ttf", "fonts-liberation2"),
    "Carlito": (f"{FD}/truetype/crosextra/Carlito-Regular.ttf",
                f"{FD}/truetype/crosextra/Carlito-Bold.ttf", "fonts-crosextra-carlito"),
    "Liberation Serif": (f"{FD}/truetype/liberation2/LiberationSerif-Regular.ttf",
                         f"{FD}/truetype/liberation2/LiberationSerif-Bold.ttf", "fonts-liberation2"),
    "Liberation Mono": (f"{FD}/truetype/liberation2/LiberationMono-Regular.ttf",
                        f"{FD}/truetype/liberation2/LiberationMono-Bold.ttf", "fonts-liberation2"),
    "Caladea": (f"{FD}/truetype/crosextra/Caladea-Regular.ttf",
                f"{FD}/truetype/crosextra/Caladea-Bold.ttf", "fonts-crosextra-caladea"),
    "DejaVu Sans": (f"{FD}/truetype/dejavu/DejaVuSans.ttf",
                    f"{FD}/truetype/dejavu/DejaVuSans-Bold.ttf", "fonts-dejavu-core"),
    "Nimbus Sans": (f"{FD}/opentype/urw-base35/NimbusSans-Regular.otf",
                    f"{FD}/opentype/urw-base35/NimbusSans-Bold.otf", "fonts-urw-base35"),
    "Open Sans": (f"{FD}/truetype/open-sans/OpenSans-Regular.ttf",
                  f"{FD}/truetype/open-sans/OpenSans-Bold.ttf", "fonts-open-sans"),
    "Noto Sans": (f"{FD}/truetype/noto/NotoSans-Regular.ttf",
                  f"{FD}/truetype/noto/NotoSans-Bold.ttf", "fonts-noto-core"),
    "Nimbus Mono PS": (f"{FD}/opentype/urw-base35/NimbusMonoPS-Regular.otf",
                       f"{FD}/opentype/urw-base35/NimbusMonoPS-Bold.otf", "fonts-urw-base35"),
    "Roboto": (f"{FD}/truetype/roboto/unhinted/RobotoTTF/Roboto-Regular.ttf",
               f"{FD}/truetype/roboto/unhinted/RobotoTTF/Roboto-Bold.ttf", "fonts-roboto-unhinted"),
    "TeX Gyre Heros": (f"{TEXGYRE}/texgyreheros-regular.otf",
                       f"{TEXGYRE}/texgyreheros-bold.otf", "fonts-texgyre"),
    "Lato": (f"{FD}/truetype/lato/Lato-Regular.ttf",
             f"{FD}/truetype/lato/Lato-Bold.ttf", "fonts-lato"),
    "C059": (f"{FD}/opentype/urw-base35/C059-Roman.otf",
             f"{FD}/opentype/urw-base35/C059-Bold.otf", "fonts-urw-base35"),
}
TEXT_FONT_ORDER = list(TEXT_FONTS)

# fonts used only for code values (monospace-ish)
VALUE_FONTS = {
    "Liberation Mono": TEXT_FONTS["Liberation Mono"],
    "DejaVu Sans Mono": (f"{FD}/truetype/dejavu/DejaVuSansMono.ttf",
                         f"{FD}/truetype/dejavu/DejaVuSansMono-Bold.ttf", "fonts-dejavu-core"),
    "Noto Sans Mono": (f"{FD}/truetype/noto/NotoSansMono-Regular.ttf",
                       f"{FD}/truetype/noto/NotoSansMono-Bold.ttf", "fonts-noto-mono"),
    "Nimbus Mono PS": TEXT_FONTS["Nimbus Mono PS"],
}
UI_FONT = TEXT_FONTS["DejaVu Sans"]


def check_fonts() -> None:
    missing = []
    for table in (TEXT_FONTS, VALUE_FONTS):
        for fam, (reg, bold, pkg) in table.items():
            for p in (reg, bold):
                if not os.path.exists(p):
                    missing.append((fam, p, pkg))
    if missing:
        lines = [f"  {fam}: {p}  (Debian package: {pkg})" for fam, p, pkg in missing]
        pkgs = sorted({m[2] for m in missing})
        sys.exit("generate.py: missing font files:\n" + "\n".join(lines)
                 + f"\nInstall them with: apt-get install {' '.join(pkgs)}")


@cache
def get_font(path: str, px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, max(6, int(px)))


# ---------------------------------------------------------------------------
# Codes and identities
# ---------------------------------------------------------------------------
CONFUSABLE = "lI1O0o"
CASE_PAIRS = "cCsSvVwWxXzZkKpPuU"
ALNUM = string.ascii_letters + string.digits
KEY_PUNCT = "/!?*+=-"


def make_key(r: random.Random, lengths=None) -> tuple[str, bool]:
    n = r.choices(lengths or [10, 11, 12, 13, 14, 15, 16], weights=None if lengths else [3, 4, 7, 26, 26, 22, 12])[0]
    rich = r.random() < 0.5
    chars = []
    for _ in range(n):
        if rich and r.random() < 0.6:
            chars.append(r.choice(CONFUSABLE + CONFUSABLE + CASE_PAIRS))
        else:
            chars.append(r.choice(ALNUM))
    if r.random() < 0.25:
        for _ in range(r.choice([1, 1, 2])):
            chars[r.randrange(1, n - 1)] = r.choice(KEY_PUNCT)
    return "".join(chars), rich


def make_ods(r: random.Random) -> str:
    if r.random() < 0.07:
        return r.choice(["ALD", "GUE", "JER"]) + f"{r.randrange(1000):03d}"
    return r.choice("ABCDEFGHJKLMNPQRSTUVWYYY") + f"{r.randrange(100000):05d}"


def nhs_check_digit(d9: str):
    total = sum(int(c) * (10 - i) for i, c in enumerate(d9))
    c = 11 - total % 11
    if c == 11:
        return 0
    return None if c == 10 else c


def nhs_valid(s: str) -> bool:
    return len(s) == 10 and s.isdigit() and nhs_check_digit(s[:9]) == int(s[9])


def make_nhs(r: random.Random) -> str:
    while True:
        d9 = str(r.randint(1, 9)) + "".join(str(r.randrange(10)) for _ in range(8))
        c = nhs_check_digit(d9)
        if c is not None:
            return d9 + str(c)


def fmt_nhs(s: str) -> str:
    return f"{s[:3]} {s[3:6]} {s[6:]}"


def make_account(r: random.Random, n: int | None = None) -> str:
    if n is None:
        n = r.choices([6, 7, 8, 9, 10, 11, 12, 13, 15], weights=[6, 4, 5, 30, 36, 5, 5, 4, 5])[0]
    while True:
        first = "0" if r.random() < 0.12 else str(r.randint(1, 9))
        s = first + "".join(str(r.randrange(10)) for _ in range(n - 1))
        if n == 10 and nhs_valid(s) and r.random() > 0.1:
            continue
        return s


def random_token(r: random.Random, n: int, alphabet=ALNUM) -> str:
    return "".join(r.choice(alphabet) for _ in range(n))


PLACES = ["Riverside", "Oakwood", "Hollybank", "Castle Street", "Meadowbank", "Brookfield", "Ashgrove",
          "Elmwood", "Kingsway", "Millbrook", "St Aldhelm's", "Westfield", "Larkspur", "Fernhill",
          "Harbour View", "Church Lane", "Thornbury Road", "Beechcroft", "Willow Tree", "Marsh Gate",
          "Northgate", "Linden House", "The Grange", "Abbey Mead", "Cedar Park", "Foxhollow"]
PRACTICE_TYPES = ["Surgery", "Medical Centre", "Health Centre", "Medical Practice", "Family Practice",
                  "Group Practice", "Healthcare"]
TOWNS = [("Ashbridge", "LS"), ("Kelmsford", "S"), ("Dunmere", "BD"), ("Holtby", "YO"), ("Westcombe", "BS"),
         ("Larkhill Vale", "SN"), ("Penmarrow", "TR"), ("Caxford", "OX"), ("Bramwell", "NG"),
         ("Easton Moor", "DL"), ("Hartsfield", "M"), ("Llanfair Cwm", "CF"), ("Stowbury", "IP"),
         ("Greyminster", "NE"), ("Fallowfield Cross", "B"), ("Tinsley Green", "RH")]
STREETS = ["Mill Lane", "High Street", "Station Road", "Church Street", "Victoria Road", "Park Avenue",
           "Queens Road", "Orchard Way", "The Green", "Bridge Street", "Hawthorn Close", "Manor Road",
           "School Lane", "Chapel Walk", "Albert Terrace", "Greenhill Drive", "Westgate", "Market Place"]
FIRST = ["James", "Olivia", "Mohammed", "Amelia", "Harry", "Isla", "Oliver", "Ava", "George", "Mia",
         "Noah", "Grace", "Arthur", "Freya", "Leo", "Priya", "Thomas", "Sophie", "Daniel", "Aisha",
         "Margaret", "Peter", "Siobhan", "Rhys", "Chloe", "Tariq", "Eleanor", "Wojciech", "Hannah", "Kwame"]
SURNAMES = ["Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas",
            "Johnson", "Roberts", "Robinson", "Wright", "Patel", "Khan", "Hughes", "Edwards", "Green",
            "Hall", "Wood", "Clarke", "O'Brien", "Kowalski", "Okafor", "Lewis", "Walker", "Turner", "Ahmed"]
TITLES = ["Mr", "Mrs", "Ms", "Miss", "Dr", "Mx"]
PHONES = ["0113 496 0{:03d}", "0114 496 0{:03d}", "0115 496 0{:03d}", "0116 496 0{:03d}",
          "0117 496 0{:03d}", "0118 496 0{:03d}", "0121 496 0{:03d}", "0131 496 0{:03d}",
          "0141 496 0{:03d}", "0151 496 0{:03d}", "0161 496 0{:03d}", "020 7946 0{:03d}",
          "01632 960{:03d}", "0191 498 0{:03d}", "028 9649 6{:03d}"]
PC_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def postcode(r: random.Random, area: str) -> str:
    return f"{area}{r.randint(1, 29)} {r.randint(1, 9)}{r.choice(PC_LETTERS)}{r.choice(PC_LETTERS)}"


def fmt_date(r: random.Random, d: dt.date, style: int | None = None) -> str:
    style = r.randrange(4) if style is None else style
    if style == 0:
        return f"{d.day} {d:%B %Y}"
    if style == 1:
        return f"{d:%d/%m/%Y}"
    if style == 2:
        return f"{d:%A} {d.day} {d:%B %Y}"
    return f"{d:%d-%b-%Y}"


def make_identity(r: random.Random) -> dict:
    place = r.choice(PLACES)
    town, area = r.choice(TOWNS)
    name = f"{place} {r.choice(PRACTICE_TYPES)}"
    if r.random() < 0.2:
        name = "The " + name
    slug = place.lower().replace("'", "").replace(" ", "") + r.choice(["surgery", "medical", "mc", "hc", ""])
    ptown, parea = r.choice(TOWNS)
    first, last = r.choice(FIRST), r.choice(SURNAMES)
    title = r.choice(TITLES)
    letter_date = dt.date(2025, 1, 6) + dt.timedelta(days=r.randrange(540))
    dob = dt.date(1932, 1, 1) + dt.timedelta(days=r.randrange(27000))
    return dict(
        practice=name, town=town,
        p_addr=[f"{r.randint(1, 180)} {r.choice(STREETS)}", town, postcode(r, area)],
        phone=r.choice(PHONES).format(r.randrange(1000)),
        phone2=r.choice(PHONES).format(r.randrange(1000)),
        web=f"www.{slug}.nhs.uk", email=f"{slug or 'practice'}.reception@nhs.net",
        title=title, first=first, last=last,
        pt_addr=[f"{r.randint(1, 250)} {r.choice(STREETS)}", ptown, postcode(r, parea)],
        date=letter_date, date_s=fmt_date(r, letter_date),
        expiry=letter_date + dt.timedelta(days=14),
        dob=dob, dob_s=fmt_date(r, dob, r.choice([0, 1, 1, 3])),
        nhs=make_nhs(r),
        signer=r.choice(["Practice Manager", "Reception Team", "Patient Services Team",
                         f"Dr {r.choice(FIRST)[0]}. {r.choice(SURNAMES)}", "Online Services Administrator"]),
    )


# ---------------------------------------------------------------------------
# Spec
# ---------------------------------------------------------------------------
LAYOUTS = ["table", "shaded", "lines", "stacked", "tpp", "vision"]
KEY_LABELS = ["Linkage Key", "Linkage key", "Account Linkage Key", "Linkage Key", "Passphrase", "Pass phrase"]
ODS_LABELS = ["ODS Code", "ODS code", "Practice ODS Code", "Practice ID", "Organisation code",
              "Organisation Code", "Practice code", "Surgery ID", "National Practice Code"]
ACC_LABELS = ["Account ID", "Account Id", "Account ID number"]


@dataclass
class Spec:
    idx: int
    name: str
    capture: str                    # clean|scan|photo|closeup|nocodes
    layout: str                     # code layout, or letter type for nocodes
    font: str
    seed: int
    style: str = ""                 # for nocodes: clean|scan|photo
    value_font: str = ""
    value_bold: bool = True
    codes: dict | None = None       # linkage_key, ods_code, account_id
    opts: dict = field(default_factory=dict)


# ---------------------------------------------------------------------------
# Letter rendering
# ---------------------------------------------------------------------------
INK = (22, 22, 24)
NHS_BLUE = (0, 94, 184)


class Page:
    def __init__(self, dpi: float):
        self.dpi = dpi
        self.W = int(round(8.27 * dpi))
        self.H = int(round(11.69 * dpi))
        self.im = Image.new("RGB", (self.W, self.H), "white")
        self.d = ImageDraw.Draw(self.im)

    def px(self, pt: float) -> int:
        return int(round(pt * self.dpi / 72.0))

    def lw(self) -> int:
        return max(1, int(round(self.dpi / 110)))


def text_w(font, s: str) -> float:
    return font.getlength(s)


def cap_h(font) -> int:
    b = font.getbbox("H", anchor="ls")
    return b[3] - b[1]


def wrap(font, text: str, width: float) -> list[str]:
    out, line = [], ""
    for w in text.split():
        t = (line + " " + w).strip()
        if text_w(font, t) <= width or not line:
            line = t
        else:
            out.append(line)
            line = w
    if line:
        out.append(line)
    return out


def draw_para(pg: Page, x, y, width, text, font, lead=1.32, fill=INK, align="left") -> float:
    step = font.size * lead
    for ln in wrap(font, text, width):
        base = y + font.size * 0.95
        if align == "right":
            pg.d.text((x + width, base), ln, font=font, fill=fill, anchor="rs")
        elif align == "center":
            pg.d.text((x + width / 2, base), ln, font=font, fill=fill, anchor="ms")
        else:
            pg.d.text((x, base), ln, font=font, fill=fill, anchor="ls")
        y += step
    return y


def draw_lines(pg, x, y, lines, font, lead=1.25, fill=INK) -> float:
    for ln in lines:
        y = draw_para(pg, x, y, 10 ** 6, ln, font, lead, fill)
    return y


def nhs_logo(pg: Page, x_right, y, h):
    f = get_font(TEXT_FONTS["Liberation Sans"][1], int(h * 0.78))
    w = int(text_w(f, "NHS") + h * 0.35)
    pg.d.rectangle([x_right - w, y, x_right, y + h], fill=NHS_BLUE)
    pg.d.text((x_right - w / 2, y + h * 0.84), "NHS", font=f, fill="white", anchor="ms")


def draw_header(pg: Page, sp: Spec, o: dict, idn: dict, x0, x1, y) -> float:
    reg, bold, _ = TEXT_FONTS[sp.font]
    style = o["header"]
    small = get_font(reg, pg.px(o["body_pt"] - 1))
    cw = x1 - x0
    if style == 0:      # centred, rule beneath
        fn = get_font(bold, pg.px(o["head_pt"]))
        y = draw_para(pg, x0, y, cw, idn["practice"], fn, 1.2, NHS_BLUE if o["blue"] else INK, "center")
        y = draw_para(pg, x0, y, cw, ", ".join(idn["p_addr"]), small, 1.3, INK, "center")
        y = draw_para(pg, x0, y, cw, f"Tel: {idn['phone']}   |   {idn['web']}", small, 1.3, INK, "center")
        y += pg.px(4)
        pg.d.line([x0, y, x1, y], fill=NHS_BLUE if o["blue"] else INK, width=pg.lw() * 2)
        y += pg.px(14)
    elif style == 1:    # practice block right, NHS logo left
        nhs_logo(pg, x0 + pg.px(62), y, pg.px(26))
        fn = get_font(bold, pg.px(o["head_pt"] - 3))
        y = draw_para(pg, x0, y, cw, idn["practice"], fn, 1.25, INK, "right")
        for ln in idn["p_addr"] + [f"Telephone: {idn['phone']}", idn["web"]]:
            y = draw_para(pg, x0, y, cw, ln, small, 1.25, INK, "right")
        y += pg.px(16)
    else:               # coloured band
        band_h = pg.px(o["head_pt"] * 2.1)
        pg.d.rectangle([0, y - pg.px(8), pg.W, y + band_h], fill=NHS_BLUE if o["blue"] else (60, 60, 70))
        fn = get_font(bold, pg.px(o["head_pt"]))
        pg.d.text((x0, y + band_h * 0.62), idn["practice"], font=fn, fill="white", anchor="ls")
        nhs_logo(pg, x1, y + band_h * 0.2, int(band_h * 0.55)) if o["blue"] else None
        y += band_h + pg.px(6)
        ln = f"{', '.join(idn['p_addr'])}  ·  {idn['phone']}  ·  {idn['web']}"
        y = draw_para(pg, x0, y, cw, ln, small, 1.3, (70, 70, 70))
        y += pg.px(14)
    return y


def draw_addressee(pg: Page, sp: Spec, o: dict, idn: dict, x0, x1, y) -> float:
    reg, bold, _ = TEXT_FONTS[sp.font]
    fb = get_font(reg, pg.px(o["body_pt"]))
    fbb = get_font(bold, pg.px(o["body_pt"]))
    cw = x1 - x0
    date_line = idn["date_s"] if o["date_style"] else f"Date: {idn['date_s']}"
    y_start = y
    draw_para(pg, x0, y, cw, date_line, fb, align="right")
    y += fb.size * 1.6
    name = f"{idn['title']} {idn['first']} {idn['last']}"
    y = draw_lines(pg, x0, y, [name] + idn["pt_addr"], fb)
    y += fb.size * 0.9
    rows = [("Date of birth:", idn["dob_s"]), ("NHS number:", fmt_nhs(idn["nhs"]) if o["nhs_spaced"] else idn["nhs"])]
    if o.get("ref"):
        rows.append(("Our ref:", o["ref"]))
    tab = max(text_w(fbb, a) for a, _ in rows) + pg.px(10)
    for a, b in rows:
        base = y + fb.size * 0.95
        pg.d.text((x0, base), a, font=fbb, fill=INK, anchor="ls")
        pg.d.text((x0 + tab, base), b, font=fb, fill=INK, anchor="ls")
        y += fb.size * 1.32
    y += fb.size * 1.0
    return max(y, y_start)


def value_font_for(sp: Spec, pg: Page, o: dict):
    if sp.value_font in VALUE_FONTS:
        reg, bold, _ = VALUE_FONTS[sp.value_font]
    else:
        reg, bold, _ = TEXT_FONTS[sp.value_font or sp.font]
    return get_font(bold if sp.value_bold else reg, pg.px(o["value_pt"]))


def wrapped_value(shown: str, seed: int) -> tuple[str, str]:
    """A key broken across two lines as a narrow table cell or a hyphenating word processor
    breaks it: its last 2-6 characters on the next line, with a hyphen added at the break half
    the time (``--wrapped-keys``).  Drawn from its own seed: no other letter changes."""
    r = random.Random(seed ^ 0x3A9B)
    k = len(shown) - r.randint(2, 6)
    while "-" in shown[k - 1:k + 1]:  # not at a hyphen of the key's own: that break is ambiguous
        k -= 1
    head, tail = shown[:k].rstrip(), shown[k:].lstrip()
    return (head + "-" if r.random() < 0.5 else head), tail


def panel_rows(o: dict) -> list[tuple[str, str | tuple[str, str]]]:
    """The code rows as drawn: a wrapped key's value as its two lines."""
    return [(r[0], wrapped_value(r[1], o["wrap"]) if r[2] == "key" and o.get("wrap") is not None else r[1])
            for r in o["rows"]]


def _parts(value) -> tuple[str, ...]:
    return value if isinstance(value, tuple) else (value,)


def _grid(pg, x, y, rows, lf, vf, pad, col_gap, full_w=None, borders=True, fill=None,
          header=None, header_font=None, header_fill=None, outline=INK, dark_values=None):
    """Two-column label/value grid.  Returns bottom y and bbox.  ``dark_values``: a ground colour
    for each value cell, reversed out on its own (light type), a thin light gap from the next."""
    lw_ = max(text_w(lf, a) for a, _ in rows)
    vw_ = max(text_w(vf, part) for _, b in rows for part in _parts(b))
    colL = lw_ + 2 * pad + col_gap
    colR = vw_ + 2 * pad
    tw = colL + colR
    if full_w and full_w > tw:
        colR = full_w - colL
        tw = full_w
    capv = cap_h(vf)
    row_h = int(max(vf.size, lf.size) * 1.15 + 2 * pad)
    more = int(vf.size * 1.15)  # a wrapped value's next line
    n_head = 1 if header else 0
    th = row_h * (len(rows) + n_head) + more * sum(len(_parts(b)) - 1 for _, b in rows)
    if fill:
        pg.d.rectangle([x, y, x + tw, y + th], fill=fill)
    yy = y
    if header:
        if header_fill:
            pg.d.rectangle([x, yy, x + tw, yy + row_h], fill=header_fill)
        pg.d.text((x + pad, yy + row_h / 2 + cap_h(header_font) / 2), header, font=header_font,
                  fill=INK, anchor="ls")
        if borders:
            pg.d.rectangle([x, yy, x + tw, yy + row_h], outline=outline, width=pg.lw())
        yy += row_h
    for a, b in rows:
        base = yy + row_h / 2 + capv / 2
        rh = row_h + more * (len(_parts(b)) - 1)
        pg.d.text((x + pad, base), a, font=lf, fill=INK, anchor="ls")
        for j, part in enumerate(_parts(b)):
            pg.d.text((x + colL + pad, base + j * more), part, font=vf, fill=INK, anchor="ls")
        if dark_values:
            gap = max(1, pg.px(1.5))
            reverse_out(pg, (x + colL + gap, yy + gap, x + tw - gap, yy + rh - gap), 255, dark_values)
        if borders:
            pg.d.rectangle([x, yy, x + colL, yy + rh], outline=outline, width=pg.lw())
            pg.d.rectangle([x + colL, yy, x + tw, yy + rh], outline=outline, width=pg.lw())
        yy += rh
    return y + th, (x, y, x + tw, y + th)


def draw_panel(pg: Page, sp: Spec, o: dict, x0, x1, y):
    reg, bold, _ = TEXT_FONTS[sp.font]
    fb = get_font(reg, pg.px(o["body_pt"]))
    fbb = get_font(bold, pg.px(o["body_pt"]))
    lf = fbb if o["label_bold"] else fb
    vf = value_font_for(sp, pg, o)
    cw = x1 - x0
    rows = panel_rows(o)
    colon = o["colon"]
    lay = sp.layout
    pad = pg.px(6)
    if lay in ("table", "vision"):
        rws = [(a + colon, b) for a, b in rows]
        head = o.get("panel_title")
        y2, bb = _grid(pg, x0, y, rws, lf, vf, pad, pg.px(4), full_w=cw if o["full_width"] else None,
                       header=head, header_font=fbb, header_fill=(225, 232, 240) if o["blue"] else (230, 230, 230),
                       dark_values=o.get("dark_values"))
        return y2, bb
    if lay == "shaded":
        rws = [(a + ":", b) for a, b in rows]
        g = o["shade"]
        ins = pg.px(10)
        ty = y
        if o.get("panel_title"):
            ty += pg.px(30)
        y2, bb = _grid(pg, x0 + ins, ty + ins, rws, lf, vf, pad, pg.px(18), borders=False,
                       full_w=(cw - 2 * ins) if o["full_width"] else None)
        box = (x0, y, bb[2] + ins, y2 + ins)
        # shade the box by multiplying the (already drawn) region with a light grey
        arr = np.asarray(pg.im).copy()
        x_a, y_a, x_b, y_b = [int(v) for v in box]
        arr[y_a:y_b, x_a:x_b] = (arr[y_a:y_b, x_a:x_b].astype(np.uint16) * g // 255).astype(np.uint8)
        pg.im.paste(Image.fromarray(arr))
        if o["thin_border"]:
            pg.d.rectangle(box, outline=(120, 120, 120), width=pg.lw())
        if o.get("panel_title"):
            pg.d.text((x0 + ins + pad, y + ins + pg.px(16)), o["panel_title"], font=fbb, fill=INK, anchor="ls")
        if o.get("reversed"):
            reverse_out(pg, box, g, o["reversed"])
        return box[3], box
    if lay == "lines":
        indent = pg.px(o["indent_pt"])
        yy = y
        lines_bb_x1 = x0
        tab = max(text_w(lf, a + ":") for a, _ in rows) + pg.px(12)
        step = max(vf.size, lf.size) * 1.45
        for a, b in rows:
            base = yy + max(vf.size, lf.size) * 0.95
            pg.d.text((x0 + indent, base), a + ":", font=lf, fill=INK, anchor="ls")
            vx = x0 + indent + (tab if o["tabbed"] else text_w(lf, a + ": "))
            for j, part in enumerate(_parts(b)):  # a wrapped key's rest hangs under its start
                pg.d.text((vx, base + j * vf.size * 1.2), part, font=vf, fill=INK, anchor="ls")
                lines_bb_x1 = max(lines_bb_x1, vx + text_w(vf, part))
            yy += step + vf.size * 1.2 * (len(_parts(b)) - 1)
        return yy, (x0, y, lines_bb_x1, yy)
    if lay == "stacked":
        sf = get_font(reg, pg.px(max(7.5, o["body_pt"] - 2.5)))
        bp = pg.px(7)
        widths = [max(text_w(sf, a), text_w(vf, b)) + 2 * bp for a, b in rows]
        gap = pg.px(10)
        bh = int(sf.size * 1.3 + vf.size * 1.25 + 2 * bp)
        side = sum(widths) + gap * (len(rows) - 1) <= cw and o["side_by_side"]
        xx, yy = x0, y
        bx1 = x0
        colw = max(widths) if not o["full_width"] else cw
        for (a, b), w in zip(rows, widths):
            if not side:
                w = colw
            box = [xx, yy, xx + w, yy + bh]
            if o["rounded"]:
                pg.d.rounded_rectangle(box, radius=pg.px(6), outline=(90, 90, 90), width=pg.lw())
            else:
                pg.d.rectangle(box, outline=INK, width=pg.lw())
            pg.d.text((xx + bp, yy + bp + sf.size * 0.9), a, font=sf, fill=(85, 85, 85), anchor="ls")
            pg.d.text((xx + bp, yy + bp + sf.size * 1.3 + vf.size * 0.95), b, font=vf, fill=INK, anchor="ls")
            if o.get("reversed"):
                reverse_out(pg, box, 255, o["reversed"])
            bx1 = max(bx1, xx + w)
            if side:
                xx += w + gap
            else:
                yy += bh + gap // 2
        bottom = y + bh if side else yy
        return bottom, (x0, y, bx1, bottom)
    if lay == "tpp":
        dec = o["decoy_rows"]
        tf = fbb
        y_top = y
        y = draw_para(pg, x0, y, cw, o["tpp_intro1"], fb)
        y += pg.px(4)
        y, bb1 = _grid(pg, x0, y, [(a + ":", b) for a, b in dec], lf, vf, pad, pg.px(10),
                       full_w=cw * 0.75, header=o["tpp_head1"], header_font=tf, header_fill=(232, 232, 232))
        y += pg.px(14)
        y = draw_para(pg, x0, y, cw, o["tpp_intro2"], fb)
        y += pg.px(4)
        y, bb2 = _grid(pg, x0, y, [(a + ":", b) for a, b in rows], lf, vf, pad, pg.px(10),
                       full_w=cw * 0.75, header=o["tpp_head2"], header_font=tf, header_fill=(232, 232, 232))
        return y, (x0, y_top, max(bb1[2], bb2[2]), y)
    raise ValueError(lay)


#: Layouts whose key may be printed wrapped across two lines (``wrapped_value``).
WRAPPABLE = ("table", "shaded", "lines", "vision", "tpp")
#: Grounds for a reversed-out panel (``--reversed-panels``): NHS blue, near-black, dark green.
REVERSED_GROUNDS = [(0, 94, 184), (30, 30, 34), (0, 100, 70)]


def reverse_out(pg: Page, box, shade: int, ground: tuple[int, int, int]) -> None:
    """Recolour a drawn shaded panel as light type on a dark ground (ink -> white, shade -> ground)."""
    arr = np.asarray(pg.im).astype(np.float32)
    x_a, y_a, x_b, y_b = [int(v) for v in box]
    region = arr[y_a:y_b + 1, x_a:x_b + 1]
    ink = np.clip(1.0 - region.mean(axis=2, keepdims=True) / max(shade, 1), 0.0, 1.0)
    region[:] = ink * 250.0 + (1.0 - ink) * np.array(ground, np.float32)
    pg.im.paste(Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8)))


LETTER_TITLES = ["Your online services registration details", "Online Services Registration",
                 "Registration for GP online services", "Patient Online Access: your linkage details",
                 "Your NHS App and online services details"]


def letter_paragraphs(sp: Spec, o: dict, idn: dict) -> tuple[list[str], list[str]]:
    kl, ol, al = o["key_label"], o["ods_label"], o["acc_label"]
    exp = ""
    if o["print_expiry"]:
        exp = f" (on {fmt_date(random.Random(sp.seed), idn['expiry'], 0)})"
    before = [
        f"You have been registered for online services at {idn['practice']}. This means you can book "
        "appointments, order repeat prescriptions and view parts of your GP health record online using "
        "the NHS App or another approved app.",
        "Below are the details you need to link your NHS App, or another online services app, to your "
        "record at this practice.",
    ]
    after = [
        f"These registration details expire two weeks after this letter was printed{exp}. If they expire "
        "before you use them, please contact reception and we will issue new ones.",
        "Please keep this letter private and do not share these details with anyone. Anyone who has "
        "them could access your medical record.",
        "To register for the NHS App, download it from the App Store or Google Play, choose 'Continue' "
        f"and follow the instructions to create an NHS login. When asked, enter your {kl}, {ol} and {al} "
        "exactly as shown above.",
        "Please take care to enter upper and lower case letters correctly, do not include any spaces, "
        "and include all the characters no matter how odd they might look.",
        f"If you have any problems, please contact the surgery on {idn['phone']} or email {idn['email']}.",
    ]
    if o["trim"]:
        after = after[: max(2, len(after) - o["trim"])]
        if o["trim"] > 1:
            before = before[:1]
    return before, after


NOCODE_TEXT = {
    "appointment": ("Appointment confirmation", [
        "We are writing to confirm your appointment with {doc} on {appt} at {time} at {practice}.",
        "Please arrive ten minutes before your appointment time and bring a list of any medicines you are "
        "taking. If you can no longer attend, please let us know as soon as possible by calling {phone} so that "
        "the appointment can be offered to another patient.",
        "Booking reference: {ref}",
        "You can also manage your appointments online using the NHS App.",
    ]),
    "results": ("Your recent test results", [
        "Your recent blood test results have been reviewed by {doc}. The results are summarised below.",
        "TABLE",
        "No further action is needed at this time. If you would like to discuss these results, please call "
        "{phone} after 11am. Laboratory reference: {ref}.",
    ]),
    "separately": ("Online services registration", [
        "Thank you for your application to register for GP online services at {practice}.",
        "For your security, your linkage key, ODS code and account ID will be sent separately. You will "
        "receive them in a second letter within 5 working days, or you can collect them in person from "
        "reception with photo identification.",
        "When you receive your linkage key, you will be able to link the NHS App to your GP record. The "
        "details expire two weeks after they are printed, so please use them promptly.",
        "If you did not ask to register for online services, please contact us on {phone}.",
    ]),
    "vaccination": ("Invitation: seasonal vaccination", [
        "Our records show that you are eligible for a free vaccination this season.",
        "Clinics will run on Saturday mornings at {practice}. Please book by calling {phone} or "
        "online via the NHS App. Your reference number is {ref}.",
        "If you have already had your vaccination elsewhere, for example at a pharmacy, please let us know.",
    ]),
    "welcome": ("Welcome to the practice", [
        "Welcome to {practice}. Your registration is now complete and your medical records have been "
        "requested from your previous practice.",
        "Your NHS number is {nhs}. Please quote it whenever you contact us. Our reception is open Monday to "
        "Friday, 8am to 6:30pm, telephone {phone}. Out of hours, please call NHS 111.",
        "You can apply for online services at reception; please bring photo identification.",
    ]),
}


def render_letter(sp: Spec, dpi: float) -> tuple[Image.Image, dict]:
    """Render the spec's letter at the given dpi. Returns (RGB image, info)."""
    o = sp.opts
    idn = o["identity"]
    pg = Page(dpi)
    reg, bold, _ = TEXT_FONTS[sp.font]
    fb = get_font(reg, pg.px(o["body_pt"]))
    fbb = get_font(bold, pg.px(o["body_pt"]))
    ft = get_font(bold, pg.px(o["body_pt"] + 2))
    m = int(o["margin_in"] * dpi)
    x0, x1 = m, pg.W - m
    cw = x1 - x0
    y = int(0.55 * dpi)
    y = draw_header(pg, sp, o, idn, x0, x1, y)
    y = draw_addressee(pg, sp, o, idn, x0, x1, y)
    info = {"panel_bbox": None}
    salutation = f"Dear {idn['title']} {idn['last']}," if idn["title"] != "Mx" else f"Dear {idn['first']} {idn['last']},"
    if sp.codes is None:
        title, paras = NOCODE_TEXT[sp.layout]
        y = draw_para(pg, x0, y, cw, title, ft) + fb.size * 0.5
        y = draw_para(pg, x0, y, cw, salutation, fb) + fb.size * 0.5
        fill = dict(doc=o["doc"], appt=o["appt"], time=o["time"], practice=idn["practice"],
                    phone=idn["phone2"], ref=o["ref2"], nhs=fmt_nhs(idn["nhs"]))
        for p in paras:
            if p == "TABLE":
                rows = o["results"]
                tab = [max(text_w(fbb, r[i]) for r in rows) + pg.px(18) for i in range(3)]
                for r_i, r in enumerate(rows):
                    f = fbb if r_i == 0 else fb
                    base = y + f.size * 0.95
                    xx = x0 + pg.px(10)
                    for i in range(3):
                        pg.d.text((xx, base), r[i], font=f, fill=INK, anchor="ls")
                        xx += tab[i]
                    y += fb.size * 1.35
                y += fb.size * 0.6
                continue
            y = draw_para(pg, x0, y, cw, p.format(**fill), fb) + fb.size * 0.6
    else:
        before, after = letter_paragraphs(sp, o, idn)
        y = draw_para(pg, x0, y, cw, o["title"], ft) + fb.size * 0.5
        y = draw_para(pg, x0, y, cw, salutation, fb) + fb.size * 0.5
        for p in before:
            y = draw_para(pg, x0, y, cw, p, fb) + fb.size * 0.6
        y += pg.px(6)
        y, bb = draw_panel(pg, sp, o, x0, x1, y)
        info["panel_bbox"] = tuple(float(v) for v in bb)
        y += pg.px(14)
        for p in after:
            y = draw_para(pg, x0, y, cw, p, fb) + fb.size * 0.6
    y += fb.size * 0.4
    y = draw_lines(pg, x0, y, ["Yours sincerely,"], fb)
    y += fb.size * 1.6
    y = draw_lines(pg, x0, y, [idn["signer"], idn["practice"]], fb)
    # footer
    fs = get_font(reg, pg.px(7.5))
    foot = f"{idn['practice']}  ·  {idn['p_addr'][0]}, {idn['town']}  ·  Tel {idn['phone']}"
    pg.d.text((pg.W / 2, pg.H - int(0.45 * dpi)), foot, font=fs, fill=(90, 90, 90), anchor="ms")
    info["bottom"] = y
    info["overflow"] = y > pg.H - int(0.6 * dpi)
    vf = value_font_for(sp, pg, o) if sp.codes else fb
    info["value_cap_px"] = cap_h(vf)
    return pg.im, info


def render_fit(sp: Spec, dpi: float):
    """Render, dropping paragraphs until the letter fits on one page."""
    for trim in range(0, 5):
        sp.opts["trim"] = trim
        im, info = render_letter(sp, dpi)
        if not info["overflow"]:
            return im, info
    return im, info


# ---------------------------------------------------------------------------
# Degradations
# ---------------------------------------------------------------------------
def lowfreq(rng, h, w, cell) -> np.ndarray:
    sh, sw = max(2, h // cell), max(2, w // cell)
    small = rng.standard_normal((sh, sw)).astype(np.float32)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)


def to_u8(a) -> np.ndarray:
    return np.clip(a + 0.5, 0, 255).astype(np.uint8)


def degrade_scan(page: Image.Image, rng: np.random.Generator, r: random.Random, o: dict) -> tuple[Image.Image, list]:
    notes = []
    a = np.asarray(page).astype(np.float32)
    h, w = a.shape[:2]
    paper = r.uniform(0.88, 0.965)
    var = 1 + 0.012 * lowfreq(rng, h, w, 300)[..., None]
    a = a * paper * var
    notes.append(f"paper {paper:.2f}")
    # toner: slightly heavier strokes then speckles
    if r.random() < 0.5:
        a = cv2.erode(a, np.ones((2, 2), np.uint8)) * 0.3 + a * 0.7
        notes.append("heavy toner")
    n = int(h * w / 9000)
    ys, xs = rng.integers(0, h, n), rng.integers(0, w, n)
    a[ys, xs] = rng.uniform(60, 170, (n, 1)).astype(np.float32)
    if not o.get("fmt") == "png":
        a += rng.standard_normal(a.shape[:2], dtype=np.float32)[..., None] * r.uniform(1.0, 2.2)
    sig = r.uniform(0.45, 0.9)
    a = cv2.GaussianBlur(a, (0, 0), sig)
    notes.append(f"blur {sig:.1f}")
    ang = r.uniform(-2, 2)
    dx, dy = r.uniform(-0.012, 0.012) * w, r.uniform(-0.01, 0.01) * h
    M = cv2.getRotationMatrix2D((w / 2, h / 2), ang, 1.0)
    M[:, 2] += (dx, dy)
    lid = r.choice([235.0, 225.0, 40.0]) * paper
    a = cv2.warpAffine(a, M, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                       borderValue=(lid, lid, lid))
    notes.append(f"skew {ang:+.1f}deg, offset {dx:+.0f},{dy:+.0f}px")
    if not o.get("fmt") == "png":
        a += rng.standard_normal(a.shape[:2], dtype=np.float32)[..., None] * r.uniform(0.4, 0.9)
    else:
        a = np.round(a / 2) * 2  # scanner-ish tone steps; keeps PNG small
    im = Image.fromarray(to_u8(a))
    if o.get("bilevel"):
        im = im.convert("L").point(lambda v: 255 if v > 150 else 0).convert("1", dither=Image.Dither.NONE)
        notes.append("1-bit black and white")
    elif o.get("grey"):
        im = im.convert("L")
        notes.append("greyscale")
    if o.get("sideways"):
        im = im.transpose(Image.Transpose.ROTATE_90 if o["sideways"] == 90 else Image.Transpose.ROTATE_270)
        notes.append(f"scanned sideways (page top at {'left' if o['sideways'] == 90 else 'right'}), no exif")
    return im, notes


def rodrigues(axis, ang) -> np.ndarray:
    R, _ = cv2.Rodrigues(np.array(axis, np.float64) * ang)
    return R


def view_homography(pw, ph, region, out_w, out_h, rot_deg, tilt_deg, tilt_axis_deg, fill, off, focal=1.4):
    """Homography page(px) -> output(px): 3D tilt, in-plane rotation, scale to fit region in frame."""
    rx0, ry0, rx1, ry1 = region
    cx, cy = (rx0 + rx1) / 2, (ry0 + ry1) / 2
    f = focal * math.hypot(rx1 - rx0, ry1 - ry0)
    a = math.radians(tilt_axis_deg)
    R = rodrigues((math.cos(a), math.sin(a), 0.0), math.radians(tilt_deg))
    th = math.radians(rot_deg)
    Rz = np.array([[math.cos(th), -math.sin(th)], [math.sin(th), math.cos(th)]])

    def proj(pts):
        P = np.c_[pts[:, 0] - cx, pts[:, 1] - cy, np.zeros(len(pts))] @ R.T
        z = P[:, 2] + f
        uv = np.c_[f * P[:, 0] / z, f * P[:, 1] / z]
        return uv @ Rz.T

    page_c = np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], np.float64)
    reg_c = np.array([[rx0, ry0], [rx1, ry0], [rx1, ry1], [rx0, ry1]], np.float64)
    dp, dr = proj(page_c), proj(reg_c)
    bw, bh = np.ptp(dr[:, 0]), np.ptp(dr[:, 1])
    s = fill * min(out_w / bw, out_h / bh)
    dp, dr = dp * s, dr * s
    mid = (dr.min(0) + dr.max(0)) / 2
    slack = np.array([(out_w - bw * s) / 2, (out_h - bh * s) / 2])
    t = np.array([out_w / 2, out_h / 2]) - mid + np.array(off) * slack * 0.85
    H = cv2.getPerspectiveTransform(page_c.astype(np.float32), (dp + t).astype(np.float32))
    return H


def apply_h(H, pts) -> np.ndarray:
    p = np.c_[np.asarray(pts, np.float64), np.ones(len(pts))] @ H.T
    return p[:, :2] / p[:, 2:3]


def local_scale(H, x, y, d=5.0) -> tuple[float, float]:
    p = apply_h(H, [[x, y], [x + d, y], [x, y + d]])
    return float(np.linalg.norm(p[1] - p[0]) / d), float(np.linalg.norm(p[2] - p[0]) / d)


def make_background(kind, w, h, rng, r) -> np.ndarray:
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    if kind == "wood":
        c1 = np.array(r.choice([(164, 116, 72), (140, 95, 60), (190, 150, 105), (120, 80, 50)]), np.float32)
        c2 = c1 * r.uniform(0.6, 0.75)
        period = r.uniform(0.012, 0.025) * max(w, h)
        across = yy if r.random() < 0.5 else xx
        warp = lowfreq(rng, h, w, max(h, w) // 6) * period * 1.2
        rings = 0.5 + 0.5 * np.sin((across + warp) * 2 * np.pi / period)
        if across is yy:
            streak = cv2.resize(rng.standard_normal((max(2, h // 4), max(2, w // 90))).astype(np.float32), (w, h))
        else:
            streak = cv2.resize(rng.standard_normal((max(2, h // 90), max(2, w // 4))).astype(np.float32), (w, h))
        mix = np.clip(0.55 * rings ** 3 + 0.18 * streak + 0.3, 0, 1)[..., None]
        img = c1 * (1 - mix) + c2 * mix
        plank = r.uniform(0.15, 0.3) * max(w, h)
        seam = (np.abs(((across + 0.3 * warp) % plank) - 2) < max(2, plank * 0.006)).astype(np.float32)
        img *= (1 - 0.35 * seam)[..., None]
        return img
    if kind == "tablecloth":
        col = np.array(r.choice([(190, 40, 45), (40, 80, 160), (50, 130, 70), (200, 150, 40)]), np.float32)
        ang = math.radians(r.uniform(0, 90))
        u = xx * math.cos(ang) + yy * math.sin(ang)
        v = -xx * math.sin(ang) + yy * math.cos(ang)
        s = r.uniform(0.02, 0.045) * max(w, h)
        lvl = (((u // s) % 2) + ((v // s) % 2)) / 2.0
        lvl = cv2.GaussianBlur(lvl.astype(np.float32), (0, 0), 1.5)[..., None]
        white = np.array([236, 232, 225], np.float32)
        img = white * (1 - lvl) + col * lvl
        weave = (np.sin(xx * 0.9) * np.sin(yy * 0.9))[..., None] * 2.5
        return cv2.GaussianBlur(img + weave, (0, 0), 1.2)
    if kind == "desk":
        base = np.array(r.choice([(38, 38, 42), (28, 30, 34), (55, 50, 48), (20, 22, 25)]), np.float32)
        v = lowfreq(rng, h, w, max(h, w) // 4)[..., None] * 7
        g = (xx / w * r.uniform(-20, 20) + yy / h * r.uniform(-20, 20))[..., None]
        return base + v + g
    # carpet
    base = np.array(r.choice([(120, 105, 90), (80, 90, 110), (105, 100, 95), (130, 70, 60)]), np.float32)
    n1 = cv2.resize(rng.standard_normal((h // 4, w // 4)).astype(np.float32), (w, h), interpolation=cv2.INTER_CUBIC)
    n2 = lowfreq(rng, h, w, max(h, w) // 8)
    return base * (1 + 0.07 * n1[..., None] + 0.06 * n2[..., None])


def shadow_blob(w, h, rng, r) -> np.ndarray:
    """Soft hand/phone-shaped shadow entering from one side. Returns (h,w) in [0,1]."""
    sw, sh = max(64, w // 8), max(64, h // 8)
    m = np.zeros((sh, sw), np.uint8)
    side = r.randrange(4)
    cx, cy = r.uniform(0.25, 0.75) * sw, r.uniform(0.25, 0.75) * sh
    if side == 0:
        cy = r.uniform(0.0, 0.25) * sh
        edge = (cx + r.uniform(-0.2, 0.2) * sw, -sh * 0.2)
    elif side == 1:
        cy = r.uniform(0.75, 1.0) * sh
        edge = (cx + r.uniform(-0.2, 0.2) * sw, sh * 1.2)
    elif side == 2:
        cx = r.uniform(0.0, 0.25) * sw
        edge = (-sw * 0.2, cy + r.uniform(-0.2, 0.2) * sh)
    else:
        cx = r.uniform(0.75, 1.0) * sw
        edge = (sw * 1.2, cy + r.uniform(-0.2, 0.2) * sh)
    size = r.uniform(0.12, 0.22) * min(sw, sh)
    # phone-like rounded rectangle (rotated) + arm towards the frame edge
    box = cv2.boxPoints(((cx, cy), (size * 1.1, size * 2.0), r.uniform(0, 180)))
    cv2.fillPoly(m, [box.astype(np.int32)], 255)
    cv2.line(m, (int(cx), int(cy)), (int(edge[0]), int(edge[1])), 255, int(size * 0.9))
    m = cv2.GaussianBlur(m.astype(np.float32) / 255, (0, 0), size * r.uniform(0.3, 0.6))
    return cv2.resize(m, (w, h), interpolation=cv2.INTER_LINEAR)


def curl_page(page: np.ndarray, rng, r, amp_frac) -> tuple[np.ndarray, np.ndarray]:
    h, w = page.shape[:2]
    xs = np.arange(w, dtype=np.float32)
    ys = np.arange(h, dtype=np.float32)
    amp = amp_frac * h
    phase = r.uniform(-0.3, 0.3)
    dy = amp * np.sin(np.pi * (xs / w + phase * 0)) * 1.0
    yfac = 0.4 + 0.6 * (ys / h if r.random() < 0.5 else 1 - ys / h)
    map_y = ys[:, None] - (dy[None, :] - amp * 0.5) * yfac[:, None]
    map_x = np.broadcast_to(xs[None, :] + (amp * 0.25) * np.sin(np.pi * ys[:, None] / h) * (xs[None, :] / w - 0.5),
                            (h, w)).astype(np.float32)
    out = cv2.remap(page, map_x, map_y.astype(np.float32), cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                    borderValue=0)
    mask = cv2.remap(np.full((h, w), 255, np.uint8), map_x, map_y.astype(np.float32), cv2.INTER_LINEAR,
                     borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    shade = 1 - 0.07 * (1 - np.sin(np.pi * xs / w)) ** 2
    out = (out.astype(np.float32) * shade[None, :, None]).astype(np.uint8)
    return out, mask


def motion_kernel(length, ang) -> np.ndarray:
    k = np.zeros((length, length), np.float32)
    c = (length - 1) / 2
    dx, dy = math.cos(math.radians(ang)) * c, math.sin(math.radians(ang)) * c
    cv2.line(k, (int(round(c - dx)), int(round(c - dy))), (int(round(c + dx)), int(round(c + dy))), 1.0, 1)
    return k / k.sum()


def finish_camera(img: np.ndarray, rng, r, o, notes, panel_pts=None, noise=(1.5, 3.0), out_scale=1.0,
                  residual_noise=0.0):
    """Lighting gradient, shadow, glare, colour cast, blur and sensor noise on a float32 HxWx3 image."""
    h, w = img.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    gx, gy = r.uniform(-1, 1), r.uniform(-1, 1)
    strength = r.uniform(0.1, 0.3)
    light = 1 + strength * ((xx / w - 0.5) * gx + (yy / h - 0.5) * gy)
    vig = 1 - r.uniform(0.08, 0.2) * (((xx / w - 0.5) ** 2 + (yy / h - 0.5) ** 2) * 2)
    level = r.uniform(0.82, 1.0)
    img *= (light * vig * level)[..., None]
    notes.append(f"light gradient {strength:.2f}")
    if o.get("shadow", True):
        k = r.uniform(0.25, 0.45)
        img *= (1 - k * shadow_blob(w, h, rng, r))[..., None]
        notes.append("shadow")
    if o.get("glare") and panel_pts is not None:
        pc = panel_pts.mean(0)
        prad = np.linalg.norm(panel_pts - pc, axis=1).max()
        rad = r.uniform(0.05, 0.09) * min(w, h)
        for _ in range(40):
            gx_, gy_ = r.uniform(0.1, 0.9) * w, r.uniform(0.1, 0.9) * h
            if math.hypot(gx_ - pc[0], gy_ - pc[1]) > prad + 2.5 * rad:
                g = r.uniform(0.6, 0.9) * np.exp(-((xx - gx_) ** 2 + ((yy - gy_) * 1.3) ** 2) / (2 * rad * rad))
                img += (255 - img) * g[..., None]
                notes.append("glare spot")
                break
    del xx, yy
    cast = np.array(r.choice([(1.05, 1.0, 0.88), (0.95, 1.0, 1.07), (1.0, 1.04, 0.95), (1.03, 1.0, 0.97),
                              (1.0, 1.0, 1.0)]), np.float32)
    img *= cast
    if not np.allclose(cast, 1):
        notes.append("colour cast")
    # sensor noise (mostly smoothed by the blur below, as a phone's denoiser would), then optics blur
    ns = r.uniform(*noise)
    n = rng.standard_normal((h, w), dtype=np.float32) * ns
    img += n[..., None]
    del n
    chroma = rng.standard_normal(((h + 3) // 4, (w + 3) // 4, 3), dtype=np.float32) * (ns * 0.5)
    img += cv2.resize(chroma, (w, h), interpolation=cv2.INTER_LINEAR)
    del chroma
    notes.append(f"noise {ns:.1f}")
    sig = r.uniform(0.75, 1.3) * out_scale if not o.get("hard") else r.uniform(0.45, 0.7)
    if o.get("motion") and not o.get("hard"):
        L = max(3, int(round(r.uniform(3, 6) * out_scale)))
        img = cv2.filter2D(img, -1, motion_kernel(L | 1, r.uniform(0, 180)))
        notes.append(f"motion blur {L}px")
    img = cv2.GaussianBlur(img, (0, 0), sig)
    notes.append(f"defocus {sig:.1f}px")
    resid = residual_noise * r.uniform(0.6, 1.0)
    if resid > 0:
        img += rng.standard_normal((h, w), dtype=np.float32)[..., None] * resid
    return img


def compose_photo(page_im: Image.Image, H, out_w, out_h, rng, r, o, notes, bg_kind, panel_pts, pre_sigma=0.0):
    page = np.asarray(page_im)
    if o.get("curl"):
        page, mask = curl_page(page, rng, r, o["curl"])
        notes.append("page curl")
    else:
        mask = np.full(page.shape[:2], 255, np.uint8)
    if pre_sigma > 0.3:
        page = cv2.GaussianBlur(page, (0, 0), pre_sigma)
    warped = cv2.warpPerspective(page, H, (out_w, out_h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    m = cv2.warpPerspective(mask, H, (out_w, out_h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    m = m.astype(np.float32) / 255
    bg = make_background(bg_kind, out_w, out_h, rng, r)
    bg = cv2.GaussianBlur(bg, (0, 0), 0.8 * max(out_w, out_h) / 4032 * 1.6)
    # soft drop shadow of the page on the background
    ds = cv2.GaussianBlur(m, (0, 0), max(3, 0.006 * max(out_w, out_h)))
    sh = np.roll(ds, (int(0.004 * out_h), int(0.004 * out_w)), (0, 1))
    bg *= (1 - 0.45 * sh)[..., None]
    img = bg * (1 - m[..., None]) + warped.astype(np.float32) * m[..., None]
    del bg, warped, ds, sh
    return finish_camera(img, rng, r, o, notes, panel_pts, noise=o.get("noise", (1.0, 2.2)),
                         out_scale=max(out_w, out_h) / 4032 * 1.6, residual_noise=o.get("resid", 0.8))


# ---------------------------------------------------------------------------
# Saving
# ---------------------------------------------------------------------------
def save_image(im: Image.Image, path: str, fmt: str, quality=85, exif_orient=None, camera=True) -> str:
    if fmt == "jpg":
        kw = dict(quality=quality, optimize=True)
        if camera:
            ex = Image.Exif()
            ex[0x010F] = "Apple" if quality % 2 else "samsung"
            ex[0x0110] = "iPhone 12" if quality % 2 else "SM-A536B"
            ex[0x0112] = exif_orient or 1
            kw["exif"] = ex.tobytes()
        im.save(path, "JPEG", **kw)
    elif fmt == "png":
        im.save(path, "PNG", optimize=False, compress_level=9)
    elif fmt == "webp":
        im.save(path, "WEBP", quality=quality, method=4)
    elif fmt == "heic":
        import pillow_heif
        pillow_heif.register_heif_opener()
        im.save(path, "HEIF", quality=quality)  # pillow_heif quality scale: 50 ~ a phone's HEIC
    else:
        raise ValueError(fmt)
    return path


# ---------------------------------------------------------------------------
# Spec building
# ---------------------------------------------------------------------------
def build_codes_opts(sp: Spec, r: random.Random, idn: dict) -> None:
    o = sp.opts
    key, rich = make_key(r, [14, 15, 16] if sp.layout == "tpp" and r.random() < 0.7 else None)
    ods = make_ods(r)
    if sp.layout == "vision":
        acc = make_account(r, r.choice([6, 6, 7, 9, 10]))
    elif sp.layout == "tpp":
        acc = make_account(r, r.choice([9, 9, 9, 10, 8]))
    else:
        acc = make_account(r)
    sp.codes = {"linkage_key": key, "ods_code": ods, "account_id": acc}
    o["key_rich"] = rich
    # printed key: sometimes in space-separated groups
    shown = key
    if r.random() < 0.22:
        g = r.choice([4, 4, 5, 3])
        parts = [key[i:i + g] for i in range(0, len(key), g)]
        if len(parts[-1]) == 1:
            # pop first: `parts[-2] += parts.pop()` reads parts[-2] before the pop but stores
            # after it, so the merged group overwrote the wrong (middle) group
            last = parts.pop()
            parts[-1] += last
        shown = " ".join(parts)
        assert shown.replace(" ", "") == key, (shown, key)
        o["grouped"] = True
    if sp.layout == "tpp":
        kl = r.choice(["Passphrase", "Pass phrase", "Third-party passphrase", "Passphrase"])
        ol = r.choice(["Practice ID", "Organisation Code", "Organisation code", "ODS Code"])
        al = "Account ID"
    elif sp.layout == "vision":
        kl, ol, al = "Linkage Key", "Practice ID", "Account ID"
    else:
        kl, ol, al = r.choice(KEY_LABELS), r.choice(ODS_LABELS), r.choice(ACC_LABELS)
    o.update(key_label=kl, ods_label=ol, acc_label=al)
    rows = [(al, acc, "acc"), (kl, shown, "key"), (ol, ods, "ods")]
    if sp.layout == "vision":
        token = random_token(r, r.randint(20, 30), string.ascii_uppercase + string.digits
                             if r.random() < 0.5 else ALNUM)
        nhs_shown = idn["nhs"] if r.random() < 0.6 else fmt_nhs(idn["nhs"])
        rows = [("Practice ID", ods, "ods"), ("Patient ID", nhs_shown, "nhs"),
                ("Online Service Registration Token", token, "token"), ("Account ID", acc, "acc"),
                ("Linkage Key", shown, "key")]
        o["token"] = token
    elif r.random() < 0.35:
        r.shuffle(rows)
        o["shuffled"] = True
    elif r.random() < 0.4:
        rows = [rows[2], rows[0], rows[1]]
    o["rows"] = rows
    if sp.layout == "tpp":
        user = random_token(r, r.randint(8, 12))
        pw = random_token(r, r.randint(8, 12), ALNUM + "!?*")
        o["decoy_rows"] = [("Username", user), ("Password", pw)]
        o["tpp_head1"] = r.choice(["SystmOnline", "SystmOnline login details", "Practice website login"])
        o["tpp_head2"] = r.choice(["Other apps (e.g. NHS App)", "Third-party app details",
                                   "Details for the NHS App and other apps"])
        o["tpp_intro1"] = ("Use the username and password below to log in to SystmOnline on our website. "
                           "You will be asked to change the password when you first log in.")
        o["tpp_intro2"] = "To link the NHS App or another app to your record, use these details:"
    o["title"] = r.choice(LETTER_TITLES)
    o["panel_title"] = r.choice([None, None, "Your online services details", "Registration details",
                                 "Your account details"])
    o["colon"] = r.choice([":", "", ":"])
    o["label_bold"] = r.random() < 0.5
    o["full_width"] = r.random() < 0.4
    o["shade"] = r.randint(226, 242)
    o["thin_border"] = r.random() < 0.5
    o["indent_pt"] = r.choice([0, 0, 18, 36])
    o["tabbed"] = r.random() < 0.6
    o["side_by_side"] = r.random() < 0.65
    o["rounded"] = r.random() < 0.5
    o["print_expiry"] = r.random() < 0.4


def common_opts(sp: Spec, r: random.Random) -> dict:
    o = sp.opts
    idn = make_identity(r)
    o["identity"] = idn
    o["body_pt"] = r.choice([10, 10.5, 11, 11, 12])
    o["value_pt"] = round(r.uniform(max(11, o["body_pt"]), 16) * 2) / 2
    o["head_pt"] = r.choice([16, 18, 20])
    o["margin_in"] = r.uniform(0.7, 1.0)
    o["header"] = r.randrange(3)
    o["blue"] = r.random() < 0.6
    o["date_style"] = r.random() < 0.6
    o["nhs_spaced"] = r.random() < 0.75
    o["ref"] = f"{r.choice(['OS', 'REG', 'PA'])}/{r.randint(1000, 99999)}" if r.random() < 0.25 else None
    o["trim"] = 0
    # value font
    t = r.random()
    if t < 0.5:
        sp.value_font, sp.value_bold = sp.font, True
    elif t < 0.7:
        sp.value_font, sp.value_bold = sp.font, False
    else:
        sp.value_font = r.choice(list(VALUE_FONTS))
        sp.value_bold = r.random() < 0.6
    return idn


def nocodes_opts(sp: Spec, r: random.Random) -> None:
    o = sp.opts
    o["doc"] = f"Dr {r.choice(SURNAMES)}" if r.random() < 0.7 else "the practice nurse"
    d = o["identity"]["date"] + dt.timedelta(days=r.randint(3, 30))
    o["appt"] = fmt_date(r, d, 2)
    o["time"] = f"{r.randint(8, 17)}:{r.choice(['00', '10', '20', '30', '40', '50'])}"
    o["ref2"] = r.choice([str(r.randint(10 ** 9, 10 ** 10 - 1)), f"{r.randint(10, 99)}H{r.randint(10 ** 6, 10 ** 7 - 1)}",
                          f"APT-{r.randint(100000, 999999)}"])
    o["results"] = [("Test", "Result", "Reference range"),
                    ("HbA1c", f"{r.randint(30, 47)} mmol/mol", "20 - 42"),
                    ("Cholesterol", f"{r.uniform(3.5, 6.5):.1f} mmol/L", "< 5.0"),
                    ("eGFR", f"{r.randint(60, 95)} mL/min/1.73m2", "> 60"),
                    ("Haemoglobin", f"{r.randint(118, 165)} g/L", "115 - 165")]
    o["trim"] = 0


PHOTO_SIZES_12 = [(3024, 4032)]
PHOTO_SIZES_MID = [(2448, 3264), (1944, 2592), (1536, 2048), (1920, 2560), (2160, 2880), (1728, 2304),
                   (1536, 2048), (1728, 2304), (1944, 2592)]
BACKGROUNDS = ["wood", "tablecloth", "desk", "carpet"]
ROT_PLAN = ["up", "any", "side", "up", "flip", "any", "up", "side", "any", "up", "any", "flip", "side"]


def photo_opts(sp: Spec, i: int) -> None:
    """Camera options of the ``i``-th photo (its way up, tilt, background, format ...)."""
    exif_map = {1: 6, 4: 8, 9: 3, 15: 6, 21: 6}
    big_set = {0, 3, 6, 9, 12, 16, 21, 24}   # 12 MP
    hard = {10, 17, 23}
    o = sp.opts
    pr = random.Random(sp.seed ^ 0x5EED)
    big = i in big_set
    o["size"] = PHOTO_SIZES_12[0] if big else pr.choice(PHOTO_SIZES_MID)
    o["exif"] = exif_map.get(i)
    o["hard"] = i in hard
    o["fmt"] = {7: "png-screenshot", 13: "webp", 19: "heic"}.get(i, "jpg")
    if o["exif"]:
        o["rot"] = pr.uniform(-8, 8)
    else:
        t = ROT_PLAN[i % len(ROT_PLAN)]
        if t == "up":
            o["rot"] = pr.uniform(-10, 10)
        elif t == "side":
            o["rot"] = pr.choice([90, 270]) + pr.uniform(-10, 10)
        elif t == "flip":
            o["rot"] = 180 + pr.uniform(-10, 10)
        else:
            o["rot"] = pr.uniform(15, 345)
        rr = o["rot"] % 180
        if 45 < rr < 135:  # page sideways: landscape frame
            o["size"] = (o["size"][1], o["size"][0])
    if o["fmt"] == "png-screenshot":
        o["size"], o["rot"] = (1080, 1440), pr.uniform(-6, 6)
        o["noise"], o["resid"] = (0.3, 0.6), 0.0
        o["bg_kind"] = "desk"
    o["tilt"] = pr.uniform(5, 40) if i % 4 else pr.uniform(0, 12)
    o["tilt_axis"] = pr.uniform(0, 360)
    o["fill"] = pr.uniform(0.72, 0.95)
    o["off"] = (pr.uniform(-1, 1), pr.uniform(-1, 1))
    o["bg"] = o.pop("bg_kind", BACKGROUNDS[i % 4])
    o["curl"] = pr.uniform(0.003, 0.012) if pr.random() < 0.6 else 0
    o["glare"] = pr.random() < 0.35
    o["motion"] = pr.random() < 0.2
    o["quality"] = 90 if i in (11, 20) else pr.randint(80, 84) if big else pr.randint(80, 86)
    if o["hard"]:
        o["notes_hard"] = True


def build_specs(seed: int) -> list[Spec]:
    master = random.Random(f"linkage-samples-{seed}")
    specs: list[Spec] = []
    k = 0  # index over code-bearing letters (layout / font rotation)
    font_off = master.randrange(len(TEXT_FONT_ORDER))

    def new(capture, n):
        nonlocal k
        out = []
        for i in range(n):
            idx = len(specs) + len(out)
            lay = LAYOUTS[k % len(LAYOUTS)]
            font = TEXT_FONT_ORDER[(k + font_off) % len(TEXT_FONT_ORDER)]
            k += 1
            sp = Spec(idx=idx, name=f"{capture}_{i + 1:03d}", capture=capture, layout=lay, font=font,
                      seed=master.randrange(2 ** 31))
            out.append(sp)
        specs.extend(out)
        return out

    for i, sp in enumerate(new("clean", 10)):
        sp.opts["dpi"] = 150 if i in (2, 6, 9) else 200
        sp.opts["grey"] = i in (1, 3, 7, 8)
    for i, sp in enumerate(new("scan", 12)):
        sp.opts["dpi"] = 300 if i == 5 else (150 if i in (2, 9) else 200)
        sp.opts["grey"] = i % 2 == 1
        sp.opts["sideways"] = {4: 90, 10: 270}.get(i)
        sp.opts["fmt"] = "png" if i in (3, 8) else "jpg"
        sp.opts["grey"] = sp.opts["grey"] or i == 3
        sp.opts["bilevel"] = i == 8
    for i, sp in enumerate(new("photo", 26)):
        photo_opts(sp, i)
    for i, sp in enumerate(new("closeup", 8)):
        o = sp.opts
        pr = random.Random(sp.seed ^ 0xC105E)
        o["size"] = pr.choice([(1600, 1200), (2048, 1536), (1280, 960), (2304, 1728), (1200, 1600), (1152, 864)])
        o["rot"] = pr.uniform(-15, 15) + (180 if i == 5 else 0)
        o["tilt"] = pr.uniform(0, 15)
        o["tilt_axis"] = pr.uniform(0, 360)
        o["fill"] = pr.uniform(0.85, 1.05)
        o["margin"] = pr.uniform(0.15, 0.45)
        o["quality"] = pr.randint(80, 90)
        o["motion"] = pr.random() < 0.25
    # letters without codes
    kinds = ["appointment", "results", "separately", "results", "vaccination", "separately", "welcome",
             "appointment"]
    styles = ["clean", "scan", "photo", "clean", "scan", "photo", "photo", "scan"]
    for i in range(8):
        idx = len(specs)
        sp = Spec(idx=idx, name=f"nocodes_{i + 1:03d}", capture="nocodes", layout=kinds[i],
                  font=TEXT_FONT_ORDER[(i * 5 + font_off) % len(TEXT_FONT_ORDER)], seed=master.randrange(2 ** 31),
                  style=styles[i])
        pr = random.Random(sp.seed ^ 0x0C0DE)
        o = sp.opts
        o["dpi"] = 200
        o["grey"] = i == 4
        o["fmt"] = "png" if styles[i] == "clean" else "jpg"
        o["size"] = pr.choice([(1728, 2304), (1944, 2592), (2160, 2880)])
        o["rot"] = pr.choice([pr.uniform(-10, 10), pr.uniform(0, 360)])
        if 45 < o["rot"] % 180 < 135:
            o["size"] = (o["size"][1], o["size"][0])
        o["tilt"], o["tilt_axis"] = pr.uniform(0, 35), pr.uniform(0, 360)
        o["fill"], o["off"] = pr.uniform(0.7, 0.92), (pr.uniform(-1, 1), pr.uniform(-1, 1))
        o["bg"] = BACKGROUNDS[(i + 1) % 4]
        o["curl"] = pr.uniform(0.003, 0.01)
        o["glare"] = False
        o["motion"] = False
        o["quality"] = pr.randint(80, 90)
        specs.append(sp)
    # Code panels reversed out (light type on a dark box), appended after the rest so that every
    # letter above is drawn as it was before these were added.
    for capture, number, ground in (("clean", 11, REVERSED_GROUNDS[0]), ("scan", 13, REVERSED_GROUNDS[1]),
                                    ("photo", 27, REVERSED_GROUNDS[0])):
        sp = Spec(idx=len(specs), name=f"{capture}_{number:03d}", capture=capture, layout="shaded",
                  font=TEXT_FONT_ORDER[(k + font_off) % len(TEXT_FONT_ORDER)], seed=master.randrange(2 ** 31))
        k += 1
        if capture == "photo":
            photo_opts(sp, 2)
        else:
            sp.opts.update(dpi=200, grey=False, fmt="jpg", sideways=None, bilevel=False)
        sp.opts["reversed"] = ground
        specs.append(sp)
    # Keys broken across two lines (a narrow cell), appended after the rest for the same reason.
    for capture, number, layout in (("clean", 12, "table"), ("scan", 14, "lines"), ("photo", 28, "table")):
        sp = Spec(idx=len(specs), name=f"{capture}_{number:03d}", capture=capture, layout=layout,
                  font=TEXT_FONT_ORDER[(k + font_off) % len(TEXT_FONT_ORDER)], seed=master.randrange(2 ** 31))
        k += 1
        if capture == "photo":
            photo_opts(sp, 0)
        else:
            sp.opts.update(dpi=200, grey=capture == "scan", fmt="jpg" if capture == "scan" else "png",
                           sideways=None, bilevel=False)
        sp.opts["wrap"] = sp.seed
        specs.append(sp)
    # per-letter content (deterministic per spec)
    for sp in specs:
        r = random.Random(sp.seed)
        idn = common_opts(sp, r)
        if sp.capture == "nocodes":
            sp.value_font = ""
            nocodes_opts(sp, r)
        else:
            build_codes_opts(sp, r, idn)
    return specs


# ---------------------------------------------------------------------------
# Per-sample generation
# ---------------------------------------------------------------------------
A4_IN = (8.27, 11.69)


def photo_dpi_and_h(sp: Spec, out_w, out_h, region_in=None, fill=None):
    """Work out homography in page inches first, choose a render dpi near the output scale."""
    o = sp.opts
    pw, ph = A4_IN
    region = region_in or (0, 0, pw, ph)
    H_in = view_homography(pw, ph, region, out_w, out_h, o["rot"], o["tilt"], o["tilt_axis"],
                           fill or o["fill"], o.get("off", (0, 0)))
    corners = [[0, 0], [pw, 0], [pw, ph], [0, ph]] if region_in is None else \
        [[region[0], region[1]], [region[2], region[1]], [region[2], region[3]], [region[0], region[3]]]
    scales = [max(local_scale(H_in, x, y, 0.01)) for x, y in corners]
    dpi = float(np.clip(max(scales) * 1.05, 110, 300))
    return H_in, dpi


def h_inch_to_px(H_in, dpi):
    return H_in @ np.diag([1 / dpi, 1 / dpi, 1.0])


def generate_one(sp: Spec, out_dir: str) -> dict:
    r = random.Random(sp.seed + 1)
    rng = np.random.default_rng(sp.seed)
    o = sp.opts
    notes: list[str] = []
    style = sp.style or sp.capture
    img_dir = os.path.join(out_dir, "images")
    extra = {}

    if style == "clean":
        im, info = render_fit(sp, o["dpi"])
        if o.get("grey"):
            im = im.convert("L")
            notes.append("greyscale")
        notes.insert(0, f"digital render {o['dpi']}dpi")
        fname = f"{sp.name}.png"
        save_image(im, os.path.join(img_dir, fname), "png")
    elif style == "scan":
        im, info = render_fit(sp, o["dpi"])
        im, n2 = degrade_scan(im, rng, r, o)
        notes += [f"flatbed scan {o['dpi']}dpi"] + n2
        fmt = o.get("fmt", "jpg")
        q = r.randint(75, 86)
        fname = f"{sp.name}.{fmt}"
        save_image(im, os.path.join(img_dir, fname), fmt, quality=q, camera=False)
        if fmt == "jpg":
            notes.append(f"jpeg q{q}")
    elif style == "photo":
        out_w, out_h = o["size"]
        if o.get("hard"):
            o["fill"] = 0.6
        for attempt in range(8):
            H_in, dpi = photo_dpi_and_h(sp, out_w, out_h)
            im, info = render_fit(sp, dpi)
            H = h_inch_to_px(H_in, dpi)
            cap = None
            if info["panel_bbox"]:
                bb = info["panel_bbox"]
                pts = [[bb[0], bb[1]], [bb[2], bb[1]], [bb[2], bb[3]], [bb[0], bb[3]]]
                cap = min(local_scale(H, x, y)[1] for x, y in pts) * info["value_cap_px"]
            target = (12.5, 15.5) if o.get("hard") else ((18, 1e9) if out_w * out_h > 10e6 else (14, 1e9))
            if o.get("fmt") == "png-screenshot":
                target = (14, 1e9)
            if cap is None or target[0] <= cap <= target[1] or attempt == 7:
                break
            if cap < target[0]:
                if o["fill"] < 0.95:
                    o["fill"] = min(0.97, o["fill"] * (target[0] / cap) ** 0.7 + 0.02)
                else:
                    o["tilt"] *= 0.7
            else:
                o["fill"] = max(0.3, o["fill"] * (target[1] / cap) * 0.97)
        panel_pts = apply_h(H, pts) if info["panel_bbox"] else None
        s_mean = math.sqrt(abs(np.linalg.det(cv2.getPerspectiveTransform(
            np.float32([[0, 0], [1, 0], [1, 1], [0, 1]]), np.float32(apply_h(H, [[0, 0], [1, 0], [1, 1], [0, 1]])))[:2, :2])))
        notes.append(f"phone photo {out_w}x{out_h}")
        notes.append(f"page rotated {o['rot'] % 360:.0f}deg cw, tilt {o['tilt']:.0f}deg, {o['bg']} background")
        img = compose_photo(im, H, out_w, out_h, rng, r, o, notes, o["bg"], panel_pts,
                            pre_sigma=0.35 / s_mean if s_mean < 0.8 else 0)
        if cap:
            notes.append(f"code cap height ~{cap:.0f}px" + (" (hard: small text)" if o.get("hard") else ""))
            extra["cap"] = cap
        out = Image.fromarray(to_u8(img))
        del img
        fmt = o.get("fmt", "jpg")
        q = o.get("quality", 85)
        if fmt == "jpg":
            orient = o.get("exif")
            if orient:
                stored = {6: Image.Transpose.ROTATE_90, 8: Image.Transpose.ROTATE_270,
                          3: Image.Transpose.ROTATE_180}[orient]
                out = out.transpose(stored)
                notes.append({6: "rot270 exif: pixels stored rotated 90deg ccw, EXIF Orientation 6",
                              8: "rot90 exif: pixels stored rotated 90deg cw, EXIF Orientation 8",
                              3: "rot180 exif: pixels stored upside down, EXIF Orientation 3"}[orient])
            fname = f"{sp.name}.jpg"
            save_image(out, os.path.join(img_dir, fname), "jpg", quality=q, exif_orient=orient,
                       camera=sp.idx % 5 != 0 or bool(orient))
            notes.append(f"jpeg q{q}")
        elif fmt == "png-screenshot":
            fname = f"{sp.name}.png"
            shot = screenshot(out, r)
            save_image(shot, os.path.join(img_dir, fname), "png")
            notes.append("PNG screenshot of the photo shown in a phone gallery app (1080x2340, black bars, status bar)")
        elif fmt == "webp":
            fname = f"{sp.name}.webp"
            save_image(out, os.path.join(img_dir, fname), "webp", quality=q)
            notes.append(f"webp q{q}")
        elif fmt == "heic":
            fname = f"{sp.name}.heic"
            try:
                save_image(out, os.path.join(img_dir, fname), "heic", quality=50)
                notes.append("HEIC q50")
            except Exception as e:  # pragma: no cover - depends on libheif build
                fname = f"{sp.name}.jpg"
                save_image(out, os.path.join(img_dir, fname), "jpg", quality=q)
                notes.append(f"HEIC save failed ({type(e).__name__}); saved as jpeg q{q}")
    elif style == "closeup":
        out_w, out_h = o["size"]
        # provisional low-dpi render to find the code panel in inches
        _, info0 = render_fit(sp, 72)
        bb = np.array(info0["panel_bbox"]) / 72
        mx = o["margin"]
        region = (max(0, bb[0] - mx * 0.5), max(0, bb[1] - mx), min(A4_IN[0], bb[2] + mx * 0.5),
                  min(A4_IN[1], bb[3] + mx))
        H_in, dpi = photo_dpi_and_h(sp, out_w, out_h, region_in=region, fill=o["fill"])
        im, info = render_fit(sp, dpi)
        H = h_inch_to_px(H_in, dpi)
        bbp = info["panel_bbox"]
        pts = [[bbp[0], bbp[1]], [bbp[2], bbp[1]], [bbp[2], bbp[3]], [bbp[0], bbp[3]]]
        cap = min(local_scale(H, x, y)[1] for x, y in pts) * info["value_cap_px"]
        o["curl"] = 0.004
        o["shadow"] = r.random() < 0.5
        notes.append(f"close-up of code panel {out_w}x{out_h}, rotated {o['rot']:+.0f}deg, tilt {o['tilt']:.0f}deg")
        img = compose_photo(im, H, out_w, out_h, rng, r, o, notes, "desk", None)
        notes.append(f"code cap height ~{cap:.0f}px")
        extra["cap"] = cap
        fname = f"{sp.name}.jpg"
        save_image(Image.fromarray(to_u8(img)), os.path.join(img_dir, fname), "jpg", quality=o["quality"])
        notes.append(f"jpeg q{o['quality']}")
    else:
        raise ValueError(style)

    if sp.capture == "nocodes":
        notes.insert(0, f"{style}:")
    layout_note = []
    if sp.codes:
        if o.get("grouped"):
            layout_note.append("key printed in groups")
        if o.get("key_rich"):
            layout_note.append("confusable-rich key")
        if sp.value_font != sp.font:
            layout_note.append(f"values in {sp.value_font}{' Bold' if sp.value_bold else ''}")
        elif not sp.value_bold:
            layout_note.append("values not bold")
        if sp.layout == "tpp":
            layout_note.append("decoy SystmOnline username/password")
        if sp.layout == "vision":
            layout_note.append("decoy Patient ID + registration token")
        if o.get("reversed"):
            layout_note.append("panel reversed out (light on dark)")
        if o.get("dark_values"):
            layout_note.append("value cells reversed out (light on dark)")
        if o.get("wrap") is not None:
            head = wrapped_value(next(r[1] for r in o["rows"] if r[2] == "key"), o["wrap"])[0]
            layout_note.append("key wrapped across two lines" + (" after a hyphen" if head.endswith("-") else ""))
    rec = {
        "file": f"images/{fname}",
        "capture": sp.capture,
        "layout": sp.layout,
        "font": sp.font,
        "linkage_key": sp.codes["linkage_key"] if sp.codes else None,
        "ods_code": sp.codes["ods_code"] if sp.codes else None,
        "account_id": sp.codes["account_id"] if sp.codes else None,
        "notes": ", ".join(n for n in notes + layout_note if n).replace(":,", ":"),
    }
    return rec


def screenshot(photo: Image.Image, r: random.Random) -> Image.Image:
    W, Hh = 1080, 2340
    canvas = Image.new("RGB", (W, Hh), (0, 0, 0))
    pw, ph = photo.size
    s = min(W / pw, (Hh - 420) / ph)
    small = photo.resize((int(pw * s), int(ph * s)), Image.Resampling.LANCZOS)
    canvas.paste(small, ((W - small.width) // 2, (Hh - small.height) // 2))
    d = ImageDraw.Draw(canvas)
    f = get_font(UI_FONT[1], 46)
    d.text((90, 95), f"{r.randint(7, 22)}:{r.randint(0, 59):02d}", font=f, fill="white", anchor="ls")
    d.rounded_rectangle([W - 170, 62, W - 90, 98], radius=8, outline="white", width=3)
    d.rectangle([W - 164, 68, W - 120, 92], fill="white")
    f2 = get_font(UI_FONT[0], 40)
    d.text((60, 230), "< Photos", font=f2, fill=(10, 132, 255), anchor="ls")
    d.text((W - 60, 230), "Edit", font=f2, fill=(10, 132, 255), anchor="rs")
    for _i, x in enumerate(np.linspace(110, W - 110, 4)):
        d.rounded_rectangle([x - 28, Hh - 190, x + 28, Hh - 134], radius=10, outline=(10, 132, 255), width=4)
    return canvas


# ---------------------------------------------------------------------------
def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)),
                    help="output folder (default: the samples/ folder beside this script)")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--only", default="", help="comma-separated sample names to (re)build, for debugging")
    ap.add_argument("--jobs", type=int, default=1, help="worker processes (output is identical for any value)")
    ap.add_argument("--reversed-panels", action="store_true",
                    help="print every shaded code panel and stacked code box reversed out (light type on "
                         "a dark ground); draws no random numbers, so every other letter is as without it")
    ap.add_argument("--dark-value-cells", action="store_true",
                    help="print every table's value cells reversed out, each on its own (light type on a "
                         "dark ground, a thin light gap apart); draws no random numbers, so every other "
                         "letter is as without it")
    ap.add_argument("--wrapped-keys", action="store_true",
                    help="break every key printed in a table, a shaded panel or a list across two lines "
                         "(a narrow cell; a hyphen at the break half the time); draws no random numbers from "
                         "the letters' own, so every other letter is as without it")
    args = ap.parse_args(argv)
    check_fonts()
    t0 = time.time()
    specs = build_specs(args.seed)
    if args.reversed_panels:
        for sp in specs:
            if sp.layout in ("shaded", "stacked"):
                sp.opts["reversed"] = REVERSED_GROUNDS[sp.idx % len(REVERSED_GROUNDS)]
    if args.dark_value_cells:
        for sp in specs:
            if sp.layout in ("table", "vision"):
                sp.opts["dark_values"] = REVERSED_GROUNDS[sp.idx % len(REVERSED_GROUNDS)]
    if args.wrapped_keys:
        for sp in specs:
            if sp.layout in WRAPPABLE and sp.capture != "nocodes":
                sp.opts["wrap"] = sp.seed
    img_dir = os.path.join(args.out, "images")
    if args.only:
        want = set(args.only.split(","))
        specs = [s for s in specs if s.name in want]
        os.makedirs(img_dir, exist_ok=True)
    else:
        if os.path.isdir(img_dir):
            shutil.rmtree(img_dir)
        os.makedirs(img_dir)
    if args.jobs > 1:
        from concurrent.futures import ProcessPoolExecutor
        with ProcessPoolExecutor(args.jobs) as ex:
            recs = list(ex.map(generate_one, specs, [args.out] * len(specs)))
    else:
        recs = []
        for sp in specs:
            t = time.time()
            recs.append(generate_one(sp, args.out))
            print(f"{recs[-1]['file']:32s} {time.time() - t:5.1f}s  {recs[-1]['notes'][:90]}", file=sys.stderr)
    if not args.only:
        with open(os.path.join(args.out, "labels.json"), "w", encoding="utf-8") as f:
            json.dump(recs, f, indent=1, ensure_ascii=False)
            f.write("\n")
    counts: dict[str, int] = {}
    for rec in recs:
        counts[rec["capture"]] = counts.get(rec["capture"], 0) + 1
    print(f"wrote {len(recs)} samples to {img_dir} in {time.time() - t0:.1f}s: {counts}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
