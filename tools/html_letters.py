#!/usr/bin/env python3
"""A second, independent set of UK GP linkage-key letters, for checking the scanner on letters
that neither it nor ``samples/generate.py`` was made with.

Why: changes are judged on the samples' generator; a generator written apart from it (by a
helper that read neither it nor the scanner), with other layouts (value cells white on dark
blue, cards, definition lists, a sidebar, an email printout), 45 fonts and its own photo,
scan and close-up degradations, shows what that generator never drew.  HTML/CSS letters
rendered with headless Chromium (Playwright, Debian's ``/usr/bin/chromium``: ``./dev test``
installs both), then degraded with OpenCV into clean, scan, photo and close-up pictures.

  .venv/bin/python tools/html_letters.py --out /tmp/indep [--seed 424242]
  .venv/bin/linkage-scanner bench /tmp/indep --quick

Output: OUT/images/*.png|jpg, OUT/labels.json (the samples' format), OUT/html/*.html
"""
import argparse
import html
import json
import os
import random
import subprocess
import sys

import cv2
import numpy as np
from playwright.sync_api import sync_playwright

SEED = 424242
OUT = "/tmp/indep"

# --------------------------------------------------------------------------
# fonts
# --------------------------------------------------------------------------
SANS = ["Liberation Sans", "DejaVu Sans", "Noto Sans", "Open Sans", "Lato", "Roboto",
        "Carlito", "Cantarell", "Nimbus Sans", "TeX Gyre Heros", "FreeSans", "PT Sans",
        "Inter", "Karla", "Cabin", "Roboto Condensed", "TeX Gyre Adventor", "Andika"]
SERIF = ["Liberation Serif", "DejaVu Serif", "Noto Serif", "Caladea", "Nimbus Roman",
         "TeX Gyre Termes", "TeX Gyre Pagella", "TeX Gyre Schola", "TeX Gyre Bonum",
         "FreeSerif", "PT Serif", "Charis SIL", "Gentium Plus", "C059", "P052"]
MONO = ["Liberation Mono", "DejaVu Sans Mono", "Noto Mono", "Nimbus Mono PS", "FreeMono",
        "PT Mono", "Fira Code", "Courier Prime", "Go Mono", "Inconsolata", "JetBrains Mono",
        "TeX Gyre Cursor"]


def installed(fam):
    try:
        got = subprocess.run(["fc-match", "-f", "%{family}", fam], capture_output=True,
                             text=True, timeout=10).stdout
    except Exception:
        return False
    return fam in got.split(",")


SANS = [f for f in SANS if installed(f)]
SERIF = [f for f in SERIF if installed(f)]
MONO = [f for f in MONO if installed(f)]
ALL_VALUE_FONTS = SANS + SERIF + MONO

# --------------------------------------------------------------------------
# random content
# --------------------------------------------------------------------------
UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
LOWER = "abcdefghijklmnopqrstuvwxyz"
DIGITS = "0123456789"
ALNUM = UPPER + LOWER + DIGITS
CONFUSABLE = "lI1O0ocCsSvVwWxXzZkKpPuU"
PUNCT = "/!?*+=-"
ODS_FIRST = "ABCDEFGHJKLMNPQRSTUVWY"

FIRST = ["Margaret", "David", "Aisha", "Tomasz", "Eleanor", "Oluwaseun", "Graham", "Priya",
         "Siobhan", "Mohammed", "Bethan", "Callum", "Harriet", "Rajesh", "Niamh", "Kwame",
         "Gwen", "Stuart", "Fatima", "Declan", "Imogen", "Wojciech", "Lorna", "Ahmed"]
SURN = ["Thompson", "Okafor", "Patel", "Williams", "Nowak", "Fitzgerald", "Hughes", "Begum",
        "MacLeod", "Evans", "Ahmed", "Clarke", "Jones", "O'Brien", "Chowdhury", "Roberts",
        "Kowalski", "Harrison", "Singh", "Pritchard", "Davies", "Mensah", "Walsh", "Lloyd"]
TOWNS = [("Leeds", "LS"), ("Sheffield", "S"), ("Bristol", "BS"), ("Norwich", "NR"),
         ("Cardiff", "CF"), ("Swansea", "SA"), ("Leicester", "LE"), ("Exeter", "EX"),
         ("Carlisle", "CA"), ("Hull", "HU"), ("Derby", "DE"), ("Bolton", "BL"),
         ("Reading", "RG"), ("Luton", "LU"), ("Stockport", "SK"), ("Truro", "TR"),
         ("Wrexham", "LL"), ("Sunderland", "SR"), ("Ipswich", "IP"), ("Lincoln", "LN")]
STREETS = ["Church Lane", "Station Road", "Victoria Street", "Mill Road", "Queens Avenue",
           "Park Terrace", "Chapel Street", "Orchard Close", "Highfield Road", "The Crescent",
           "Kingsway", "Manor Drive", "Elm Grove", "Market Place", "Beech Walk", "Albert Road"]
PRACT_A = ["Riverside", "Oakwood", "Beacon", "Millbrook", "St Anne's", "Hillcrest", "Parkview",
           "Castle Mead", "Kingfisher", "Holly Tree", "Westgate", "Ashfield", "Brookside",
           "Greenlane", "Abbey", "Meadowbank", "Northgate", "Valley"]
