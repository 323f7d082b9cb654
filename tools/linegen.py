"""Synthetic single-line crops (linkage keys, ODS codes, account IDs) for
training and evaluating the key recogniser.

Why: there is no labelled corpus of real letters we may use, and random keys
are exactly where word-trained OCR fails, so we render our own, seeded, with
the crop noise a phone photo or a line detector produces.  Fonts are split
into TRAIN and HELD-OUT lists so that accuracy on unseen type faces can be
measured honestly.
"""
from __future__ import annotations

import functools
import math
import os
import random
import string
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

# The model's alphabet (CTC blank is index 0 in the model, not in this string).
CHARSET = (string.ascii_uppercase + string.ascii_lowercase + string.digits
           + " /!?*+=-:.()'")

KEY_PUNCT = "/!?*+=-"
CONFUSABLES = "lI1O0ocCsSvVwWxXzZkKpPuU"

FONT_DIRS = ("/usr/share/fonts", "/usr/share/texmf/fonts")

# Training faces (file names, looked up under FONT_DIRS).  No Helvetica-,
# Times-, Courier-, Century-like, Open Sans or Cantarell faces here; Noto
# Sans is left out too, because its Latin glyphs are Open Sans's.
TRAIN_FONTS = (
    "LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf",
    "LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf",
    "LiberationMono-Regular.ttf", "LiberationMono-Bold.ttf",
    "Carlito-Regular.ttf", "Carlito-Bold.ttf",
    "Caladea-Regular.ttf", "Caladea-Bold.ttf",
    "DejaVuSans.ttf", "DejaVuSans-Bold.ttf",
    "DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf",
    "DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf",
    "DejaVuSansCondensed.ttf", "DejaVuSansCondensed-Bold.ttf",
    "DejaVuSerifCondensed.ttf",
    "NotoSerif-Regular.ttf", "NotoSerif-Bold.ttf",
    "NotoSansMono-Regular.ttf", "NotoSansMono-Bold.ttf", "NotoMono-Regular.ttf",
    "Roboto-Regular.ttf", "Roboto-Bold.ttf", "Roboto-Medium.ttf",
    "RobotoCondensed-Regular.ttf", "RobotoCondensed-Bold.ttf",
    "Lato-Regular.ttf", "Lato-Bold.ttf", "Lato-Medium.ttf",
    "FiraCode-Regular.ttf", "FiraCode-Bold.ttf",
    "Inconsolata.otf",
    "LinBiolinum_R.otf", "LinBiolinum_RB.otf",
    "LinLibertine_R.otf", "LinLibertine_RB.otf",
    "NimbusSansNarrow-Regular.otf", "NimbusSansNarrow-Bold.otf",
    "URWGothic-Book.otf", "URWGothic-Demi.otf",
    "P052-Roman.otf", "P052-Bold.otf",
    "URWBookman-Light.otf", "URWBookman-Demi.otf",
    "Go-Regular.ttf", "Go-Bold.ttf", "Go-Medium.ttf",
    "Go-Mono.ttf", "Go-Mono-Bold.ttf",
    # Added with Debian's fonts-cmu fonts-lmodern fonts-hack fonts-jetbrains-mono
    # fonts-anonymous-pro fonts-league-mono fonts-mononoki fonts-oxygen
    # fonts-sil-andika fonts-sil-charis fonts-ebgaramond fonts-paratype
    # fonts-b612 fonts-inter fonts-quicksand: typewriter monospaces whose zero
    # is a plain oval (as Courier's is) but which are not Courier designs, and
    # more sans and serif families.  Courier Prime is left out on purpose: it
    # is a Courier, and Courier-like faces are held out.
    "cmuntt.ttf", "cmuntb.ttf", "lmmono10-regular.otf", "lmmonolt10-bold.otf",
    "LinLibertine_M.otf", "Hack-Regular.ttf", "Hack-Bold.ttf",
    "JetBrainsMono-Regular.ttf", "JetBrainsMono-Bold.ttf",
    "Anonymous Pro.ttf", "Anonymous Pro B.ttf", "LeagueMono-Regular.otf",
    "mononoki-Regular.ttf", "OxygenMono-Regular.ttf", "PTM55F.ttf",
    "B612Mono-Regular.otf",
    "Oxygen-Sans.ttf", "Oxygen-Sans-Bold.ttf", "Andika-Regular.ttf",
    "Inter-Regular.otf", "Inter-Bold.otf", "PTS55F.ttf", "PTS75F.ttf",
    "B612-Regular.otf", "Quicksand-Medium.ttf", "cmunss.ttf", "cmunsx.ttf",
    "lmsans10-regular.otf", "lmsans10-bold.otf",
    "CharisSIL-Regular.ttf", "CharisSIL-Bold.ttf", "EBGaramond12-Regular.otf",
    "PTF55F.ttf", "PTF75F.ttf", "cmunrm.ttf", "cmunbx.ttf",
    "lmroman10-regular.otf", "lmroman10-bold.otf",
)
# Debian packages holding every training face (tools/train_recognizer.py
# names them when a face is missing).
TRAIN_FONT_PACKAGES = (
    "fonts-liberation2 fonts-crosextra-carlito fonts-crosextra-caladea "
    "fonts-dejavu-core fonts-dejavu-extra fonts-noto-core fonts-noto-mono "
    "fonts-roboto-unhinted fonts-lato fonts-firacode fonts-inconsolata "
    "fonts-linuxlibertine fonts-urw-base35 fonts-go fonts-cmu fonts-lmodern "
    "fonts-hack fonts-jetbrains-mono fonts-anonymous-pro fonts-league-mono "
    "fonts-mononoki fonts-oxygen fonts-sil-andika fonts-sil-charis "
    "fonts-ebgaramond fonts-paratype fonts-b612 fonts-inter fonts-quicksand")

