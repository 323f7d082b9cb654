#!/usr/bin/env python3
"""Synthetic document samples for linkage-scanner: PDFs, emails, HTML and text.

Letters reach patients as PDFs (usually with a real text layer, sometimes a
scan with no text, or with an invisible OCR layer a scanner added), in the
body of an email, or attached to one.  This script writes such documents with
invented codes, and their ground truth:

    python samples/generate_documents.py [--out samples] [--seed 2026]

Writes <out>/documents/<name> and <out>/documents/labels.json (paths relative
to <out>, capture "document", and a "kind": pdf-text, pdf-scan, email,
email-image or text).  Same seed -> byte-identical files.

Like generate.py (whose letter renderer it reuses for the scanned pages) it
never imports the ``scanner`` package.  The small PDF writer here (text in the
standard Helvetica/Courier fonts, JPEG page images, optional RC4 encryption
and a JavaScript open action) is also what the tests use to build hostile
PDFs.
"""
from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import random
import struct
import sys
import textwrap
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

# ---------------------------------------------------------------------------
# A minimal PDF writer
# ---------------------------------------------------------------------------
FONTS = {"F1": "Helvetica", "F2": "Helvetica-Bold", "F3": "Courier"}
A4 = (595.0, 842.0)
_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


@dataclass
class Text:
    x: float
    y: float  # baseline, from the top of the page (converted on writing)
    s: str
    size: float = 10.5
    font: str = "F1"
    invisible: bool = False


@dataclass
class PdfPage:
    texts: list[Text] = field(default_factory=list)
    jpeg: bytes | None = None  # a full-page image (JPEG bytes)
    jpeg_size: tuple[int, int] = (0, 0)
    jpeg_grey: bool = True
    size: tuple[float, float] = A4
    rects: list[tuple[float, float, float, float]] = field(default_factory=list)  # x, y(top), w, h


def _pdf_string(s: str) -> bytes:
    raw = s.encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _rc4(key: bytes, data: bytes) -> bytes:
    S = list(range(256))
    j = 0
    for i in range(256):
        j = (j + S[i] + key[i % len(key)]) % 256
        S[i], S[j] = S[j], S[i]
    out = bytearray()
    i = j = 0
    for b in data:
        i = (i + 1) % 256
        j = (j + S[i]) % 256
        S[i], S[j] = S[j], S[i]
        out.append(b ^ S[(S[i] + S[j]) % 256])
    return bytes(out)