PRACT_B = ["Medical Centre", "Surgery", "Medical Practice", "Health Centre", "Family Practice",
           "Group Practice", "Medical Group"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


def postcode(r, area):
    inward = r.choice("0123456789") + "".join(r.choice("ABDEFGHJLNPQRSTUWXYZ") for _ in range(2))
    return f"{area}{r.randint(1, 29)} {inward}"


def phone(r):
    return f"0{r.randint(1100, 1999)} {r.randint(100, 999)} {r.randint(1000, 9999)}"


def nhs_number(r):
    while True:
        d = [r.randint(0, 9) for _ in range(9)]
        if d[0] == 0:
            continue
        s = sum(d[i] * (10 - i) for i in range(9))
        c = 11 - s % 11
        if c == 11:
            c = 0
        if c == 10:
            continue
        n = "".join(map(str, d)) + str(c)
        return f"{n[:3]} {n[3:6]} {n[6:]}"


def make_key(r, length, rich):
    while True:
        chars = []
        for _ in range(length):
            if rich and r.random() < 0.72:
                chars.append(r.choice(CONFUSABLE))
            else:
                chars.append(r.choice(ALNUM))
        if r.random() < 0.28:
            for _ in range(r.choice([1, 1, 2])):
                chars[r.randrange(length)] = r.choice(PUNCT)
        key = "".join(chars)
        if key.endswith("-") or key.startswith("-"):
            continue
        if not any(c.isalpha() for c in key):
            continue
        return key


def group4(s):
    return " ".join(s[i:i + 4] for i in range(0, len(s), 4))


def make_ods(r):
    return r.choice(ODS_FIRST) + "".join(r.choice(DIGITS) for _ in range(5))


def make_account(r, vendor):
    n = {"emis": 10, "tpp": 9, "vision": 6}[vendor]
    if r.random() < 0.12:
        n = r.randint(7, 12)
    first = "0" if r.random() < 0.15 else r.choice("123456789")
    return first + "".join(r.choice(DIGITS) for _ in range(n - 1))


def fmt_date(r, y, m, d):
    st = r.choice(["long", "slash", "dash"])
    if st == "long":
        return f"{d} {MONTHS[m - 1]} {y}"
    if st == "slash":
        return f"{d:02d}/{m:02d}/{y}"
    return f"{d:02d}-{MONTHS[m - 1][:3]}-{y}"


def letter_content(r):
    """All text/values for one letter."""
    vendor = r.choice(["emis", "emis", "tpp", "tpp", "vision"])
    town, area = r.choice(TOWNS)
    pname = f"{r.choice(PRACT_A)} {r.choice(PRACT_B)}"
    if r.random() < 0.2:
        pname = "The " + pname
    site = "www." + "".join(c for c in pname.lower().replace("the ", "") if c.isalnum())[:22] + \
        r.choice([".nhs.uk", ".co.uk", ".nhs.uk"])
    prac_addr = [f"{r.randint(1, 180)} {r.choice(STREETS)}", town, postcode(r, area)]
    ptown, parea = r.choice(TOWNS) if r.random() < 0.3 else (town, area)
    title = r.choice(["Mr", "Mrs", "Ms", "Miss", "Dr", "Mx"])
    first, last = r.choice(FIRST), r.choice(SURN)
    pat_addr = [f"{r.randint(1, 240)} {r.choice(STREETS)}", ptown, postcode(r, parea)]
    y, m, d = 2025, r.randint(1, 12), r.randint(1, 14)
    key_len = {"emis": 13, "vision": 14, "tpp": r.choice([15, 16])}[vendor]
    rich = r.random() < 0.5
    key = make_key(r, key_len, rich)
    c = dict(
        vendor=vendor, practice=pname, site=site, prac_addr=prac_addr, prac_phone=phone(r),
        title=title, first=first, last=last, pat_addr=pat_addr,
        dob=fmt_date(r, r.randint(1932, 2007), r.randint(1, 12), r.randint(1, 28)),
        nhs=nhs_number(r), date=fmt_date(r, y, m, d), expiry=fmt_date(r, y, m, d + 14),
        key=key, rich=rich, grouped=r.random() < 0.22, ods=make_ods(r),
        acc=make_account(r, vendor),
    )
    if vendor == "tpp":
        c["key_label"] = r.choice(["Passphrase", "Passphrase", "Pass phrase", "Third-party passphrase"])
        c["username"] = r.choice([
            f"{first[0]}{last}".replace("'", "")[:8].upper() + str(r.randint(10, 999)),
            f"{first.lower()}.{last.lower().replace(chr(39), '')}{r.randint(1, 99)}",
            "".join(r.choice(DIGITS) for _ in range(8))])
        c["password"] = "".join(r.choice(ALNUM) for _ in range(r.randint(8, 10)))
        c["has_sol"] = r.random() < 0.6
    else:
        c["key_label"] = r.choice(["Linkage Key", "Linkage key", "Account Linkage Key"])
        c["has_sol"] = False
    if vendor == "vision":
        c["token"] = "".join(r.choice(UPPER + DIGITS) for _ in range(r.randint(24, 32)))
        c["has_token"] = r.random() < 0.7
    else:
        c["has_token"] = False
    c["ods_label"] = r.choice(["ODS Code", "ODS code", "Practice ODS Code", "Practice ID",
                               "Organisation code", "Practice code", "Surgery ID",
                               "National Practice Code"])
    if vendor == "vision" and r.random() < 0.5:
        c["ods_label"] = "Practice ID"
    c["acc_label"] = r.choice(["Account ID", "Account Id", "Account ID number"])
    return c


# --------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------
E = html.escape
NAVY = ["#003087", "#005eb8", "#1d3557", "#23395d", "#0b3c5d", "#2b2d6e"]
ACCENT = ["#005eb8", "#007f3b", "#8a1538", "#330072", "#0072c6", "#00a499", "#ae2573", "#41475e"]
TINTS = ["#e8f1fa", "#eef6ee", "#fff7e0", "#f1eef8", "#f2f2f2", "#e6f4f3", "#fdeeee", "#eaeaea"]


def code_items(c, r):
    """Ordered list of (label, display value, kind) shown in the codes panel."""
    keyshow = group4(c["key"]) if c["grouped"] else c["key"]
    core = [(c["acc_label"], c["acc"], "acc"), (c["key_label"], keyshow, "key"),
            (c["ods_label"], c["ods"], "ods")]
    order = r.choice([[0, 1, 2], [2, 0, 1], [0, 2, 1], [1, 0, 2], [2, 1, 0], [1, 2, 0]])
    items = [core[i] for i in order]
    extra = []
    if c["vendor"] == "vision" and c["has_token"]:
        extra.append(("Patient ID", c["nhs"], "other"))
        extra.append(("Online Service Registration Token", c["token"], "token"))
    if c["vendor"] == "tpp" and c["has_sol"]:
        extra = [("Username", c["username"], "other"), ("Password", c["password"], "other")]
    if extra:
        if r.random() < 0.5:
            items = extra + items
        else:
            items = items + extra
    if r.random() < 0.25:
        items.insert(0, ("Patient name", f"{c['first']} {c['last']}", "other"))
    return items


def vspan(value, kind):
    cls = "v" if kind in ("acc", "key", "ods") else ("v tok" if kind == "token" else "v oth")
    dk = f' data-k="{kind}"' if kind in ("acc", "key", "ods") else ""
    return f'<span class="{cls}"{dk}>{E(value)}</span>'


def panel_html(layout, items, c, r, st):
    acc, navy, tint = st["accent"], st["navy"], st["tint"]
    colon = r.choice([":", ":", ""])
    if layout == "bordered_table":
        rows = "".join(
            f'<tr><th>{E(lab)}</th><td>{vspan(v, k)}</td></tr>' for lab, v, k in items)
        css = (f"#codes{{border-collapse:collapse;width:{r.randint(80, 100)}%;margin:18px 0}}"
               f"#codes th,#codes td{{border:{r.choice([1, 1, 2])}px solid #444;padding:{r.randint(8, 13)}px {r.randint(10, 16)}px;text-align:left}}"
               f"#codes th{{width:42%;font-weight:{r.choice(['normal', 'bold'])};background:{r.choice(['#fff', tint])}}}")
        return f'<table id="codes">{rows}</table>', css
    if layout == "shaded_box":
        ttl = r.choice(["Your registration details", "Your NHS App details",
                        "Online services – your details", "Details to link your GP record"])
        lines = "".join(
            f'<div class="ln"><span class="lab">{E(lab)}{colon}</span> {vspan(v, k)}</div>'
            for lab, v, k in items)
        css = (f"#codes{{background:{tint};border-left:{r.choice([0, 6, 8])}px solid {acc};"
               f"border-radius:{r.choice([0, 6, 12])}px;padding:18px 26px;margin:18px 0;"
               f"{r.choice(['', 'border:1px solid #999;'])}}}"
               f"#codes .ttl{{font-weight:bold;color:{acc};margin-bottom:10px;font-size:1.1em}}"
               f"#codes .ln{{margin:9px 0}} #codes .lab{{display:inline-block;min-width:{r.randint(150, 250)}px;"
               f"font-weight:{r.choice(['normal', 'bold'])}}}")
        return f'<div id="codes"><div class="ttl">{E(ttl)}</div>{lines}</div>', css
    if layout == "dark_cells":
        rows = "".join(
            f'<tr><td class="lc">{E(lab)}</td><td class="vc">{vspan(v, k)}</td></tr>'
            for lab, v, k in items)
        css = (f"#codes{{border-collapse:separate;border-spacing:0 {r.randint(3, 8)}px;margin:18px 0;width:{r.randint(85, 100)}%}}"
               f"#codes .lc{{background:#e9edf3;padding:10px 14px;width:40%;font-weight:bold}}"
               f"#codes .vc{{background:{navy};color:#fff;padding:10px 16px}}")
        return f'<table id="codes">{rows}</table>', css
    if layout == "cards":
        cards = "".join(
            f'<div class="card"><div class="cl">{E(lab)}</div>{vspan(v, k)}</div>'
            for lab, v, k in items)
        css = (f"#codes{{display:flex;flex-wrap:wrap;gap:{r.randint(10, 18)}px;margin:18px 0}}"
               f"#codes .card{{flex:1 1 auto;border:{r.choice([1, 2])}px solid {r.choice(['#999', acc])};"
               f"border-radius:{r.choice([0, 4, 10])}px;padding:12px 16px;background:{r.choice(['#fff', tint])}}}"
               f"#codes .cl{{font-size:0.8em;text-transform:{r.choice(['uppercase', 'none'])};"
               f"color:#555;margin-bottom:6px;letter-spacing:0.04em}}"
               f"#codes .v{{display:block}}")
        return f'<div id="codes">{cards}</div>', css
    if layout == "plain_lines":
        lines = "".join(f'<p class="ln">{E(lab)}: {vspan(v, k)}</p>' for lab, v, k in items)
        css = "#codes{margin:14px 0 14px 0} #codes .ln{margin:7px 0}"
        return f'<div id="codes">{lines}</div>', css
    if layout == "deflist":
        stacked = r.random() < 0.5
        body = "".join(f'<dt>{E(lab)}</dt><dd>{vspan(v, k)}</dd>' for lab, v, k in items)
        if stacked:
            css = ("#codes{margin:16px 0 16px 10px} #codes dt{font-weight:bold;margin-top:10px}"
                   "#codes dd{margin:3px 0 0 28px}")
        else:
            css = (f"#codes{{display:grid;grid-template-columns:{r.randint(190, 260)}px auto;row-gap:10px;"
                   f"column-gap:18px;margin:16px 0;align-items:baseline}} #codes dt{{font-weight:bold}} #codes dd{{margin:0}}")
        return f'<dl id="codes">{body}</dl>', css
    if layout == "header_table":
        hdr = "Your online services details"
        rows = "".join(f'<tr><td>{E(lab)}</td><td>{vspan(v, k)}</td></tr>' for lab, v, k in items)
        css = (f"#codes{{border-collapse:collapse;width:100%;margin:18px 0;border:1px solid {acc}}}"
               f"#codes th{{background:{acc};color:#fff;text-align:left;padding:10px 14px;font-size:1.05em}}"
               f"#codes td{{padding:9px 14px;border-bottom:1px solid #ccc}}"
               f"#codes tr:nth-child(even) td{{background:{tint}}}")
        return (f'<table id="codes"><thead><tr><th colspan="2">{hdr}</th></tr></thead>'
                f'<tbody>{rows}</tbody></table>'), css
    if layout == "sidebar":
        blocks = "".join(f'<div class="sb"><div class="sl">{E(lab)}</div>{vspan(v, k)}</div>'
                         for lab, v, k in items)
        css = (f"#codes{{background:{tint};border:{r.choice([0, 1, 2])}px solid {acc};padding:16px 18px;"
               f"border-radius:{r.choice([0, 8])}px}}"
               f"#codes h3{{margin:0 0 10px 0;color:{acc};font-size:1.05em}}"
               f"#codes .sb{{margin:0 0 14px 0}} #codes .sl{{font-size:0.85em;color:#333;margin-bottom:3px}}"
               f"#codes .v{{display:block}}")
        return f'<div id="codes"><h3>Online services</h3>{blocks}</div>', css
    if layout == "email":
        lines = "".join(f'<div class="ln">{E(lab)}: {vspan(v, k)}</div>' for lab, v, k in items)
        css = "#codes{margin:12px 0 12px 0} #codes .ln{margin:5px 0}"
        return f'<div id="codes">{lines}</div>', css
    raise ValueError(layout)


def letterhead(c, r, st):
    acc = st["accent"]
    addr = ", ".join(c["prac_addr"])
    v = r.choice(["centre", "bar", "right"])
    if v == "centre":
        return (f'<div style="text-align:center;border-bottom:2px solid {acc};padding-bottom:10px;margin-bottom:18px">'
                f'<div style="font-size:1.7em;font-weight:bold;color:{acc}">{E(c["practice"])}</div>'
                f'<div>{E(addr)}</div><div>Tel: {E(c["prac_phone"])} &nbsp;|&nbsp; {E(c["site"])}</div></div>')
    if v == "bar":
        return (f'<div style="background:{acc};color:#fff;padding:14px 20px;margin:-10px -10px 20px -10px">'
                f'<div style="font-size:1.6em;font-weight:bold">{E(c["practice"])}</div>'
                f'<div style="font-size:0.9em">{E(addr)} · Telephone {E(c["prac_phone"])} · {E(c["site"])}</div></div>')
    lines = "<br>".join(E(x) for x in c["prac_addr"])
    return (f'<div style="display:flex;justify-content:space-between;margin-bottom:20px">'
            f'<div style="font-size:1.5em;font-weight:bold;color:{acc};max-width:55%">{E(c["practice"])}</div>'
            f'<div style="text-align:right;font-size:0.92em">{lines}<br>Tel: {E(c["prac_phone"])}<br>{E(c["site"])}</div></div>')


def address_block(c, r):
    pa = "<br>".join(E(x) for x in c["pat_addr"])
    ids = (f'NHS Number: {E(c["nhs"])}<br>Date of birth: {E(c["dob"])}')
    return (f'<div style="display:flex;justify-content:space-between;margin-bottom:16px">'
            f'<div>{E(c["title"])} {E(c["first"])} {E(c["last"])}<br>{pa}</div>'
            f'<div style="text-align:right">{E(c["date"])}<br><br>{ids}</div></div>')


def instructions(c, r):
    app = r.choice(["the NHS App", "the NHS App or another approved app"])
    steps = [
        f"Download {app} from the App Store or Google Play, or go to www.nhs.uk/nhs-app.",
        "Create an NHS login or sign in with your existing NHS login.",
        "When asked how you want to prove who you are, choose to use the details from your GP surgery.",
        "Enter the details exactly as printed, including upper and lower case letters. Do not include spaces.",
    ]
    r.shuffle(steps[1:3]) if r.random() < 0.3 else None
    li = "".join(f"<li>{E(s)}</li>" for s in steps)
    return f"<p><b>How to link your record</b></p><ol style='margin-top:4px'>{li}</ol>"


def expiry_par(c, r):
    return r.choice([
        f"<p>These details expire two weeks after printing, on <b>{E(c['expiry'])}</b>. If they have expired, please ask reception for a new letter.</p>",
        "<p>Please note: the codes can only be used once and expire 14 days after this letter was printed.</p>",
        f"<p>Valid until {E(c['expiry'])}. Keep this letter private and do not share these details with anyone.</p>",
    ])


def build_letter(c, r, layout, fonts, sizes):
    W, H = sizes["W"], sizes["H"]
    st = dict(accent=r.choice(ACCENT), navy=r.choice(NAVY), tint=r.choice(TINTS))
    items = code_items(c, r)
    panel, pcss = panel_html(layout, items, c, r, st)
    bold = "bold" if sizes["bold"] else "normal"
    vcol = r.choice(["#000", "#111", "#1a1a1a", "#0b1f4b"])
    css = (f"html,body{{margin:0;padding:0;background:#fff}}"
           f"#page{{width:{W}px;height:{H}px;box-sizing:border-box;padding:{sizes['pad']}px {sizes['pad']}px;"
           f"font-family:'{fonts['body']}',sans-serif;font-size:{sizes['bfs']:.1f}px;line-height:1.38;color:#222;"
           f"background:#fff;overflow:hidden;position:relative}}"
           f"#inner{{position:relative}} p{{margin:0 0 9px 0}} ol{{margin:0 0 9px 0;padding-left:24px}}"
           f".v{{font-family:'{fonts['value']}',monospace;font-size:{sizes['vpt']:.1f}pt;font-weight:{bold};"
           f"white-space:nowrap;letter-spacing:{sizes['ls']:.1f}px;color:{vcol}}}"
           f".v.oth{{font-size:{sizes['vpt'] * 0.85:.1f}pt}}"
           f".v.tok{{font-size:{sizes['vpt'] * 0.72:.1f}pt;white-space:normal;word-break:break-all}}"
           f"#codes .vc .v{{color:#fff}}" + pcss)
    subject = r.choice(["Registration for GP online services", "Your NHS App registration details",
                        "Access to your GP record online", "Online services: linking your account"])
    intro = r.choice([
        "You have been registered for GP online services. You can now book appointments, order repeat prescriptions and view parts of your record using an app.",
        "Thank you for asking to use online services. Below are the details you need to link your NHS login to your GP record.",
        "Please use the details below to connect the NHS App (or another approved app) to our practice.",
    ])
    if c["vendor"] == "tpp" and c["has_sol"]:
        intro += " The username and password are for SystmOnline on our website; the passphrase is for other apps."
    private = "<p>Please keep this letter safe. Anyone with these details could access your medical record.</p>"
    sign = (f"<p>Yours sincerely,</p><p style='margin-top:18px'>{r.choice(['Reception Team', 'Practice Manager', 'Patient Services'])}<br>"
            f"{E(c['practice'])}</p>")
    footer = (f'<div style="position:absolute;bottom:{sizes["pad"] // 2}px;left:{sizes["pad"]}px;right:{sizes["pad"]}px;'
              f'font-size:0.75em;color:#666;border-top:1px solid #bbb;padding-top:5px">'
              f'{E(c["practice"])} · {E(", ".join(c["prac_addr"]))} · {E(c["prac_phone"])} · {E(c["site"])}</div>')
    dear = f"<p>Dear {E(c['title'])} {E(c['last'])},</p>"
    head = f"<p style='font-weight:bold;font-size:1.15em'>{E(subject)}</p>"
    if layout == "sidebar":
        side_w = sizes["side_w"]
        main = dear + head + f"<p>{E(intro)}</p>" + expiry_par(c, r) + instructions(c, r) + private + sign
        body = (letterhead(c, r, st) + address_block(c, r) +
                f'<div style="display:flex;gap:26px;align-items:flex-start">'
                f'<div style="flex:1 1 auto">{main}</div>'
                f'<div style="flex:0 0 {side_w}px;width:{side_w}px">{panel}</div></div>')
    elif layout == "email":
        hdrs = (f'<div style="border-bottom:1px solid #999;padding-bottom:8px;margin-bottom:14px;font-size:0.95em">'
                f'<b>From:</b> {E(c["practice"])} &lt;{E(c["site"][4:].split(".")[0])}.reception@nhs.net&gt;<br>'
                f'<b>To:</b> {E(c["first"].lower())}.{E(c["last"].lower().replace(chr(39), ""))}@example.com<br>'
                f'<b>Sent:</b> {E(c["date"])} 10:{r.randint(10, 59)}<br><b>Subject:</b> {E(subject)}</div>')
        body = (hdrs + f"<p>Dear {E(c['first'])},</p><p>{E(intro)}</p>" + panel + expiry_par(c, r) +
                instructions(c, r) + private +
                f"<p>Kind regards,<br>{E(c['practice'])}<br>{E(c['prac_phone'])}</p>")
        footer = ""
    else:
        body = (letterhead(c, r, st) + address_block(c, r) + dear + head + f"<p>{E(intro)}</p>" +
                panel + expiry_par(c, r) + instructions(c, r) + private + sign)
    return (f"<!doctype html><html><head><meta charset='utf-8'><style>{css}</style></head>"
            f"<body><div id='page'><div id='inner'>{body}</div>{footer}</div></body></html>")


def build_plain_letter(r, fonts, sizes):
    """An ordinary practice letter with no codes."""
    c = letter_content(r)
    st = dict(accent=r.choice(ACCENT), navy=r.choice(NAVY), tint=r.choice(TINTS))
    kind = r.choice(["flu", "results", "review"])
    if kind == "flu":
        subj = "Invitation: seasonal flu and COVID-19 vaccination"
        txt = ("Our records show that you are eligible for a free flu vaccination this autumn. "
               "Clinics run on Saturday mornings in October. Please call the surgery or book online using the NHS App.")
    elif kind == "results":
        subj = "Your recent blood test results"
        txt = ("The doctor has reviewed your recent blood test and the results are within the normal range. "
               "No further action is needed. You can see results in the NHS App if you have online access.")
    else:
        subj = "Annual medication review"
        txt = (f"You are due a review of your repeat medication. Please book a telephone appointment before "
               f"{c['expiry']}. Reference: {r.randint(100000, 999999)}.")
    css = (f"html,body{{margin:0;padding:0;background:#fff}}"
           f"#page{{width:{sizes['W']}px;height:{sizes['H']}px;box-sizing:border-box;padding:{sizes['pad']}px;"
           f"font-family:'{fonts['body']}',sans-serif;font-size:{sizes['bfs']:.1f}px;line-height:1.4;color:#222}}"
           f"p{{margin:0 0 10px 0}}")
    body = (letterhead(c, r, st) + address_block(c, r) + f"<p>Dear {E(c['title'])} {E(c['last'])},</p>"
            f"<p style='font-weight:bold'>{E(subj)}</p><p>{E(txt)}</p>"
            f"<p>If you need to contact us, telephone {E(c['prac_phone'])} between 8am and 6.30pm, "
            f"Monday to Friday, or visit {E(c['site'])}.</p>"
            f"<p>Patient: {E(c['first'])} {E(c['last'])} · NHS Number {E(c['nhs'])} · DOB {E(c['dob'])}</p>"
            f"<p>Yours sincerely,</p><p>Dr {E(r.choice(SURN))}<br>{E(c['practice'])}</p>")
    return (f"<!doctype html><html><head><meta charset='utf-8'><style>{css}</style></head>"
            f"<body><div id='page'>{body}</div></body></html>")


MEASURE_JS = """
() => {
  const page = document.getElementById('page');
  const inner = document.getElementById('inner');
  const pr = page.getBoundingClientRect();
  const cs = getComputedStyle(page);
  const padB = parseFloat(cs.paddingBottom);
  const out = {W: pr.width, H: pr.height, ok: true, why: []};
  if (inner) {
    const ib = inner.getBoundingClientRect();
    if (ib.bottom > pr.bottom - padB * 0.55) { out.ok = false; out.why.push('tall ' + ib.bottom); }
  }
  if (document.documentElement.scrollWidth > pr.width + 1) { out.ok = false; out.why.push('wide'); }
  const codes = document.getElementById('codes');
  if (codes) {
    const cr = codes.getBoundingClientRect();
    out.codes = [cr.left, cr.top, cr.right, cr.bottom];
    if (cr.right > pr.right - 4) { out.ok = false; out.why.push('codes right'); }
    out.vals = {};
    for (const el of codes.querySelectorAll('.v')) {
      const r = el.getBoundingClientRect();
      let par = el.parentElement.getBoundingClientRect();
      if (r.right > cr.right + 0.5 || r.right > par.right + 0.5 || r.left < cr.left - 0.5) {
        out.ok = false; out.why.push('value overflow ' + el.textContent);
      }
      if (el.dataset.k) {
        const c = document.createElement('canvas').getContext('2d');
        const s = getComputedStyle(el);
        c.font = s.fontWeight + ' ' + s.fontSize + ' ' + s.fontFamily;
        const m = c.measureText('H');
        out.vals[el.dataset.k] = {rect: [r.left, r.top, r.right, r.bottom],
                                  cap: m.actualBoundingBoxAscent, fs: parseFloat(s.fontSize)};
      }
    }
  }
  return out;
}
"""


def render(pw_page, html_text, W, H, dsf):
    pw_page.set_viewport_size({"width": W, "height": H})
    pw_page.set_content(html_text, wait_until="load")
    pw_page.evaluate("document.fonts.ready.then(() => true)")
    info = pw_page.evaluate(MEASURE_JS)
    png = pw_page.screenshot(full_page=True, type="png")
    img = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR)
    return img, info