# Evaluation only, never trained on: 7 families, 12 regular faces (+ bold).
HELDOUT_FONTS = (
    "NimbusSans-Regular.otf", "texgyreheros-regular.otf",       # Helvetica-like
    "NimbusRoman-Regular.otf", "texgyretermes-regular.otf",     # Times-like
    "NimbusMonoPS-Regular.otf", "texgyrecursor-regular.otf",    # Courier-like
    "OpenSans-Regular.ttf",                                     # humanist sans
    "C059-Roman.otf", "texgyreschola-regular.otf",              # Century-like
    "Cantarell-Regular.otf",
)
HELDOUT_BOLD_FONTS = (
    "NimbusSans-Bold.otf", "texgyreheros-bold.otf",
    "NimbusRoman-Bold.otf", "texgyretermes-bold.otf",
    "NimbusMonoPS-Bold.otf", "texgyrecursor-bold.otf",
    "OpenSans-Bold.ttf", "C059-Bold.otf", "texgyreschola-bold.otf",
    "Cantarell-Bold.otf",
)
# Derived from the held-out Nimbus faces: neither trained on nor evaluated.
EXCLUDED_FONTS = (
    "FreeSans.ttf", "FreeSansBold.ttf", "FreeSerif.ttf", "FreeSerifBold.ttf",
    "FreeMono.ttf", "FreeMonoBold.ttf", "NotoSans-Regular.ttf",
    "NotoSans-Bold.ttf", "texgyreheroscn-regular.otf",
)

KEY_LABELS = ("Linkage Key:", "Linkage key:", "Account Linkage Key:",
              "Passphrase:", "Pass phrase:", "Third-party passphrase:",
              "Linkage Key", "Passphrase")
ODS_LABELS = ("ODS Code:", "ODS code:", "Practice ODS Code:", "Practice ID:",
              "Organisation code:", "Organisation Code:", "Practice code:",
              "Surgery ID:", "National Practice Code:", "ODS Code")
