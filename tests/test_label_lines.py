"""The quick look for labels on letters without a code box (real samples, real Tesseract)."""

from __future__ import annotations

import pytest

import scanner.pipeline as pipeline
from scanner import scan
from scanner.models import FIELD_NAMES

from .conftest import SAMPLES, load_labels

BY_FILE = {s["file"]: s for s in load_labels()}


@pytest.fixture
def page_reads(monkeypatch) -> list:
    """(image shape, region) of every page-level Tesseract pass; region None = the whole page."""
    reads = []
    real = pipeline._words_in

    def counted(engine, img, region, psm, line_base):
        reads.append((img.shape, region))
        return real(engine, img, region, psm, line_base)

    monkeypatch.setattr(pipeline, "_words_in", counted)
    return reads


@pytest.mark.parametrize("name", ["images/clean_009.png", "images/photo_005.jpg"])
def test_a_letter_without_a_code_box_is_read_only_around_its_labels(page_reads, name):
    # "Label: value" lines in the body of the letter (a Courier-like render, a phone photo): the
    # recogniser sees the three labels at the starts of their lines, so Tesseract reads only those
    # rows, never the whole page, and the codes are the printed ones.
    sample = BY_FILE[name]
    assert sample["layout"] == "lines"
    result = scan(SAMPLES / sample["file"])
    assert page_reads and all(region is not None for _, region in page_reads), page_reads
    (h, w), _ = page_reads[0]
    assert sum(r.w * r.h for _, r in page_reads) < 0.15 * w * h
    assert [result.field(f).value for f in FIELD_NAMES] == [sample[f] for f in FIELD_NAMES]


def test_without_the_recogniser_the_whole_page_is_read(page_reads, monkeypatch):
    # The quick look needs the recogniser; where it cannot load, the page is read whole, as before.
    import scanner.api as api

    monkeypatch.setattr(api, "_recognizer", lambda: None)
    sample = BY_FILE["images/photo_005.jpg"]
    result = scan(SAMPLES / sample["file"])
    assert any(region is None for _, region in page_reads)
    assert result.ods_code.value == sample["ods_code"] and result.account_id.value == sample["account_id"]


def test_labels_inside_photographed_rounded_cards_are_found_without_reading_the_page(page_reads):
    # Three rounded cards (label small at the top, value large below) on a phone photo: the cards'
    # outlines are wavy and tilted, so no straight-rule filter frees the labels; dropping ink taller
    # than a text line does, and the labels' runs are read.
    sample = BY_FILE["images/photo_024.jpg"]
    assert sample["layout"] == "stacked"
    result = scan(SAMPLES / sample["file"])
    assert page_reads and all(region is not None for _, region in page_reads)
    assert result.ods_code.value == sample["ods_code"] and result.account_id.value == sample["account_id"]
    assert result.linkage_key.value is not None


def test_a_page_of_noise_is_not_read_run_by_run(monkeypatch):
    # Thousands of short strokes are no letter: the look leaves the page to the whole-page read and
    # its time limit instead of handing the recogniser a crop per stroke (1,189 here, ~0.9 s).
    import numpy as np

    import scanner.label_lines as label_lines

    rng = np.random.default_rng(0)
    page = np.full((3000, 2200), 255, np.uint8)
    for _ in range(6000):
        x, y = rng.integers(0, 2150), rng.integers(0, 2980)
        page[y:y + 12, x:x + rng.integers(20, 50)] = 0
    runs = []
    real = label_lines.line_starts

    def counted(flat, text_h, min_width=1.5):
        runs.append(len(real(flat, text_h)))  # the runs wide enough to be read
        return real(flat, text_h, min_width)

    monkeypatch.setattr(label_lines, "line_starts", counted)
    batches = []
    from scanner.recognizer import KeyRecognizer

    real_batch = KeyRecognizer.read_batch

    def counted_batch(self, lines, max_batch=32):
        batches.append(len(lines))
        return real_batch(self, lines, max_batch)

    monkeypatch.setattr(KeyRecognizer, "read_batch", counted_batch)
    result = scan(page)
    assert result.status == "not_found"
    assert runs and min(runs) > label_lines.MAX_RUNS
    assert not any(n > label_lines.MAX_RUNS for n in batches)


def test_a_close_up_of_the_codes_is_left_to_the_whole_read(page_reads):
    # A close-up holds a few runs of text (7 here): Tesseract reads it whole as fast as the look
    # would find its labels, and on the seeds' close-ups the boxes of that read gave one key more.
    sample = BY_FILE["images/closeup_005.jpg"]
    assert sample["capture"] == "closeup"
    result = scan(SAMPLES / sample["file"])
    assert any(region is None for _, region in page_reads)
    assert [result.field(f).value for f in FIELD_NAMES] == [sample[f] for f in FIELD_NAMES]