# --------------------------------------------------------------------------
# degradations
# --------------------------------------------------------------------------
def jpeg(img, q):
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, int(q)])
    return buf


def add_noise(img, rng, sigma, chroma=0.0):
    f = img.astype(np.float32)
    if f.ndim == 3:
        n = rng.normal(0, sigma, f.shape[:2])[..., None]
        if chroma:
            n = n + rng.normal(0, sigma * chroma, f.shape)
    else:
        n = rng.normal(0, sigma, f.shape)
    # a little signal-dependent (shot) noise
    n = n * (0.7 + 0.6 * (1 - f / 255.0))
    return np.clip(f + n, 0, 255).astype(np.uint8)


def lighting_field(h, w, rng, lo, hi):
    ang = rng.uniform(0, 2 * np.pi)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    t = (xx / w - 0.5) * np.cos(ang) + (yy / h - 0.5) * np.sin(ang)
    t = (t - t.min()) / (t.max() - t.min() + 1e-6)
    g = lo + (hi - lo) * t
    if rng.random() < 0.5:  # soft vignette / hotspot
        cx, cy = rng.uniform(0.2, 0.8) * w, rng.uniform(0.2, 0.8) * h
        rad = np.sqrt((xx - cx) ** 2 + (yy - cy) ** 2) / max(h, w)
        g = g * (1.0 - 0.22 * np.clip(rad, 0, 1))
    return g