ACCOUNT_LABELS = ("Account ID:", "Account Id:", "Account ID number:",
                  "Account ID")
OTHER_WORDS = ("Dear", "Patient", "NHS", "App", "number", "Surgery", "Medical",
               "Centre", "Road", "expires", "on", "the", "your", "Online",
               "Services", "Registration", "Username", "Password", "Date",
               "of", "birth", "Tel", "(01234)", "Dr.", "Smith's", "Practice")


@functools.cache
def _font_index() -> dict[str, str]:
    idx: dict[str, str] = {}
    for d in FONT_DIRS:
        for root, _dirs, files in os.walk(d):
            for f in files:
                idx.setdefault(f, os.path.join(root, f))
    return idx


def font_path(name: str) -> str:
    try:
        return _font_index()[name]
    except KeyError:
        raise FileNotFoundError(f"font {name} not installed") from None


def available(names) -> list[str]:
    idx = _font_index()
    return [n for n in names if n in idx]


@functools.lru_cache(maxsize=4096)
def _font(name: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(font_path(name), size)


@functools.cache
def _cap_ratio(name: str) -> float:
    f = _font(name, 100)
    b = f.getbbox("H", anchor="ls")
    return max(0.4, (b[3] - b[1]) / 100.0)


# ----------------------------------------------------------------- texts
def random_key(rng: random.Random, lo: int = 10, hi: int = 16,
               groups: bool | None = None, confusable_share: float = 0.45) -> str:
    """A random key.  By default 45 % of its characters are drawn from the
    confusables (training and the stress evaluation); confusable_share=0 draws
    every character uniformly, as the real keys in ../shared/letters.md are."""
    n = rng.randint(lo, hi)
    pool_plain = string.ascii_letters + string.digits
    chars = []
    for _ in range(n):
        if rng.random() < confusable_share:
            chars.append(rng.choice(CONFUSABLES))
        else:
            chars.append(rng.choice(pool_plain))
    if rng.random() < 0.25:
        for _ in range(rng.choice((1, 1, 2))):
            chars[rng.randrange(n)] = rng.choice(KEY_PUNCT)
    key = "".join(chars)
    if groups is None:
        groups = rng.random() < 0.15
    if groups:
        g = rng.choice((3, 4, 4, 5))
        key = " ".join(key[i:i + g] for i in range(0, len(key), g))
    return key


def random_ods(rng: random.Random) -> str:
    if rng.random() < 0.05:
        return rng.choice(("ALD", "GUE", "JER")) + f"{rng.randrange(1000):03d}"
    first = rng.choice("ABCDEFGHJKLMNPQRSTUVWY" + "YYYY")
    return first + f"{rng.randrange(100000):05d}"


def random_account(rng: random.Random) -> str:
    n = rng.choice((6, 7, 8, 9, 9, 10, 10, 10, 11, 12, 13, 14, 15))
    return "".join(rng.choice(string.digits) for _ in range(n))


def random_other(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.3:
        d = "".join(rng.choice(string.digits) for _ in range(10))
        return f"{d[:3]} {d[3:6]} {d[6:]}"
    if r < 0.5:
        day, month = rng.randint(1, 28), rng.randint(1, 12)
        return f"{day:02d}.{month:02d}.{rng.randint(2020, 2030):04d}"
    words = [rng.choice(OTHER_WORDS) for _ in range(rng.randint(1, 4))]
    return " ".join(words)


def random_text(rng: random.Random) -> tuple[str, str]:
    """A (text, kind) pair; kind in key/ods/account/other."""
    r = rng.random()
    if r < 0.62:
        kind, value, labels = "key", random_key(rng), KEY_LABELS
    elif r < 0.77:
        kind, value, labels = "ods", random_ods(rng), ODS_LABELS
    elif r < 0.93:
        kind, value, labels = "account", random_account(rng), ACCOUNT_LABELS
    else:
        return random_other(rng), "other"
    if rng.random() < 0.25:
        value = rng.choice(labels) + " " + value
    return value, kind


# ------------------------------------------------------------- rendering
@dataclass
class Style:
    degrade: bool = True


def _draw_text(draw: ImageDraw.ImageDraw, xy, text: str, font, fill=255,
               stroke: int = 0, gap_px: float = 0.0, tracking: float = 0.0):
    """Draw text; a single space is widened by gap_px, letters by tracking."""
    x, y = xy
    if gap_px == 0 and tracking == 0:
        draw.text((x, y), text, font=font, fill=fill, anchor="ls",
                  stroke_width=stroke, stroke_fill=fill)
        return x + font.getlength(text)
    if tracking == 0:
        parts = text.split(" ")
        space = font.getlength(" ")
        for i, p in enumerate(parts):
            draw.text((x, y), p, font=font, fill=fill, anchor="ls",
                      stroke_width=stroke, stroke_fill=fill)
            x += font.getlength(p)
            if i < len(parts) - 1:
                x += space + gap_px
        return x
    for ch in text:
        draw.text((x, y), ch, font=font, fill=fill, anchor="ls",
                  stroke_width=stroke, stroke_fill=fill)
        x += font.getlength(ch) + tracking + (gap_px if ch == " " else 0)
    return x


def render_line(text: str, font_name: str, cap_px: float, rng: random.Random,
                degrade: bool = True) -> np.ndarray:
    """Render one line crop (uint8 grey, dark ink on light paper)."""
    size = max(6, int(round(cap_px / _cap_ratio(font_name))))
    font = _font(font_name, size)
    stroke = 0
    if degrade and size >= 22 and rng.random() < 0.06:
        stroke = 1  # faux bold
    gap_px = 0.0
    if " " in text and rng.random() < 0.4:
        gap_px = rng.uniform(0, 1.2) * size * 0.3
    tracking = 0.0
    if rng.random() < 0.12:
        tracking = rng.uniform(-0.03, 0.15) * size
    pad = int(size * 2.2) + 8
    width = int(font.getlength(text) + len(text) * (abs(tracking) + 2)
                + text.count(" ") * gap_px) + 2 * pad
    height = int(size * 3.4) + 2 * pad // 2
    base_y = height // 2 + int(cap_px / 2)
    main = Image.new("L", (width, height), 0)
    _draw_text(ImageDraw.Draw(main), (pad, base_y), text, font, 255, stroke,
               gap_px, tracking)
    m = np.asarray(main)
    cols = np.flatnonzero(m.max(axis=0) > 40)
    rows = np.flatnonzero(m.max(axis=1) > 40)
    if cols.size == 0:
        cols = np.array([pad, pad + 1])
        rows = np.array([base_y - 1, base_y])
    tx0, tx1, ty0, ty1 = cols[0], cols[-1] + 1, rows[0], rows[-1] + 1
    th = max(ty1 - ty0, int(cap_px))

    dist = None
    if degrade:
        dist = Image.new("L", (width, height), 0)
        dd = ImageDraw.Draw(dist)
        lead = rng.uniform(1.05, 1.6) * size
        if rng.random() < 0.25:  # line above
            t, _ = random_text(rng)
            _draw_text(dd, (pad + rng.uniform(-3, 1) * size, base_y - lead),
                       t + " " + random_key(rng), font)
        if rng.random() < 0.25:  # line below
            t, _ = random_text(rng)
            _draw_text(dd, (pad + rng.uniform(-3, 1) * size, base_y + lead),
                       t + " " + random_key(rng), font)
        if rng.random() < 0.2:  # table rule above / below
            y = ty0 - rng.uniform(0.05, 0.7) * th if rng.random() < 0.5 \
                else ty1 + rng.uniform(0.05, 0.7) * th
            lw = rng.choice((1, 1, 2, 3))
            dd.line((0, y, width, y), fill=rng.randint(120, 255), width=lw)
        if rng.random() < 0.12:  # cell border left / right
            x = tx0 - rng.uniform(0.1, 1.0) * th if rng.random() < 0.5 \
                else tx1 + rng.uniform(0.1, 1.0) * th
            dd.line((x, 0, x, height), fill=rng.randint(120, 255),
                    width=rng.choice((1, 1, 2)))
        if rng.random() < 0.08:  # label end visible left of value
            _draw_text(dd, (tx0 - rng.uniform(0.6, 2.0) * size, base_y), ":",
                       font)
    m = m.astype(np.float32) / 255.0
    d = np.asarray(dist, np.float32) / 255.0 if dist is not None else None

    # geometry: rotation + mild perspective, same for both layers
    if degrade and rng.random() < 0.7:
        cx, cy = (tx0 + tx1) / 2, (ty0 + ty1) / 2
        ang = rng.uniform(-3, 3) if rng.random() < 0.6 else rng.uniform(-1, 1)
        M = cv2.getRotationMatrix2D((cx, cy), ang, 1.0)
        H = np.vstack([M, [0, 0, 1]])
        if rng.random() < 0.5:
            src = np.float32([[tx0, ty0], [tx1, ty0], [tx1, ty1], [tx0, ty1]])
            j = 0.04 * th
            dst = src + np.float32([[rng.uniform(-j, j), rng.uniform(-j, j)]
                                    for _ in range(4)])
            H = cv2.getPerspectiveTransform(src, dst) @ H
        if rng.random() < 0.15:  # italic-ish shear
            sh = rng.uniform(-0.12, 0.12)
            S = np.float32([[1, sh, -sh * cy], [0, 1, 0], [0, 0, 1]])
            H = S @ H
        m = cv2.warpPerspective(m, H, (width, height), flags=cv2.INTER_LINEAR)
        if d is not None:
            d = cv2.warpPerspective(d, H, (width, height),
                                    flags=cv2.INTER_LINEAR)
        cols = np.flatnonzero(m.max(axis=0) > 0.16)
        rows = np.flatnonzero(m.max(axis=1) > 0.16)
        if cols.size:
            tx0, tx1, ty0, ty1 = cols[0], cols[-1] + 1, rows[0], rows[-1] + 1
    ink = np.maximum(m, d) if d is not None else m

    # crop margins
    def vmargin():
        r = rng.random()
        if not degrade:
            return rng.uniform(0.08, 0.3) * th
        if r < 0.25:
            return rng.uniform(-1.5, 2.5)
        if r < 0.85:
            return rng.uniform(0.05, 0.35) * th
        return rng.uniform(0.35, 0.8) * th

    def hmargin():
        r = rng.random()
        if not degrade:
            return rng.uniform(0.1, 0.5) * th
        if r < 0.25:
            return rng.uniform(-1.0, 3.0)
        if r < 0.85:
            return rng.uniform(0.1, 0.7) * th
        return rng.uniform(0.7, 2.0) * th

    y0 = int(round(ty0 - vmargin()))
    y1 = int(round(ty1 + vmargin()))
    x0 = int(round(tx0 - hmargin()))
    x1 = int(round(tx1 + hmargin()))
    y0, x0 = max(0, y0), max(0, x0)
    y1, x1 = min(height, max(y1, y0 + 4)), min(width, max(x1, x0 + 4))
    ink = ink[y0:y1, x0:x1]

    # photometric
    if degrade:
        paper = rng.uniform(150, 255) if rng.random() < 0.4 else rng.uniform(215, 255)
        inkv = rng.uniform(0, 110) if rng.random() < 0.6 else rng.uniform(0, 40)
        if paper - inkv < 50:
            inkv = paper - 50
        if rng.random() < 0.05:  # thin / thick ink
            k = np.ones((2, 2), np.uint8)
            ink = (cv2.dilate if rng.random() < 0.6 else cv2.erode)(ink, k)
    else:
        paper, inkv = rng.uniform(235, 255), rng.uniform(0, 30)
    img = paper - (paper - inkv) * ink
    h, w = img.shape
    if degrade:
        if rng.random() < 0.4:  # uneven light
            gx = np.linspace(0, 1, w, dtype=np.float32)[None, :]
            gy = np.linspace(0, 1, h, dtype=np.float32)[:, None]
            a, b = rng.uniform(-1, 1), rng.uniform(-1, 1)
            g = (a * gx + b * gy)
            g = (g - g.min()) / (g.max() - g.min() + 1e-6)
            img = img * (1.0 - rng.uniform(0.05, 0.35) * g)
        scale_ref = max(1.0, th / 30.0)
        if rng.random() < 0.5:
            s = rng.uniform(0.2, 1.1) * scale_ref
            img = cv2.GaussianBlur(img, (0, 0), s)
        if rng.random() < 0.3 and h > 12:  # down-then-up scale
            f = rng.uniform(0.35, 0.8)
            if th * f >= 7:
                small = cv2.resize(img, (max(2, int(w * f)), max(2, int(h * f))),
                                   interpolation=cv2.INTER_AREA)
                img = cv2.resize(small, (w, h), interpolation=rng.choice(
                    (cv2.INTER_LINEAR, cv2.INTER_CUBIC, cv2.INTER_NEAREST)))
        if rng.random() < 0.6:
            img = img + np.random.default_rng(rng.getrandbits(32)).normal(
                0, rng.uniform(2, 14), img.shape).astype(np.float32)
        if rng.random() < 0.03:  # specks
            nz = np.random.default_rng(rng.getrandbits(32)).random(img.shape)
            img[nz < 0.003] = inkv
    img = np.clip(img, 0, 255).astype(np.uint8)
    if degrade and rng.random() < 0.35:
        q = rng.randint(15, 75)
        ok, enc = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, q])
        if ok:
            img = cv2.imdecode(enc, cv2.IMREAD_GRAYSCALE)
    if degrade and rng.random() < 0.04:  # light text on dark
        img = 255 - img
    return img