def pdf_bytes(pages: list[PdfPage], *, user_password: str | None = None, javascript: bool = False,
              doc_id: bytes = b"linkage-samples!") -> bytes:
    """Write a PDF.  ``user_password`` encrypts it (RC4 40-bit, revision 2; "" = no
    password needed to open, as permission-only PDFs are); ``javascript`` adds a
    script that would run on opening in a reader that runs scripts."""
    objs: list[bytes | None] = [None, None, None]  # 1 catalog, 2 pages, 3 fonts dict placeholder
    font_nums = {}
    for name, base in FONTS.items():
        objs.append(f"<< /Type /Font /Subtype /Type1 /BaseFont /{base} /Encoding /WinAnsiEncoding >>".encode())
        font_nums[name] = len(objs)
    objs[2] = None
    streams: dict[int, bytes] = {}  # object number -> stream data (encrypted on writing)
    kids = []
    for pg in pages:
        w, h = pg.size
        content = io.BytesIO()
        res_x = b""
        if pg.jpeg is not None:
            iw, ih = pg.jpeg_size
            cs = "/DeviceGray" if pg.jpeg_grey else "/DeviceRGB"
            objs.append(f"<< /Type /XObject /Subtype /Image /Width {iw} /Height {ih} /ColorSpace {cs} "
                        f"/BitsPerComponent 8 /Filter /DCTDecode /Length {len(pg.jpeg)} >>".encode())
            streams[len(objs)] = pg.jpeg
            res_x = f" /XObject << /Im1 {len(objs)} 0 R >>".encode()
            content.write(f"q {w:.2f} 0 0 {h:.2f} 0 0 cm /Im1 Do Q\n".encode())
        for x, y, rw, rh in pg.rects:
            content.write(f"0.4 w {x:.1f} {h - y - rh:.1f} {rw:.1f} {rh:.1f} re S\n".encode())
        for t in pg.texts:
            content.write(f"BT {'3' if t.invisible else '0'} Tr /{t.font} {t.size:.1f} Tf 1 0 0 1 {t.x:.2f} "
                          f"{h - t.y:.2f} Tm ".encode() + _pdf_string(t.s) + b" Tj ET\n")
        data = content.getvalue()
        objs.append(f"<< /Length {len(data)} >>".encode())
        streams[len(objs)] = data
        contents = len(objs)
        fonts = " ".join(f"/{n} {num} 0 R" for n, num in font_nums.items())
        objs.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {w:.0f} {h:.0f}] /Resources << /Font << {fonts} >>"
                    .encode() + res_x + f" >> /Contents {contents} 0 R >>".encode())
        kids.append(len(objs))
    objs[2] = b"<< /Producer (linkage-samples) >>"
    objs[1] = f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>".encode()
    catalog = "<< /Type /Catalog /Pages 2 0 R"
    if javascript:
        objs.append(b"<< /S /JavaScript /JS (app.alert\\('hello'\\); this.exportDataObject\\({cName: 'x'}\\);) >>")
        catalog += f" /OpenAction {len(objs)} 0 R /Names << /JavaScript << /Names [(open) {len(objs)} 0 R] >> >>"
    objs[0] = (catalog + " >>").encode()

    enc_key = None
    encrypt_obj = b""
    if user_password is not None:
        P = -44
        upad = (user_password.encode("latin-1") + _PAD)[:32]
        opad = (b"owner-" + doc_id + _PAD)[:32]
        o_entry = _rc4(hashlib.md5(opad).digest()[:5], upad)
        enc_key = hashlib.md5(upad + o_entry + struct.pack("<i", P) + doc_id).digest()[:5]
        U = _rc4(enc_key, _PAD)
        objs.append(f"<< /Filter /Standard /V 1 /R 2 /O <{o_entry.hex()}> /U <{U.hex()}> /P {P} >>".encode())
        encrypt_obj = f" /Encrypt {len(objs)} 0 R".encode()
        if javascript:  # strings in objects are encrypted too: keep the sample simple
            raise ValueError("javascript and encryption together are not supported here")

    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for num, body in enumerate(objs, 1):
        offsets.append(out.tell())
        out.write(f"{num} 0 obj\n".encode() + body)
        if num in streams:
            data = streams[num]
            if enc_key is not None:
                k = hashlib.md5(enc_key + num.to_bytes(3, "little") + b"\x00\x00").digest()[:10]
                data = _rc4(k, data)
            out.write(b"\nstream\n" + data + b"\nendstream")
        out.write(b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R /ID [<{doc_id.hex()}> <{doc_id.hex()}>]".encode()
              + encrypt_obj + f" >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


# ---------------------------------------------------------------------------
# Letters as text
# ---------------------------------------------------------------------------
def _gen():
    import generate  # the image sample generator beside this file

    return generate


@dataclass
class Letter:
    codes: dict | None
    layout: str
    key_shown: str
    labels: tuple[str, str, str]
    idn: dict
    decoys: list[tuple[str, str]] = field(default_factory=list)
    rows: list[tuple[str, str]] = field(default_factory=list)  # code rows as printed, in order


def make_letter(r: random.Random, layout: str, with_codes: bool = True) -> Letter:
    g = _gen()
    idn = g.make_identity(r)
    if not with_codes:
        return Letter(None, layout, "", ("", "", ""), idn)
    key, _ = g.make_key(r, [14, 15, 16] if layout == "tpp" else None)
    ods, acc = g.make_ods(r), g.make_account(r)
    shown = key
    if r.random() < 0.3:
        n = r.choice([4, 4, 5, 3])
        parts = [key[i:i + n] for i in range(0, len(key), n)]
        if len(parts[-1]) == 1:
            last = parts.pop()
            parts[-1] += last
        shown = " ".join(parts)
    if layout == "tpp":
        labels = (r.choice(["Passphrase", "Pass phrase", "Third-party passphrase"]),
                  r.choice(["Practice ID", "Organisation Code", "ODS Code"]), "Account ID")
    elif layout == "vision":
        labels = ("Linkage Key", "Practice ID", "Account ID")
    else:
        labels = (r.choice(g.KEY_LABELS), r.choice(g.ODS_LABELS), r.choice(g.ACC_LABELS))
    rows = [(labels[2], acc), (labels[0], shown), (labels[1], ods)]
    if layout == "vision":
        token = g.random_token(r, r.randint(20, 30))
        rows = [("Practice ID", ods), ("Patient ID", g.fmt_nhs(idn["nhs"])),
                ("Online Service Registration Token", token), ("Account ID", acc), ("Linkage Key", shown)]
    else:
        r.shuffle(rows)
    decoys = []
    if layout == "tpp":
        decoys = [("Username", g.random_token(r, r.randint(8, 12))),
                  ("Password", g.random_token(r, r.randint(8, 12), g.ALNUM + "!?*"))]
    return Letter({"linkage_key": key, "ods_code": ods, "account_id": acc}, layout, shown, labels, idn, decoys, rows)


def _intro(le: Letter) -> list[str]:
    i = le.idn
    return [
        i["practice"], *i["p_addr"], f"Tel: {i['phone']}", "",
        f"{i['title']} {i['first']} {i['last']}", *i["pt_addr"], "",
        f"Date: {i['date_s']}", f"NHS number: {_gen().fmt_nhs(i['nhs'])}", f"Date of birth: {i['dob_s']}", "",
    ]


def _body_before(le: Letter) -> list[str]:
    return [f"Dear {le.idn['title']} {le.idn['last']},", "",
            f"You have been registered for online services at {le.idn['practice']}. Below are the details "
            "you need to link the NHS App, or another online services app, to your record.", ""]


def _body_after(le: Letter) -> list[str]:
    kl, ol, al = le.labels
    return ["", "These details expire two weeks after this letter was printed. Please keep them private.",
            f"When asked, enter your {kl}, {ol} and {al} exactly as shown above, with upper and lower case "
            "letters as printed and no spaces.", "", "Yours sincerely,", le.idn["signer"], le.idn["practice"]]


NOCODE_LINES = [
    "Your appointment has been booked with the practice nurse. Please arrive ten minutes early.",
    "If you cannot attend, please call us so that we can offer the slot to another patient.",
    "You can now use the NHS App to book appointments. Ask reception for your linkage key, which will be "
    "sent separately.",
]


def letter_pdf_page(le: Letter, r: random.Random, style: str) -> PdfPage:
    """A letter page with a real text layer.  ``style``: lines | table | stacked | scrambled."""
    pg = PdfPage()
    y = 60.0
    left = 72.0

    def para(lines: list[str], size=10.5, font="F1") -> None:
        nonlocal y
        for ln in lines:
            for part in (textwrap.wrap(ln, 92) or [""]):
                if part:
                    pg.texts.append(Text(left, y, part, size, font))
                y += size * 1.35

    para(_intro(le)[:5], 9.5)
    para(_intro(le)[5:])
    if le.codes is None:
        para([f"Dear {le.idn['title']} {le.idn['last']},", ""] + NOCODE_LINES)
        return pg
    para(_body_before(le))
    if le.decoys:
        para(["SystmOnline login details (for our website):"], 10.5, "F2")
        for lab, val in le.decoys:
            pg.texts += [Text(left + 10, y, f"{lab}:", 10.5, "F2"), Text(left + 200, y, val, 11, "F3")]
            y += 16
        y += 10
        para(["Details for the NHS App and other apps:"], 10.5, "F2")
    colon = r.choice([":", ""])
    vfont = r.choice(["F3", "F1", "F2"])
    if style == "lines":
        for lab, val in le.rows:
            pg.texts.append(Text(left, y, f"{lab}{colon or ':'} {val}", 11, "F1"))
            y += 17
    elif style in ("table", "scrambled"):
        top = y - 13
        ops = []
        for lab, val in le.rows:
            ops.append((Text(left + 8, y, f"{lab}{colon}", 11, "F2"), Text(left + 230, y, val, 12, vfont)))
            pg.rects.append((left, y - 13, 440, 19))
            y += 19
        if style == "scrambled":  # drawn in an order unlike reading order: values first, rows shuffled
            r.shuffle(ops)
            pg.texts += [v for _, v in ops] + [lab for lab, _ in ops]
        else:
            pg.texts += [t for pair in ops for t in pair]
        pg.rects.append((left, top, 440, y - top - 13))
    elif style == "stacked":
        xs = [left + 150 * i for i in range(len(le.rows))] if len(le.rows) <= 3 else None
        if xs is None:
            for lab, val in le.rows:
                pg.texts += [Text(left, y, lab, 9, "F1"), Text(left, y + 16, val, 12, vfont)]
                y += 36
        else:
            for x, (lab, val) in zip(xs, le.rows):
                pg.texts += [Text(x, y, lab, 9, "F1"), Text(x, y + 16, val, 12, vfont)]
            y += 36
    y += 8
    para(_body_after(le))
    return pg


def letter_text(le: Letter, r: random.Random, style: str) -> str:
    """The letter as an email body or a .txt file.  ``style``: lines | sentence | below."""
    out = _body_before(le)
    if le.codes is None:
        out += NOCODE_LINES
    elif style == "sentence":
        k, o, a = le.labels
        out.append(f"Your {k.lower() if r.random() < 0.5 else k} is {le.key_shown}. "
                   f"Your practice's {o} is {le.codes['ods_code']} and your {a} is {le.codes['account_id']}.")
    elif style == "below":
        for lab, val in le.rows:
            out += [f"{lab}:", f"    {val}", ""]
    else:
        out += [f"  {lab}: {val}" for lab, val in le.decoys + le.rows]
    return "\n".join(out + _body_after(le)) + "\n"


def letter_html(le: Letter, r: random.Random, style: str) -> str:
    """An HTML email body.  ``style``: table (label | value rows) | grid (labels over values) | nested."""
    e = __import__("html").escape
    head = "<html><head><style>td{padding:4px} .x{color:#333}</style><script>var k='not a code';</script></head><body>"
    paras = "".join(f"<p>{e(p)}</p>" for p in _body_before(le) if p)
    after = "".join(f"<p>{e(p)}</p>" for p in _body_after(le) if p)
    if le.codes is None:
        return head + paras + "".join(f"<p>{e(p)}</p>" for p in NOCODE_LINES) + "</body></html>"
    if style == "grid":
        cells = "".join(f"<th>{e(lab)}</th>" for lab, _ in le.rows)
        vals = "".join(f"<td><code>{e(val)}</code></td>" for _, val in le.rows)
        table = f"<table border=1><tr>{cells}</tr><tr>{vals}</tr></table>"
    else:
        rows = "".join(f"<tr><td class=x><b>{e(lab)}</b></td><td>{e(val)}</td></tr>" for lab, val in le.decoys + le.rows)
        table = f"<table border=1 cellpadding=4>{rows}</table>"
    if style == "nested":  # the layout tables of a mail template around the code table
        table = (f"<table width=600><tr><td><img src=cid:logo alt='NHS'></td><td align=right>{e(le.idn['practice'])}"
                 f"</td></tr><tr><td colspan=2><table><tr><td>{paras}</td></tr><tr><td>{table}</td></tr></table>"
                 f"</td></tr></table>")
        paras = ""
    return head + paras + table + after + "</body></html>"


def _email(le: Letter, subject: str, n: int) -> EmailMessage:
    msg = EmailMessage(policy=policy.default)
    msg["From"] = f"{le.idn['practice']} <{le.idn['email']}>"
    msg["To"] = f"{le.idn['first'].lower()}.{le.idn['last'].lower()}@example.com"
    msg["Subject"] = subject
    msg["Date"] = "Mon, 06 Jan 2025 09:30:00 +0000"
    msg["Message-ID"] = f"<sample-{n}@linkage-samples.invalid>"
    return msg


def _fix_boundaries(msg: EmailMessage, n: int) -> None:
    for i, part in enumerate(msg.walk()):
        if part.is_multipart():
            part.set_boundary(f"=====sample-{n}-{i}=====")


def jpeg_bytes(img, quality: int = 80) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def scanned_page(r: random.Random, seed: int, layout: str, with_codes: bool = True):
    """A letter rendered by generate.py and degraded like a flatbed scan; returns (PIL image, codes)."""
    g = _gen()
    import numpy as np

    sp = g.Spec(idx=0, name="doc", capture="scan" if with_codes else "nocodes", layout=layout,
                font=r.choice(g.TEXT_FONT_ORDER), seed=seed, style="scan")
    rr = random.Random(seed)
    idn = g.common_opts(sp, rr)
    if with_codes:
        g.build_codes_opts(sp, rr, idn)
    else:
        sp.layout = "appointment"
        g.nocodes_opts(sp, rr)
    sp.opts["dpi"] = 200
    im, _info = g.render_fit(sp, 200)
    im, _notes = g.degrade_scan(im, np.random.default_rng(seed), rr, sp.opts)
    return im.convert("L"), sp.codes


def _pdf_scan_page(img) -> PdfPage:
    return PdfPage(jpeg=jpeg_bytes(img, 82), jpeg_size=img.size, jpeg_grey=True)


# ---------------------------------------------------------------------------
def build(out: str, seed: int) -> list[dict]:
    r = random.Random(f"linkage-documents-{seed}")
    ddir = os.path.join(out, "documents")
    os.makedirs(ddir, exist_ok=True)
    recs: list[dict] = []

    def save(name: str, data: bytes, kind: str, codes: dict | None, notes: str) -> None:
        with open(os.path.join(ddir, name), "wb") as f:
            f.write(data)
        recs.append({"file": f"documents/{name}", "capture": "document", "kind": kind,
                     "linkage_key": codes["linkage_key"] if codes else None,
                     "ods_code": codes["ods_code"] if codes else None,
                     "account_id": codes["account_id"] if codes else None, "notes": notes})

    # Text-layer PDFs.
    plan = [("table", "table"), ("lines", "lines"), ("tpp", "table"), ("vision", "table"), ("table", "scrambled"),
            ("stacked", "stacked"), ("lines", "table"), ("tpp", "lines"), ("vision", "scrambled"),
            ("table", "stacked")]
    for i, (layout, style) in enumerate(plan, 1):
        le = make_letter(r, layout)
        pages = [letter_pdf_page(le, r, style)]
        notes = f"text layer, {layout} letter drawn as {style}"
        if i in (3, 7):  # a covering page first: the codes are on page 2
            cover = letter_pdf_page(make_letter(r, "lines", with_codes=False), r, "lines")
            pages = [cover] + pages
            notes += ", codes on page 2 of 2"
        if i == 9:
            notes += ", key " + ("grouped" if " " in le.key_shown else "ungrouped")
        save(f"text_{i:03d}.pdf", pdf_bytes(pages, doc_id=hashlib.md5(f"{seed}-{i}".encode()).digest()),
             "pdf-text", le.codes, notes)
    le = make_letter(r, "lines", with_codes=False)
    save("text_011.pdf", pdf_bytes([letter_pdf_page(le, r, "lines")]), "pdf-text", None, "text layer, no codes")

    # Scanned PDFs (no text layer, or an invisible OCR layer that is not trusted).
    im, codes = scanned_page(r, r.randrange(2 ** 31), "table")
    save("scan_001.pdf", pdf_bytes([_pdf_scan_page(im)]), "pdf-scan", codes, "scanned page, no text layer")
    cover, _ = scanned_page(r, r.randrange(2 ** 31), "", with_codes=False)
    im, codes = scanned_page(r, r.randrange(2 ** 31), "lines")
    save("scan_002.pdf", pdf_bytes([_pdf_scan_page(cover), _pdf_scan_page(im)]), "pdf-scan", codes,
         "two scanned pages, codes on page 2")
    im, codes = scanned_page(r, r.randrange(2 ** 31), "shaded")
    page = _pdf_scan_page(im)
    wrong = codes["linkage_key"][:-1] + ("l" if codes["linkage_key"][-1] != "l" else "I")
    page.texts = [Text(72, 300, f"Linkage Key: {wrong}", 11, invisible=True),
                  Text(72, 320, f"ODS Code: {codes['ods_code']}", 11, invisible=True)]
    save("scan_003.pdf", pdf_bytes([page]), "pdf-scan", codes,
         "scanned page with an invisible OCR text layer whose key is wrong (must not be trusted)")

    # Emails.
    n = 0
    styles = [("plain", "lines"), ("plain", "sentence"), ("alt", "table"), ("html", "grid"), ("html", "nested"),
              ("plain-qp", "below"), ("plain-b64", "lines"), ("alt", "nested")]
    for body, style in styles:
        n += 1
        le = make_letter(r, r.choice(["table", "lines", "tpp", "vision"]))
        msg = _email(le, "Your online services registration details", n)
        if body.startswith("plain"):
            cte = {"plain-qp": "quoted-printable", "plain-b64": "base64"}.get(body)
            msg.set_content(letter_text(le, r, style), cte=cte) if cte else msg.set_content(letter_text(le, r, style))
        elif body == "alt":
            msg.set_content(letter_text(le, r, "lines"))
            msg.add_alternative(letter_html(le, r, style), subtype="html")
        else:
            msg.set_content(letter_html(le, r, style), subtype="html")
        _fix_boundaries(msg, n)
        save(f"email_{n:03d}.eml", msg.as_bytes(), "email", le.codes, f"email, {body} body, {style}")
    # Codes only in an attached text PDF.
    n += 1
    le = make_letter(r, "table")
    msg = _email(le, "Letter from your GP practice", n)
    msg.set_content("Dear patient,\n\nPlease find your online services letter attached.\n\nReception team\n")
    msg.add_attachment(pdf_bytes([letter_pdf_page(le, r, "table")]), maintype="application", subtype="pdf",
                       filename="letter.pdf")
    _fix_boundaries(msg, n)
    save(f"email_{n:03d}.eml", msg.as_bytes(), "email", le.codes, "email, codes in an attached text PDF")
    # No codes at all.
    n += 1
    le = make_letter(r, "lines", with_codes=False)
    msg = _email(le, "Your appointment", n)
    msg.set_content(letter_text(le, r, "lines"))
    _fix_boundaries(msg, n)
    save(f"email_{n:03d}.eml", msg.as_bytes(), "email", None, "email without codes")
    # Codes in an attached photo-like scan (OCR needed).
    n += 1
    im, codes = scanned_page(r, r.randrange(2 ** 31), "table")
    le = make_letter(r, "table")
    msg = _email(le, "Scanned letter", n)
    msg.set_content("Hi, the scan of my letter is attached.\n")
    msg.add_attachment(jpeg_bytes(im.convert("RGB"), 85), maintype="image", subtype="jpeg", filename="scan.jpg")
    _fix_boundaries(msg, n)
    save(f"email_{n:03d}.eml", msg.as_bytes(), "email-image", codes, "email, codes in an attached scanned JPEG")

    # Plain text and HTML files.
    le = make_letter(r, "lines")
    save("letter_001.txt", letter_text(le, r, "lines").encode("utf-8"), "text", le.codes, "UTF-8 text")
    le = make_letter(r, "table")
    save("letter_002.txt", b"\xef\xbb\xbf" + letter_text(le, r, "below").replace("\n", "\r\n").encode("utf-8"),
         "text", le.codes, "UTF-8 with BOM, CRLF, values below labels")
    le = make_letter(r, "tpp")
    save("letter_003.html", letter_html(le, r, "table").encode("utf-8"), "text", le.codes,
         "HTML file, decoy username/password rows")

    # Phone screenshots of the email in a dark-mode mail app: light text on a dark ground.
    for n, (style, font) in enumerate([("lines", "Roboto"), ("below", "Noto Sans")], 1):
        le = make_letter(r, r.choice(["table", "lines", "vision"]))
        im = dark_mode_screenshot(le, r, letter_text(le, r, style), font)
        buf = io.BytesIO()
        im.save(buf, "PNG")
        save(f"screenshot_{n:03d}.png", buf.getvalue(), "screenshot-dark", le.codes,
             f"phone screenshot of the email in a dark-mode mail app ({font}, {style}), light text on a dark ground")

    # Keys broken across two lines, appended last so that every document above is as it was.
    le = make_letter(r, "table")
    head, tail = _split_key(le.key_shown, r)
    save("text_012.pdf", pdf_bytes([wrapped_cell_page(le, head, tail)]), "pdf-text", le.codes,
         "text layer, table with a narrow value column: the key wrapped in its cell"
         + (" after a hyphen" if head.endswith("-") else ""))
    le = make_letter(r, "lines")
    head, tail = _split_key(le.key_shown.replace(" ", ""), r, hyphen=True)
    save("text_013.pdf", pdf_bytes([wrapped_paragraph_page(le, head, tail)]), "pdf-text", le.codes,
         "text layer, codes in a paragraph: the key hyphenated at the line's end")
    le = make_letter(r, "lines")
    head, tail = _split_key(le.key_shown.replace(" ", ""), r, hyphen=True)
    save("letter_004.txt", wrapped_text(le, head, tail).encode("utf-8"), "text", le.codes,
         "text copied from a word processor: paragraphs wrapped, the key hyphenated at a line's end")
    return recs


def _split_key(shown: str, r: random.Random, hyphen: bool | None = None) -> tuple[str, str]:
    """A printed key broken for a line's end: its last 2-6 characters go to the next line, after a
    hyphen (a word processor's) when ``hyphen``, or half the time when None."""
    k = len(shown) - r.randint(2, 6)
    while "-" in shown[k - 1:k + 1]:  # not at a hyphen of the key's own: that break is ambiguous
        k -= 1
    head, tail = shown[:k].rstrip(), shown[k:].lstrip()
    if hyphen or (hyphen is None and r.random() < 0.5):
        head += "-"
    return head, tail


def _drop_code_lines(pg: PdfPage, le: Letter) -> float:
    """Take the 'lines' page's code lines out; where the first stood."""
    codes = [t for t in pg.texts if any(t.s.startswith(f"{lab}:") for lab, _ in le.rows)]
    pg.texts = [t for t in pg.texts if t not in codes]
    return min(t.y for t in codes)


def wrapped_cell_page(le: Letter, head: str, tail: str) -> PdfPage:
    """The letter's code table with a value column too narrow for the key: it goes on under its start."""
    pg = letter_pdf_page(le, random.Random(0), "lines")
    y, left = _drop_code_lines(pg, le), 72.0
    below = [t for t in pg.texts if t.y > y]
    for t in below:  # room for the table's taller rows and the key's second line
        t.y += 16
    for lab, val in le.rows:
        lines = [head, tail] if val == le.key_shown else [val]
        pg.texts.append(Text(left + 8, y, f"{lab}:", 11, "F2"))
        for j, part in enumerate(lines):
            pg.texts.append(Text(left + 200, y + 15 * j, part, 12, "F1"))
        pg.rects.append((left, y - 13, 300, 19 + 15 * (len(lines) - 1)))
        y += 19 + 15 * (len(lines) - 1)
    return pg


def wrapped_paragraph_page(le: Letter, head: str, tail: str) -> PdfPage:
    """The codes given in a paragraph whose key a word processor hyphenated at the line's end."""
    pg = letter_pdf_page(le, random.Random(0), "lines")
    y = _drop_code_lines(pg, le)
    lines = wrapped_text(le, head, tail, codes_only=True).splitlines()
    for t in pg.texts:
        if t.y > y:
            t.y += 14 * len(lines) - 17 * len(le.rows)
    for ln in lines:
        pg.texts.append(Text(72.0, y, ln, 10.5, "F3"))
        y += 14
    return pg


def wrapped_text(le: Letter, head: str, tail: str, codes_only: bool = False) -> str:
    """The letter's text wrapped to a column, its key hyphenated so that it fills its line."""
    k, o, a = le.labels
    codes = le.codes or {}
    before = f"To link an app to your record, use your {k}, which is"
    after = f"{tail}, with your practice's {o} {codes['ods_code']} and your {a} {codes['account_id']}."
    width = len(before) + 1 + len(head)
    lines = [f"{before} {head}"] + textwrap.wrap(after, width)
    if codes_only:
        return "\n".join(lines) + "\n"
    body = [ln for p in _body_before(le) for ln in (textwrap.wrap(p, width) or [""])]
    end = [ln for p in _body_after(le) for ln in (textwrap.wrap(p, width) or [""])]
    return "\n".join(body + lines + end) + "\n"


def dark_mode_screenshot(le: Letter, r: random.Random, body: str, font: str):
    """The letter's email as a dark-mode mail app shows it on a phone (1080 px wide at 3x):
    greyish-white text on near-black, a status bar, the sender and subject, the body wrapped to
    the screen, cut off at the screen's foot."""
    from PIL import Image, ImageDraw

    g = _gen()
    w, h = 1080, 2340
    ground = r.choice([(0, 0, 0), (18, 18, 18), (28, 28, 30), (32, 33, 36)])
    text = r.choice([(232, 234, 237), (255, 255, 255), (220, 220, 220)])
    dim = tuple(int(0.6 * t + 0.4 * b) for t, b in zip(text, ground))
    im = Image.new("RGB", (w, h), ground)
    d = ImageDraw.Draw(im)
    ui, ui_bold = g.get_font(g.UI_FONT[0], 40), g.get_font(g.UI_FONT[1], 52)
    d.text((80, 95), f"{r.randint(7, 22)}:{r.randint(0, 59):02d}", font=ui, fill=text, anchor="ls")
    d.text((60, 230), "< Inbox", font=ui, fill=(138, 180, 248), anchor="ls")
    d.text((60, 330), "Your online services registration details", font=ui_bold, fill=text, anchor="ls")
    d.text((60, 410), le.idn["practice"], font=ui, fill=dim, anchor="ls")
    regular = g.TEXT_FONTS[font][0]
    size = r.choice([40, 42, 44, 46])
    f = g.get_font(regular, size)
    y, lead = 520, int(size * 1.45)
    for para in body.split("\n"):
        line = ""
        for word in para.split(" ") if para.strip() else [""]:
            trial = f"{line} {word}" if line else word
            if line and d.textlength(trial, font=f) > w - 120:
                d.text((60, y), line, font=f, fill=text, anchor="ls")
                y += lead
                line = word
            else:
                line = trial
        d.text((60, y), line, font=f, fill=text, anchor="ls")
        y += lead
        if y > h - 60:
            break
    return im


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--seed", type=int, default=2026)
    args = ap.parse_args(argv)
    _gen().check_fonts()
    recs = build(args.out, args.seed)
    with open(os.path.join(args.out, "documents", "labels.json"), "w", encoding="utf-8") as f:
        json.dump(recs, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"wrote {len(recs)} documents to {os.path.join(args.out, 'documents')}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