def lowfreq(h, w, rng, cell):
    small = rng.random((max(2, h // cell + 2), max(2, w // cell + 2))).astype(np.float32)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)


def background(h, w, rng):
    kind = rng.choice(["wood", "checker", "carpet", "desk"])
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    ang = rng.uniform(0, np.pi)
    u = xx * np.cos(ang) + yy * np.sin(ang)
    v = -xx * np.sin(ang) + yy * np.cos(ang)
    if kind == "wood":
        period = rng.uniform(40, 110)
        warp = lowfreq(h, w, rng, 300) * 1.2 + lowfreq(h, w, rng, 60) * 0.25
        ring = 0.5 + 0.5 * np.sin(2 * np.pi * (u / period + warp))
        grain = cv2.GaussianBlur(rng.random((h, w)).astype(np.float32), (0, 0), sigmaX=0.8, sigmaY=9)
        t = np.clip(0.65 * ring ** 1.5 + 0.35 * (grain - 0.5) * 4 + 0.3, 0, 1)
        base = np.array(rng.choice([[40, 80, 140], [30, 60, 110], [60, 110, 170], [25, 45, 80]]), np.float32)
        dark, light = base * 0.55, np.minimum(base * 1.3, 255)
        img = dark[None, None, :] + (light - dark)[None, None, :] * t[..., None]
    elif kind == "checker":
        cell = rng.uniform(50, 150)
        sx = (np.floor(u / cell) % 2).astype(np.float32)
        sy = (np.floor(v / cell) % 2).astype(np.float32)
        val = 0.5 * (sx + sy)
        col = np.array(rng.choice([[40, 40, 190], [170, 80, 30], [50, 140, 40], [120, 40, 110]]), np.float32)
        white = np.array([235, 238, 240], np.float32)
        img = white * (1 - val[..., None]) + col * val[..., None]
        weave = (np.sin(xx * 1.7) * np.sin(yy * 1.7)) * 8
        img = img + weave[..., None]
    elif kind == "carpet":
        col = np.array(rng.choice([[90, 60, 50], [60, 90, 120], [80, 80, 80], [50, 70, 60], [120, 100, 150]]), np.float32)
        hf = cv2.GaussianBlur(rng.normal(0, 1, (h, w)).astype(np.float32), (0, 0), 1.3) * 40
        lf = (lowfreq(h, w, rng, 200) - 0.5) * 40
        img = col[None, None, :] + (hf + lf)[..., None] + rng.normal(0, 6, (h, w, 3)).astype(np.float32)
    else:
        col = np.array(rng.choice([[35, 35, 35], [25, 30, 45], [45, 40, 35], [20, 20, 25], [60, 50, 45]]), np.float32)
        img = col[None, None, :] + ((lowfreq(h, w, rng, 400) - 0.5) * 20)[..., None]
    return np.clip(img, 0, 255).astype(np.float32), kind


def rodrigues(axis, angle):
    axis = np.asarray(axis, float) / np.linalg.norm(axis)
    R, _ = cv2.Rodrigues(axis * angle)
    return R


def project(w, h, k, tilt, phi, theta, f):
    pts = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float64)
    P = np.c_[(pts[:, 0] - w / 2) * k, (pts[:, 1] - h / 2) * k, np.zeros(4)]
    R = rodrigues([np.cos(phi), np.sin(phi), 0], tilt)
    Q = P @ R.T
    Z = Q[:, 2] + f
    uv = np.c_[f * Q[:, 0] / Z, f * Q[:, 1] / Z]
    c, s = np.cos(theta), np.sin(theta)
    uv = uv @ np.array([[c, -s], [s, c]]).T
    return pts.astype(np.float32), uv.astype(np.float32)


def measure_cap(Hm, x, y, cap):
    p = np.array([[[x, y]], [[x, y + cap]]], np.float32)
    q = cv2.perspectiveTransform(p, Hm)
    return float(np.linalg.norm(q[1, 0] - q[0, 0]))


def make_photo(page, info, dsf, rng):
    h, w = page.shape[:2]
    portrait = rng.random() < 0.6
    CW, CH = (3000, 4000) if portrait else (4000, 3000)
    tilt = np.deg2rad(rng.uniform(5, 35))
    phi = rng.uniform(0, 2 * np.pi)
    theta_deg = rng.uniform(0, 360)
    theta = np.deg2rad(theta_deg)
    f = rng.uniform(0.75, 1.1) * max(CW, CH)
    kv = info["vals"]["key"]
    kx = (kv["rect"][0] + kv["rect"][2]) / 2 * dsf
    ky = kv["rect"][1] * dsf
    cap_src = kv["cap"] * dsf
    target = rng.uniform(14, 30)
    k = target / cap_src
    margin = 0.03
    for _ in range(30):
        src, dst = project(w, h, k, tilt, phi, theta, f)
        Hm = cv2.getPerspectiveTransform(src, dst)
        cap = measure_cap(Hm, kx, ky, cap_src)
        bw, bh = np.ptp(dst[:, 0]), np.ptp(dst[:, 1])
        fit = min(CW * (1 - 2 * margin) / bw, CH * (1 - 2 * margin) / bh)
        if fit < 1:
            k *= fit * 0.99
            target = min(target, cap * fit)
            continue
        if abs(cap - target) / target > 0.02:
            k *= target / cap
            continue
        break
    src, dst = project(w, h, k, tilt, phi, theta, f)
    bw, bh = np.ptp(dst[:, 0]), np.ptp(dst[:, 1])
    ox = rng.uniform(CW * margin, CW * (1 - margin) - bw) - dst[:, 0].min()
    oy = rng.uniform(CH * margin, CH * (1 - margin) - bh) - dst[:, 1].min()
    dst = dst + np.array([ox, oy], np.float32)
    Hm = cv2.getPerspectiveTransform(src, dst)
    cap = measure_cap(Hm, kx, ky, cap_src)
    # pre-shrink for downscaling to avoid aliasing
    sc = 1.0
    pg = page
    if k < 0.95:
        sc = k
        pg = cv2.resize(page, (int(round(w * sc)), int(round(h * sc))), interpolation=cv2.INTER_AREA)
    Hs = Hm @ np.diag([1 / sc, 1 / sc, 1.0])
    # paper: slight off-white + fibre noise
    paper = pg.astype(np.float32) * rng.uniform(0.93, 1.0)
    paper += cv2.GaussianBlur(rng.normal(0, 3, pg.shape[:2]).astype(np.float32), (0, 0), 1.0)[..., None]
    warped = cv2.warpPerspective(paper, Hs, (CW, CH), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_CONSTANT)
    mask = cv2.warpPerspective(np.ones(pg.shape[:2], np.float32), Hs, (CW, CH), flags=cv2.INTER_LINEAR)
    bg, bgkind = background(CH, CW, rng)
    # soft shadow
    sdx, sdy = rng.uniform(-70, 70), rng.uniform(10, 90)
    sh = cv2.warpAffine(mask, np.float32([[1, 0, sdx], [0, 1, sdy]]), (CW, CH))
    sh = cv2.GaussianBlur(sh, (0, 0), rng.uniform(20, 45))
    bg = bg * (1 - rng.uniform(0.35, 0.6) * sh)[..., None]
    out = bg * (1 - mask[..., None]) + warped * mask[..., None]
    lo = rng.uniform(0.55, 0.85)
    out = out * lighting_field(CH, CW, rng, lo, rng.uniform(1.0, 1.12))[..., None]
    cast = np.array([rng.uniform(0.90, 1.03), rng.uniform(0.96, 1.02), rng.uniform(0.98, 1.08)], np.float32)
    if rng.random() < 0.5:
        cast = cast[::-1]
    out = out * cast[None, None, :]
    sig = rng.uniform(0.6, 1.5)
    out = cv2.GaussianBlur(np.clip(out, 0, 255), (0, 0), sig)
    nz = rng.uniform(3, 8)
    out = add_noise(np.clip(out, 0, 255).astype(np.uint8), rng, nz, chroma=0.5)
    q = int(rng.integers(80, 91))
    notes = (f"photo {CW}x{CH}, {bgkind} background, tilt {np.rad2deg(tilt):.0f}°, rotation {theta_deg:.0f}°, "
             f"key cap height {cap:.0f}px, shadow, lighting {lo:.2f}-1.1, colour cast, blur σ{sig:.1f}, "
             f"noise σ{nz:.0f}, JPEG q{q}")
    return jpeg(out, q), notes


def make_scan(page, rng):
    h, w = page.shape[:2]
    g = cv2.cvtColor(page, cv2.COLOR_BGR2GRAY).astype(np.float32)
    dpi = rng.choice([150, 200])
    tw = 1240 if dpi == 150 else 1654
    g = cv2.resize(g, (tw, int(round(h * tw / w))), interpolation=cv2.INTER_AREA)
    ang = rng.uniform(-2, 2)
    M = cv2.getRotationMatrix2D((g.shape[1] / 2, g.shape[0] / 2), ang, 1.0)
    g = cv2.warpAffine(g, M, (g.shape[1], g.shape[0]), flags=cv2.INTER_CUBIC,
                       borderMode=cv2.BORDER_CONSTANT, borderValue=255)
    sig = rng.uniform(0.5, 1.0)
    g = cv2.GaussianBlur(g, (0, 0), sig)
    paper = rng.uniform(225, 245)
    ink = rng.uniform(10, 40)
    g = ink + (paper - ink) * (g / 255.0)
    g = g * lighting_field(g.shape[0], g.shape[1], rng, rng.uniform(0.94, 0.99), 1.0)
    nz = rng.uniform(3, 7)
    g = add_noise(np.clip(g, 0, 255).astype(np.uint8), rng, nz)
    q = int(rng.integers(75, 91))
    notes = (f"greyscale scan {dpi}dpi, rotated {ang:+.1f}°, blur σ{sig:.2f}, paper tint {paper:.0f}, "
             f"noise σ{nz:.1f}, JPEG q{q}")
    return jpeg(g, q), notes


def make_closeup(page, info, dsf, rng):
    h, w = page.shape[:2]
    x0, y0, x1, y1 = [v * dsf for v in info["codes"]]
    m = rng.uniform(20, 60)
    x0, y0, x1, y1 = max(0, x0 - m), max(0, y0 - m), min(w, x1 + m), min(h, y1 + m)
    cap_src = info["vals"]["key"]["cap"] * dsf
    target = rng.uniform(30, 60)
    s = target / cap_src
    # keep output at a sane size (< ~4000 px wide)
    s = min(s, 4000 / (x1 - x0))
    ow, oh = (x1 - x0) * s, (y1 - y0) * s
    quad = np.array([[0, 0], [ow, 0], [ow, oh], [0, oh]], np.float64)
    quad += rng.uniform(-0.04, 0.04, (4, 2)) * np.array([ow, oh])
    ang = np.deg2rad(rng.uniform(-8, 8))
    c, sn = np.cos(ang), np.sin(ang)
    ctr = quad.mean(0)
    quad = (quad - ctr) @ np.array([[c, -sn], [sn, c]]).T + ctr
    pad = 0.05 * max(ow, oh)
    quad -= quad.min(0) - pad
    OW, OH = int(quad[:, 0].max() + pad), int(quad[:, 1].max() + pad)
    src = np.float32([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])
    Hm = cv2.getPerspectiveTransform(src, quad.astype(np.float32))
    kv = info["vals"]["key"]
    cap = measure_cap(Hm, (kv["rect"][0] + kv["rect"][2]) / 2 * dsf, kv["rect"][1] * dsf, cap_src)
    out = cv2.warpPerspective(page.astype(np.float32), Hm, (OW, OH), flags=cv2.INTER_CUBIC,
                              borderMode=cv2.BORDER_REPLICATE)
    out = out * lighting_field(OH, OW, rng, rng.uniform(0.7, 0.9), rng.uniform(1.0, 1.08))[..., None]
    cast = np.array([rng.uniform(0.88, 1.0), rng.uniform(0.95, 1.02), rng.uniform(1.0, 1.1)], np.float32)
    if rng.random() < 0.5:
        cast = cast[::-1]
    out = out * cast
    sig = rng.uniform(0.6, 1.4)
    out = cv2.GaussianBlur(np.clip(out, 0, 255), (0, 0), sig)
    nz = rng.uniform(3, 7)
    out = add_noise(out.astype(np.uint8), rng, nz, chroma=0.4)
    q = int(rng.integers(80, 92))
    notes = (f"closeup of code panel {OW}x{OH}, key cap height {cap:.0f}px, rotation {np.rad2deg(ang):+.1f}°, "
             f"perspective jitter 4%, lighting gradient, colour cast, blur σ{sig:.1f}, noise σ{nz:.0f}, JPEG q{q}")
    return jpeg(out, q), notes


# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------
LAYOUTS = ["bordered_table", "shaded_box", "dark_cells", "cards", "plain_lines", "deflist",
           "header_table", "sidebar", "email"]


def choose_fonts(r, vf):
    if r.random() < 0.45:
        body = vf if vf not in MONO else r.choice(SANS)
    else:
        body = r.choice(SANS + SERIF)
    return {"body": body, "value": vf}


def choose_sizes(r, layout):
    W = r.randint(800, 1000)
    return dict(W=W, H=int(round(W * 297 / 210)), pad=int(W * r.uniform(0.06, 0.085)),
                bfs=W / 794 * r.uniform(11.5, 13.5), vpt=r.uniform(11, 16), bold=r.random() < 0.55,
                ls=r.choice([0, 0, 0, 0.5, 1.0, 1.5]), side_w=int(W * r.uniform(0.33, 0.38)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=OUT)
    ap.add_argument("--seed", type=int, default=SEED)
    args = ap.parse_args()
    out, htmldir = args.out, os.path.join(args.out, "html")
    os.makedirs(os.path.join(out, "images"), exist_ok=True)
    os.makedirs(htmldir, exist_ok=True)
    master = random.Random(args.seed)
    plan = ["clean"] * 12 + ["scan"] * 12 + ["photo"] * 28 + ["closeup"] * 8
    layouts = []
    while len(layouts) < len(plan):
        lay = LAYOUTS[:]
        master.shuffle(lay)
        layouts += lay
    fonts_cycle = []
    while len(fonts_cycle) < len(plan):
        f = ALL_VALUE_FONTS[:]
        master.shuffle(f)
        fonts_cycle += f
    labels = []
    counters = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        ctxs = {}

        def page_for(dsf):
            key = round(dsf, 4)
            if key not in ctxs:
                ctx = browser.new_context(device_scale_factor=dsf, viewport={"width": 900, "height": 1273})
                ctxs[key] = ctx.new_page()
            return ctxs[key]

        for i, cap_kind in enumerate(plan):
            r = random.Random(master.getrandbits(64))
            lrng = np.random.default_rng(r.getrandbits(64))
            layout = layouts[i]
            c = letter_content(r)
            vf = fonts_cycle[i]
            fonts = choose_fonts(r, vf)
            sizes = choose_sizes(r, layout)
            for attempt in range(8):
                doc = build_letter(c, random.Random(r.getrandbits(64)), layout, fonts, sizes)
                dsf = 1650 / sizes["W"]
                pg = page_for(dsf)
                shot, info = render(pg, doc, sizes["W"], sizes["H"], dsf)
                if info["ok"]:
                    break
                print(f"  retry {i} {layout} {fonts['value']}: {info['why']}", file=sys.stderr)
                # make room: smaller body text, then smaller values (not below 11pt), wider sidebar
                sizes["bfs"] *= 0.93
                sizes["vpt"] = max(11.0, sizes["vpt"] * 0.93)
                sizes["side_w"] = int(sizes["side_w"] * 1.06)
                sizes["ls"] = 0
                if attempt >= 4:
                    c["has_token"] = False
                    c["has_sol"] = False
            else:
                raise RuntimeError(f"letter {i} never fitted: {info['why']}")
            counters[cap_kind] = counters.get(cap_kind, 0) + 1
            n = counters[cap_kind]
            with open(os.path.join(htmldir, f"{cap_kind}_{n:03d}.html"), "w") as fh:
                fh.write(doc)
            extras = []
            if c["grouped"]:
                extras.append("key printed in groups of 4")
            if c["rich"]:
                extras.append("confusable-rich key")
            if c["vendor"] == "tpp" and c["has_sol"]:
                extras.append("SystmOnline username/password present")
            if c["vendor"] == "vision" and c["has_token"]:
                extras.append("Patient ID + registration token present")
            extras.append(f"{c['vendor']}-style, values {sizes['vpt']:.1f}pt {'bold' if sizes['bold'] else 'regular'}")
            if cap_kind == "clean":
                img = cv2.resize(shot, (1240, 1754), interpolation=cv2.INTER_AREA)
                fn = f"images/clean_{n:03d}.png"
                cv2.imwrite(os.path.join(out, fn), img)
                notes = "digital render downscaled to 1240x1754 (150dpi), colour PNG"
            elif cap_kind == "scan":
                buf, notes = make_scan(shot, lrng)
                fn = f"images/scan_{n:03d}.jpg"
                buf.tofile(os.path.join(out, fn))
            elif cap_kind == "photo":
                buf, notes = make_photo(shot, info, dsf, lrng)
                fn = f"images/photo_{n:03d}.jpg"
                buf.tofile(os.path.join(out, fn))
            else:
                buf, notes = make_closeup(shot, info, dsf, lrng)
                fn = f"images/closeup_{n:03d}.jpg"
                buf.tofile(os.path.join(out, fn))
            labels.append(dict(file=fn, capture=cap_kind, layout=layout, font=fonts["value"],
                               linkage_key=c["key"], ods_code=c["ods"], account_id=c["acc"],
                               notes=notes + "; " + ", ".join(extras)))
            print(f"{fn:28s} {layout:15s} {fonts['value']:18s} {c['key']:18s} {c['ods']} {c['acc']}")

        # three ordinary letters with no codes
        for _ in range(3):
            r = random.Random(master.getrandbits(64))
            fam = r.choice(SANS + SERIF)
            sizes = choose_sizes(r, "none")
            doc = build_plain_letter(r, {"body": fam, "value": fam}, sizes)
            dsf = 1650 / sizes["W"]
            shot, info = render(page_for(dsf), doc, sizes["W"], sizes["H"], dsf)
            counters["clean"] += 1
            n = counters["clean"]
            fn = f"images/clean_{n:03d}.png"
            with open(os.path.join(htmldir, f"clean_{n:03d}.html"), "w") as fh:
                fh.write(doc)
            cv2.imwrite(os.path.join(out, fn), cv2.resize(shot, (1240, 1754), interpolation=cv2.INTER_AREA))
            labels.append(dict(file=fn, capture="clean", layout="no_codes", font=fam,
                               linkage_key=None, ods_code=None, account_id=None,
                               notes="ordinary practice letter without any codes (NHS number, phone, DOB distractors); 150dpi PNG"))
            print(f"{fn:28s} no_codes        {fam}")
        browser.close()
    with open(os.path.join(out, "labels.json"), "w") as fh:
        json.dump(labels, fh, indent=1, ensure_ascii=False)
    print(f"wrote {len(labels)} labels")


if __name__ == "__main__":
    main()