def test_a_piece_of_a_box_side_beside_a_value_does_not_hide_the_value_line():
    # A curled page's box side, broken off by the curl, stands just right of the key and runs down
    # past it: smeared to the key it made one run too tall to be a line, so the key's row had no
    # value to read.  Drawn here: a label, a value, and a thin stroke 2.2 text heights tall.
    import cv2
    import numpy as np

    from scanner.label_lines import line_starts

    th = 22
    img = np.full((200, 900), 255, np.uint8)
    cv2.putText(img, "Passphrase:", (40, 100), cv2.FONT_HERSHEY_SIMPLEX, 0.9, 0, 2)
    cv2.putText(img, "OIJixUwj7SzQGw0k", (320, 100), cv2.FONT_HERSHEY_SIMPLEX, 0.9, 0, 2)
    img[85:85 + round(2.2 * th), 605:610] = 0  # the box side's piece, 25 px after the value
    runs = line_starts(img, th)
    value = [r for r in runs if r.x0 < 330 < r.x1]
    assert value and value[0].h < 1.5 * th and value[0].x1 < 600, runs


def test_a_reversed_out_panel_on_a_curled_photo_gives_its_codes():
    # photo_027: a white-on-blue panel on a curled page, turned 94 degrees; its panel is found only in
    # part, its faint grey labels are lost by Tesseract's block layout, and a piece of the box's side
    # touched the key's line.  Before, its key and ODS code were not found at all.
    sample = BY_FILE["images/photo_027.jpg"]
    result = scan(SAMPLES / sample["file"])
    assert result.ods_code.value == sample["ods_code"] and result.account_id.value == sample["account_id"]
    key = result.linkage_key
    assert key.value is not None and len(key.value) == len(sample["linkage_key"])
    doubtful = {u.index for u in key.uncertain}
    assert all(i in doubtful for i, (a, b) in enumerate(zip(key.value, sample["linkage_key"])) if a != b)
    assert key.needs_review or key.value == sample["linkage_key"]


def test_a_line_tesseract_gave_no_word_for_is_read_again_near_the_codes():
    # An independent letter's photographed email (seed 44's photo_024): `Passphrase: vHHe PTOF p9RR
    # Qg!`, a small label beside a large key, between the ODS code's line and the account ID's. The
    # page read gave no word at all for that line (as a page, a block, a line); read alone at half
    # the scale it gave the key. Here Tesseract reads a render of such lines, and the key's line is
    # taken out of its words as that page read left it out: the line is found by its ink and read.
    import numpy as np
    from PIL import Image, ImageDraw, ImageFont

    from scanner.extract import best_candidates
    from scanner.ocr import PSM_AUTO, get_engine

    font = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
    im = Image.new("L", (1100, 460), 250)
    draw = ImageDraw.Draw(im)
    small, large = ImageFont.truetype(font, 15), ImageFont.truetype(font, 34)
    rows = (("ODS Code:", "M92195"), ("Passphrase:", "vHHe PTOF p9RR Qg!"), ("Account Id:", "481176205"),
            ("Username:", "stuart.williams78"))
    for i, (label, value) in enumerate(rows):
        y = 40 + 80 * i
        draw.text((40, y + 14), label, font=small, fill=40)
        draw.text((40 + draw.textlength(label + " ", font=small), y), value, font=large, fill=20)
    page = np.array(im)
    engine = get_engine()
    key_line = (120, 180)
    words = [w for w in engine.words(page, PSM_AUTO) if not key_line[0] < w.box.cy < key_line[1]]
    chosen, _ = best_candidates(words)
    assert "linkage_key" not in chosen and chosen["ods_code"].text == "M92195"
    # (Tesseract's empty "words", blocks it took for pictures, as it gave over seed 46's photo_018
    # rows, read nothing.)
    from scanner.ocr import Box, Word

    again = next(pipeline._lines_left_unread(page, 26.0, [*words, Word("", 95.0, Box(30, 110, 1000, 190), 99)],
                                             chosen, engine))
    assert again and all(key_line[0] < w.box.cy < key_line[1] for w in again)
    found, _ = best_candidates(words + again)
    # (Tesseract's `v`/`V` is for the value's readers to settle on its crop.)
    assert "".join(found["linkage_key"].text.split()).lower() == "vhheptofp9rrqg!"
    # Lines already read are not read again.
    assert list(pipeline._lines_left_unread(page, 26.0, engine.words(page, PSM_AUTO), chosen, engine)) == []