def sample(rng: random.Random, fonts, degrade: bool | None = None,
           kind: str | None = None) -> tuple[np.ndarray, str]:
    """One random (crop, text).  kind='key' gives bare keys only."""
    if kind == "key":
        text = random_key(rng)
    else:
        text, _ = random_text(rng)
    if degrade is None:
        degrade = rng.random() < 0.85
    name = rng.choice(fonts)
    cap = math.exp(rng.uniform(math.log(10), math.log(60)))
    return render_line(text, name, cap, rng, degrade), text


def eval_set(seed: int, fonts, n: int, degrade: bool, kind: str = "key"):
    """Deterministic evaluation lines: fonts cycled, texts/noise seeded.
    kind: 'key' (confusable-heavy keys), 'uniform_key' (every character
    uniform over the key alphabet, like real keys) or anything else (mixed
    code lines with labels)."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        name = fonts[i % len(fonts)]
        if kind == "key":
            text = random_key(rng)
        elif kind == "uniform_key":
            text = random_key(rng, confusable_share=0.0)
        else:
            text = random_text(rng)[0]
        cap = math.exp(rng.uniform(math.log(12), math.log(48)))
        out.append((render_line(text, name, cap, rng, degrade), text, name))
    return out


if __name__ == "__main__":  # write a contact sheet for eyeballing
    import sys
    rng = random.Random(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
    fonts = available(TRAIN_FONTS)
    rows = []
    for _ in range(24):
        img, text = sample(rng, fonts)
        img = cv2.resize(img, (max(1, int(img.shape[1] * 40 / img.shape[0])), 40))
        rows.append(img[:, :900])
    W = max(r.shape[1] for r in rows)
    sheet = np.vstack([np.pad(r, ((2, 2), (0, W - r.shape[1])),
                              constant_values=128) for r in rows])
    cv2.imwrite("/tmp/linegen_sheet.png", sheet)
    print("wrote /tmp/linegen_sheet.png")