def test_the_code_lines_tesseract_left_out_whole_are_read_again_where_nothing_was_found():
    # Seed 163's photo: every line of prose read right, and the three lines of its monospaced codes
    # between them given no word at all, so no code was found.  With nothing found there is no
    # code to look near: every row left unread is read again (up to ``UNREAD_ROWS_ANYWHERE``).
    import numpy as np
    from PIL import Image, ImageDraw, ImageFont

    from scanner.extract import best_candidates
    from scanner.ocr import PSM_AUTO, get_engine

    sans = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 24)
    mono = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf", 26)
    im = Image.new("L", (1300, 520), 250)
    draw = ImageDraw.Draw(im)
    draw.text((40, 30), "Please use the details below to connect the NHS App to our practice.", font=sans, fill=30)
    codes = (("Linkage Key:", "kAXP Q2VN y?t7 3jZR"), ("ODS Code:", "H92273"), ("Account ID:", "164672386"))
    for i, (label, value) in enumerate(codes):
        draw.text((40, 110 + 70 * i), f"{label:13}{value}", font=mono, fill=25)
    draw.text((40, 340), "Please note: the codes can only be used once and expire in 14 days.", font=sans, fill=30)
    draw.text((40, 400), "How to link your record", font=sans, fill=30)
    page = np.array(im)
    engine = get_engine()
    code_rows = (100, 320)
    words = [w for w in engine.words(page, PSM_AUTO) if not code_rows[0] < w.box.cy < code_rows[1]]
    assert best_candidates(words)[0] == {}
    again = next(pipeline._lines_left_unread(page, 26.0, words, {}, engine))
    assert again and all(code_rows[0] < w.box.cy < code_rows[1] for w in again)
    found, _ = best_candidates(words + again)
    assert found["ods_code"].text == "H92273" and found["account_id"].text == "164672386"
    assert "".join(found["linkage_key"].text.split()) == "kAXPQ2VNy?t73jZR"
    # A page with more rows unread than a letter's dropped lines (a picture's texture) is left as read.
    assert list(pipeline._lines_left_unread(np.vstack([page, page]), 26.0, [], {}, engine)) == []


def test_a_table_whose_values_the_layout_analysis_drops_is_read_as_a_block(monkeypatch):
    # Independent seed 75's photo_007: a small, blurred photo of a table, grey labels beside bold
    # values.  Tesseract's page and sparse layout analyses both dropped every value (blurred bold
    # glyphs run together into one blob, taken for no text), and nothing was found.  Here Tesseract
    # reads a table letter, and its page and sparse passes lose the codes' words as they did then:
    # with no code found, the band around the labels is read once more as one block of lines, which
    # keeps them.
    from scanner.ocr import PSM_AUTO, PSM_SINGLE_BLOCK, PSM_SPARSE

    sample = BY_FILE["images/clean_007.png"]
    assert sample["layout"] == "table"
    codes, key = {sample[f] for f in ("ods_code", "account_id")}, sample["linkage_key"]

    def a_code(text: str) -> bool:
        text = text.strip(".,:;")
        return text in codes or (len(text) >= 3 and text in key)

    reads = []
    real = pipeline._words_in

    def dropping(engine, img, region, psm, line_base):
        words = real(engine, img, region, psm, line_base)
        kept = [w for w in words if psm not in (PSM_AUTO, PSM_SPARSE) or not a_code(w.text)]
        reads.append((psm, region, len(words) - len(kept), {w.text for w in kept}))
        return kept

    monkeypatch.setattr(pipeline, "_words_in", dropping)
    result = scan(SAMPLES / sample["file"])
    assert any(dropped for psm, _, dropped, _ in reads if psm != PSM_SINGLE_BLOCK), "the setting no longer tests what it says"
    blocks = [texts for psm, region, _, texts in reads if psm == PSM_SINGLE_BLOCK and region is not None]
    assert blocks and codes <= set().union(*blocks)
    assert [result.field(f).value for f in FIELD_NAMES] == [sample[f] for f in FIELD_NAMES]


def test_labels_the_recogniser_sees_say_where_to_look_even_when_one_is_missing():
    # The quick look reads the rows around the labels alone only when it sees a label of every
    # missing code; the rows of those it does see are still given, for the page's band reads to
    # search around (seed 75's photo_007: "Organisation code" read `O-ganusaEon coee`).
    import cv2

    from scanner.api import _recognizer
    from scanner.enhance import estimate_text_height, flatten_light
    from scanner.label_lines import label_regions

    sample = BY_FILE["images/clean_009.png"]
    grey = cv2.imread(str(SAMPLES / sample["file"]), cv2.IMREAD_GRAYSCALE)
    flat, text_h = flatten_light(grey), estimate_text_height(grey)
    rows, every, _ = label_regions(flat, text_h, _recognizer(), {"ods_code", "account_id"})
    assert every and rows
    more, every, _ = label_regions(flat, text_h, _recognizer(), {"ods_code", "account_id", "a code never printed"})
    assert not every and more == rows
