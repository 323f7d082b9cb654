"""Label-anchored extraction on hand-built word layouts (pure logic, no OCR)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.extract import _edit_distance, best_candidates, find_labels, looks_random, unglued
from scanner.ocr import Box, Word


def _word(text: str, x0: int, y0: int, x1: int, y1: int, conf: int = 90, line: int = 0) -> Word:
    return Word(text=text, conf=conf, box=Box(x0, y0, x1, y1), line=line)


def _line(y: int, line: int, *items: tuple[int, str]) -> list[Word]:
    return [Word(text=t, conf=90, box=Box(x, y, x + 14 * len(t), y + 24), line=line) for x, t in items]


def test_table_layout_values_to_the_right():
    words = (
        _line(100, 0, (100, "Linkage"), (210, "Key:"), (500, "tTALtBP3rLR16"))
        + _line(150, 1, (100, "ODS"), (160, "Code:"), (500, "A81001"))
        + _line(200, 2, (100, "Account"), (220, "ID:"), (500, "1195029928"))
    )
    chosen, _ = best_candidates(words)
    assert chosen["linkage_key"].text == "tTALtBP3rLR16"
    assert chosen["ods_code"].text == "A81001"
    assert chosen["account_id"].text == "1195029928"
    assert all(c.found_by == "label" for c in chosen.values())


def test_stacked_layout_value_below_label_and_fuzzy_label():
    words = (
        _line(100, 0, (100, "Passphrase"), (500, "Practice"), (620, "ID"), (900, "Account"), (1010, "ld"))
        + _line(140, 1, (100, "?2sY3qyZp5gRB8*b"), (500, "Y02906"), (900, "520993083"))
    )
    chosen, _ = best_candidates(words)
    assert chosen["linkage_key"].text == "?2sY3qyZp5gRB8*b"
    assert chosen["ods_code"].text == "Y02906"
    assert chosen["account_id"].text == "520993083"


def test_a_key_ocr_split_beside_a_symbol_is_read_joined():
    # Seed 141's clean DejaVu Serif Bold render: `E0lCKOcX!Ykk0Zxc` read `EOICKOcX! YkkOZxc`, the
    # words 0.46 of their height apart (boxes as Tesseract gave them); the key was not found, and
    # the words after `passphrase` in a sentence were taken instead.
    words = (
        _line(725, 0, (135, "passphrase"), (300, "is"), (331, "for"), (379, "other"), (462, "apps."))
        + [_word("Pass", 1015, 800, 1064, 818, line=1), _word("phrase", 1074, 800, 1152, 823, line=1)]
        + [_word("EOICKOcX!", 1015, 842, 1206, 868, line=2), _word("YkkOZxc", 1219, 838, 1359, 877, line=2)]
    )
    chosen, _ = best_candidates(words)
    assert "".join(chosen["linkage_key"].text.split()) == "EOICKOcX!YkkOZxc"
    # Split as far from a letter, with no symbol beside the gap, the words stay two.
    words[-2:] = [_word("EOICKOcXa", 1015, 842, 1206, 868, line=2), _word("YkkOZxc", 1219, 838, 1359, 877, line=2)]
    chosen, _ = best_candidates(words)
    assert "linkage_key" not in chosen or chosen["linkage_key"].text != "EOICKOcXaYkkOZxc"


def test_a_cell_border_between_values_keeps_the_next_cell_out():
    # Seed 64's photo_006 (boxes as Tesseract gave them): three stacked cells, small labels over
    # large values; the values' row read as one line with the cell borders as `|`, the account ID
    # ending where the key cell's border begins.
    def label(text: str, x0: int, x1: int) -> Word:
        return _word(text, x0, 899, x1, 917, line=0)

    words = [label("Practice", 317, 400), label("ODS", 405, 440), label("Code", 445, 490),
             label("Account", 565, 640), label("ID", 645, 660), label("number", 665, 730), label("Passphrase", 782, 871),
             _word("Y66012", 317, 917, 470, 951, line=1), _word("414507426", 565, 917, 739, 951, line=1),
             _word("|", 739, 913, 755, 971, line=1), _word("|", 768, 913, 779, 971, line=1),
             _word("EniEwegticLtsn", 787, 928, 1053, 967, line=1)]
    chosen, _ = best_candidates(words)
    assert chosen["linkage_key"].text == "EniEwegticLtsn"
    assert chosen["account_id"].text == "414507426"


def test_grouped_key_joined_and_distractors_ignored():
    words = (
        _line(100, 0, (100, "Username:"), (500, "JSmith0417X"))
        + _line(150, 1, (100, "Password:"), (500, "Xk3pQ9wzT2"))
        + _line(200, 2, (100, "Linkage"), (210, "key"), (500, "tTAL"), (570, "tBP3"), (640, "rLR16"))
        + _line(250, 3, (100, "NHS"), (160, "number:"), (500, "4857773456"))
    )
    chosen, labels = best_candidates(words)
    assert chosen["linkage_key"].text == "tTAL tBP3 rLR16"
    assert "account_id" not in chosen  # the NHS number is never an account ID
    assert {lab.field for lab in labels} >= {"other", "linkage_key"}


def test_body_text_mentioning_labels_gives_nothing():
    words = _line(100, 0, (100, "Your"), (170, "linkage"), (280, "key"), (340, "will"), (400, "be"), (440, "sent"),
                  (510, "separately"))
    chosen, _ = best_candidates(words)
    assert chosen.get("linkage_key") is None or chosen["linkage_key"].score < 2.0


def test_find_labels_prefers_longest_synonym():
    words = _line(100, 0, (100, "Account"), (220, "Linkage"), (330, "Key"))
    labels = find_labels(words)
    assert [lab.field for lab in labels] == ["linkage_key"]


def test_looks_random():
    assert looks_random("tTALtBP3rLR16")
    assert not looks_random("Enclosed")
    assert not looks_random("willbesent")


def test_key_with_a_stray_ocr_symbol_beats_prose_after_a_label_in_the_text():
    # Page OCR turned one glyph of the key into '£'; the letter's prose mentions "your Linkage Key, ODS Code".
    words = (
        _line(100, 0, (100, "Linkage"), (210, "Key"), (500, "ODS"), (560, "Code"))
        + _line(140, 1, (100, "Me3bkC+*f£KYvB"), (500, "R80799"))
        + _line(400, 2, (100, "enter"), (180, "your"), (260, "Linkage"), (370, "Key,"), (440, "and"), (500, "the"))
    )
    chosen, _ = best_candidates(words)
    assert chosen["linkage_key"].text == "Me3bkC+*f£KYvB"
    assert chosen["linkage_key"].score >= 2.0


def test_grouped_key_in_larger_type_than_its_label_is_joined_but_the_next_cell_is_not():
    # Small label over a large monospaced value printed in groups; the next card starts further away.
    small = [Word(text=t, conf=90, box=Box(x, 100, x + 10 * len(t), 118), line=0)
             for x, t in ((440, "Linkage"), (520, "Key"), (960, "Surgery"), (1040, "ID"))]
    big = [Word(text=t, conf=90, box=Box(x, 130, x + 92, 161), line=1)
           for x, t in ((440, "xXF4"), (565, "!PI1"), (680, "p9=m"), (796, "wIqz"), (960, "V73624"))]
    chosen, _ = best_candidates(small + big)
    assert "".join(chosen["linkage_key"].text.split()) == "xXF4!PI1p9=mwIqz"
    assert chosen["ods_code"].text == "V73624"


def test_a_label_standing_alone_beats_its_name_inside_a_sentence():
    words = (
        _line(100, 0, (100, "Linkage"), (210, "Key"))
        + _line(140, 1, (100, "xXF4!PI1p9=mwIqz"))
        + _line(300, 2, (100, "enter"), (180, "your"), (260, "Linkage"), (370, "Key,"), (450, "Surge!"))
    )
    labels = find_labels(words)
    assert [lab.in_prose for lab in labels if lab.field == "linkage_key"] == [False, True]
    chosen, _ = best_candidates(words)
    assert chosen["linkage_key"].text == "xXF4!PI1p9=mwIqz"


def test_a_colon_makes_a_label_even_inside_a_sentence():
    words = _line(100, 0, (100, "here"), (160, "is"), (200, "your"), (270, "linkage"), (380, "key:"),
                  (500, "tTALtBP3rLR16"))
    chosen, _ = best_candidates(words)
    assert chosen["linkage_key"].text == "tTALtBP3rLR16"


def test_a_stray_symbol_in_an_ods_code_does_not_lose_it_to_prose():
    words = (
        _line(100, 0, (100, "Organisation"), (280, "Code"))
        + _line(140, 1, (100, "Y¥52978"))
        + _line(300, 2, (100, "Key,"), (180, "Organisation"), (360, "Code"), (440, "and"), (500, "Account"))
    )
    chosen, _ = best_candidates(words)
    assert chosen["ods_code"].text == "Y¥52978"


def test_labels_blurred_into_typical_ocr_misreads_still_anchor_values():
    words = (
        _line(100, 0, (100, "Unkage"), (210, "key-"), (500, "oFTNSwhtcK140N"))
        + _line(150, 1, (100, "Accourt"), (220, "ID:"), (500, "9607710741"))
        + _line(200, 2, (100, "ODS"), (160, "Cade:"), (500, "N33459"))
    )
    chosen, _ = best_candidates(words)
    assert chosen["linkage_key"].text == "oFTNSwhtcK140N"
    assert chosen["account_id"].text == "9607710741"
    assert chosen["ods_code"].text == "N33459"
    assert all(c.found_by == "label" for c in chosen.values())
    # Folding misreads does not make unrelated words labels.
    assert find_labels(_line(100, 0, (100, "Package"), (210, "key:"))) == []


@pytest.mark.parametrize("label, half, value, field, other", [
    # A phone photo's "Account ID:" read "Account 1:": the word before vouches for what is left of "ID".
    ("Account", "1:", "0825344958", "account_id", ("Linkage", "Key:", "CXxOdOmpuXD")),
    # Seed 68's photo_014 (a sideways page of blurred type): "Surgery ID: K12052" read `Surgery` `0`
    # `K1` `2052`, the I lost and the D a zero; the ODS code was not found.
    ("Surgery", "0", "K12052", "ods_code", ("Account", "ID:", "606926")),
    # Seed 162's photographed email: "Account ID:" read `Account` `©`, the ID one round blob (seed
    # 158's photo read it so too); its account ID, ten figures like an NHS number, went unfound.
    ("Account", "©", "7974522895", "account_id", ("Linkage", "Key:", "CXxOdOmpuXD")),
    ("Practice", "®:", "V86119", "ods_code", ("Account", "ID:", "606926")),
])
def test_an_id_that_blur_cut_to_one_glyph_still_anchors_its_value(label, half, value, field, other):
    words = (
        _line(100, 0, (100, label), (230, half), (500, value))
        + _line(150, 1, (100, other[0]), (220, other[1]), (500, other[2]))
    )
    chosen, _ = best_candidates(words)
    assert chosen[field].text == value and chosen[field].found_by == "label"
    # Without the word before it, what is left of "ID" is no label.
    assert not any(lab.field == field for lab in find_labels(_line(100, 0, (100, "Page"), (220, half))))


def test_one_printed_value_is_never_two_codes():
    # The key's own value was not read; the ODS code under it must not become the key as well.
    words = (
        _line(100, 0, (100, "Linkage"), (210, "Key:"))
        + _line(150, 1, (100, "ODS"), (160, "Code:"), (300, "L10766"))
        + _line(200, 2, (100, "Account"), (220, "ID:"), (300, "6210414076"))
    )
    chosen, _ = best_candidates(words)
    assert chosen["ods_code"].text == "L10766"
    assert chosen["account_id"].text == "6210414076"
    assert "linkage_key" not in chosen or chosen["linkage_key"].text not in ("L10766", "6210414076")


def test_symbol_read_for_a_letter_still_anchors_the_value():
    # A bold S read as "$" ("$34674"); a key whose start looks like a day number ("14WPP...").
    words = (
        _line(100, 0, (100, "Practice"), (220, "ID:"), (500, "$34674"))
        + _line(150, 1, (100, "Account"), (220, "ID:"), (500, "5516546"))
        + _line(200, 2, (100, "Linkage"), (210, "Key:"), (500, "14WPPooLS1100"))
    )
    chosen, _ = best_candidates(words)
    assert chosen["ods_code"].text == "$34674" and chosen["ods_code"].score >= 2.0
    assert chosen["linkage_key"].text == "14WPPooLS1100" and chosen["linkage_key"].score >= 2.0
    assert chosen["account_id"].score >= 2.0


def test_a_short_label_word_misread_by_one_letter_is_vouched_for_by_the_rest_of_its_phrase():
    # Blurred "ODS code:" reads "oos code:", "Account ID" "Accoure 1D"; alone, "oos" or "Accoure" is no label.
    words = (
        _line(100, 0, (100, "oos"), (160, "code:"), (500, "Y10383"))
        + _line(150, 1, (100, "Accoure"), (220, "1D"), (500, "9391094742"))
        + _line(200, 2, (100, "oos"), (500, "Z99999"))
        + _line(250, 3, (100, "Accoure"), (500, "8888888888"))
    )
    labels = find_labels(words)
    assert [(lab.field, lab.words[0].text) for lab in labels if lab.field != "other"] == [
        ("ods_code", "oos"), ("account_id", "Accoure")]
    chosen, _ = best_candidates(words)
    assert chosen["ods_code"].text == "Y10383"
    assert chosen["ods_code"].found_by == "label"
    assert chosen["account_id"].text == "9391094742"


def test_the_sentence_after_a_key_label_is_not_a_key_printed_in_groups():
    # Seen on fresh letters: "your Linkage key, ODS code and account ID will be sent separately"
    # (ODS read "00S") joined into the key "00Scodeand"; and a curled close-up's next line of prose
    # read beside the label ("These registration ..." as "Thien Gent wa co ce").
    sentence = _line(100, 0, (100, "your"), (170, "Linkage"), (280, "key,"), (350, "00S"), (400, "code"),
                     (470, "and"), (530, "account"), (640, "ID"), (680, "will"))
    chosen, _ = best_candidates(sentence)
    assert chosen.get("linkage_key") is None or chosen["linkage_key"].score < 2.0
    prose = (_line(100, 0, (100, "Linkage"), (210, "Key"), (300, "Thien"), (380, "Gent"), (440, "wa"), (480, "co"),
                   (520, "ce"))
             + _line(140, 1, (100, "Passphrase"), (300, "tTAL"), (370, "tBP3"), (440, "rLR16")))
    chosen, _ = best_candidates(prose)
    assert chosen["linkage_key"].text == "tTAL tBP3 rLR16"


def test_a_dated_sentence_under_a_key_label_loses_to_the_key_beside_it():
    # Tuning seed 1003's photo_014 (boxes as Tesseract gave them): the key beside its label read
    # without its one figure ('9' as 'I'), and the paragraph's first line under the label, with a
    # date in it, was taken for the key for having digits: the key was not found.
    sentence = "These registration details expire two weeks after this letter was printed (on 16 February 2025)."
    starts, x = [], 231
    for t in sentence.split():
        starts.append((x, t))
        x += 14 * len(t) + 12
    words = _line(1216, 0, (252, "Linkage"), (360, "Key:"), (718, "MKUQIXSKIX")) + _line(1307, 1, *starts)
    chosen, _ = best_candidates(words)
    assert chosen["linkage_key"].text == "MKUQIXSKIX"


def test_a_cell_rule_or_smudge_after_a_value_is_not_part_of_it():
    # Seen on a fresh photo: "Account ID | 071894025 ennasegianeessenneaaen" (the cell's rule and
    # its bottom edge read as words) and a key read with the box's edge after it.
    words = (
        _line(100, 0, (100, "Account"), (220, "ID"), (300, "|"), (330, "071894025"), (470, "ennasegianeessen"))
        + _line(150, 1, (100, "Linkage"), (210, "Key"), (330, "TxeagkkQiT1"), (500, "enam"))
        + _line(200, 2, (100, "ODS"), (160, "Code"), (330, "D65686"), (430, "|"), (450, "Y12345"))
    )
    chosen, _ = best_candidates(words)
    assert chosen["account_id"].text == "071894025" and chosen["account_id"].score >= 2.0
    assert chosen["linkage_key"].text == "TxeagkkQiT1" and chosen["linkage_key"].score >= 2.0
    assert chosen["ods_code"].text == "D65686"


def test_a_value_printed_much_larger_than_its_label_is_still_its_value():
    label = [Word("Practice", 96, Box(151, 1093, 236, 1112), 0), Word("ODS", 96, Box(243, 1094, 294, 1113), 0),
             Word("Code", 96, Box(302, 1094, 358, 1113), 0)]
    value = [Word("D65686", 88, Box(151, 1126, 273, 1168), 1)]  # 2.2 times the label's height
    chosen, _ = best_candidates(label + value)
    assert chosen["ods_code"].text == "D65686" and chosen["ods_code"].where == "below"


def test_a_split_nhs_number_is_no_account_id():
    # The NHS number's label misread ("pena"), its digits split "570317 4023": the six digits on
    # their own look like a Vision account ID, but they stand a word space from more digits.
    words = (
        _line(100, 0, (100, "pena"), (300, "570317"), (400, "4023"))
        + _line(200, 1, (100, "Practice"), (230, "ODS"), (290, "Code"))
        + _line(240, 2, (100, "R66036"))
    )
    chosen, _ = best_candidates(words)
    assert chosen["ods_code"].text == "R66036"
    assert "account_id" not in chosen
    # The same six digits standing alone on their line are still found by their format.
    alone = _line(100, 0, (100, "Ref"), (300, "570317")) + words[3:]
    assert best_candidates(alone)[0]["account_id"].text == "570317"


def test_a_value_whose_top_reaches_the_label_bottom_is_below_it():
    # A tilted photo: the label's box is tall (a descender, the slant) and the value's top reaches
    # up to the label's bottom edge; the value still stands below the label, not beside it.
    words = [_word("Account", 100, 108, 160, 123),
             _word("Linkage", 168, 100, 230, 132),
             _word("Key", 238, 100, 270, 132),
             _word("JYkCIOnsKCglEO", 96, 129, 300, 168, conf=60, line=1)]
    chosen, _ = best_candidates(words)
    assert chosen["linkage_key"].text == "JYkCIOnsKCglEO"


def test_a_label_word_merged_with_a_cells_rule_does_not_move_the_labels_line():
    # Photo of a table: OCR boxed "Practice" together with the rule beside it (62 px tall), so the
    # label's box centre sits 15 px below the line the value shares with "ID".
    words = [
        Word("Practice", 96, Box(265, 972, 365, 1034), 5), Word("ID", 89, Box(369, 991, 399, 1012), 5),
        Word("H11312", 80, Box(750, 975, 841, 1000), 6),
        Word("Linkage", 96, Box(265, 1060, 365, 1082), 7), Word("Key:", 96, Box(371, 1060, 420, 1082), 7),
        Word("OuxOioi0EOPZ0HKA", 80, Box(751, 1056, 1081, 1084), 8),
    ]
    chosen, _ = best_candidates(words)
    assert chosen["ods_code"].text == "H11312" and chosen["ods_code"].where == "right"


def test_a_key_whose_first_characters_ocr_split_off_with_a_symbol_stays_whole():
    # A monospaced face's wide gap: OCR read "Lw!" and "ZAMm1eTHX8ll" as two words beside the label.
    words = (
        _line(100, 0, (100, "Account"), (220, "Id:"), (600, "7759944744"))
        + _line(150, 1, (100, "Account"), (220, "Linkage"), (340, "Key:"), (600, "Lw!"), (650, "ZAMm1eTHX8ll"))
        + _line(200, 2, (100, "Practice"), (220, "ID:"), (600, "C13039"))
    )
    chosen, _ = best_candidates(words)
    key = chosen["linkage_key"]
    assert key.text == "Lw! ZAMm1eTHX8ll" and key.found_by == "label" and key.score >= 2.0


def test_label_words_run_together_or_a_colon_read_s_still_anchor_values():
    # OCR of a photo dropped the space ("Accountid:", "LinkageKey:") or read the colon as "s" ("IDs").
    words = (
        _line(100, 0, (100, "Accountid:"), (600, "353270889"))
        + _line(150, 1, (100, "LinkageKey:"), (600, "7PCSNSSNBxrxdw"))
        + _line(200, 2, (100, "Surgery"), (220, "IDs"), (600, "Y40953"))
    )
    chosen, _ = best_candidates(words)
    assert {f: (c.text, c.found_by) for f, c in chosen.items()} == {
        "account_id": ("353270889", "label"), "linkage_key": ("7PCSNSSNBxrxdw", "label"), "ods_code": ("Y40953", "label")}
    # A run-together word must still be close to the whole phrase.
    assert find_labels(_line(100, 0, (100, "Accountant:"))) == []


def test_exact_matching_takes_run_together_label_words_only_as_printed():
    # Text layers and emails are matched exactly: "AccountID:" is the label, a misspelt "Acountid:" is not.
    assert [lab.field for lab in find_labels(_line(100, 0, (100, "AccountID:")), fuzzy=False)] == ["account_id"]
    assert find_labels(_line(100, 0, (100, "Acountid:")), fuzzy=False) == []
    assert [lab.field for lab in find_labels(_line(100, 0, (100, "Acountid:")))] == ["account_id"]


def test_one_printed_value_is_not_two_codes_across_passes():
    # A close-up with a row of labels over a row of values. One OCR pass missed the "Practice
    # ID" label and read it with the code under it as one tall word, right of "Pass phrase": a
    # valid-looking key there scored above the real key below its label. Another pass read the
    # layout whole. Merged, the ODS code's own label is the nearer one: the key falls back.
    from scanner.pipeline import _merge

    labels_row = _line(100, 0, (100, "Account"), (220, "ID"), (260, "number"), (500, "Pass"), (570, "phrase"))
    values_row = _line(140, 1, (100, "576363512"), (500, "NmAP"), (570, "zwKr"), (640, "zj3V4"))
    tall = [_word("JER401", 975, 100, 1061, 175)]
    first, _ = best_candidates(labels_row + values_row + tall)
    assert first["linkage_key"].text == "JER401"  # the failure this guards against, within one pass
    second, _ = best_candidates(labels_row + _line(100, 0, (977, "Practice"), (1100, "ID")) + values_row
                                + _line(140, 1, (976, "JER401")))
    merged = _merge(first, second)
    assert merged["ods_code"].text == "JER401"
    assert merged["linkage_key"].text == "NmAP zwKr zj3V4"
    assert merged["account_id"].text == "576363512"


def test_a_label_word_boxed_over_the_first_group_does_not_swallow_it():
    # A photo (seed 1002's photo_011): OCR boxed `Linkage` from its first letter to the end of
    # the key's first group, so the union of the label's boxes covered `yWVD` and the key came
    # out without it. The value starts after the label's last word.
    words = [_word("Linkage", 258, 1094, 510, 1128),
             _word("Key:", 370, 1090, 427, 1135)]
    words += [Word(text=t, conf=90, box=Box(x0, 1096, x1, 1128), line=0)
              for t, x0, x1 in (("yWVD", 441, 510), ("9McN", 537, 622), ("ZyT9i", 646, 752))]
    chosen, _ = best_candidates(words)
    assert chosen["linkage_key"].text == "yWVD 9McN ZyT9i"
    assert chosen["linkage_key"].box.x0 == 441


def test_a_key_ocr_split_at_a_narrow_gap_is_read_whole():
    # A scan in a monospaced face (seed 1001's scan_011): OCR split `WjWCdyV1AdgJt` after the
    # `j`, 6 px apart at 31 px high. As two groups of 2 and 11 it is no key printed in groups, and
    # a format-only match without `Wj` won. Words that close are one word.
    words = [_word("Pass", 264, 1029, 319, 1049),
             _word("phrase:", 326, 1028, 418, 1055),
             _word("Wj", 425, 1023, 457, 1054),
             _word("WCdyV1AdgJt", 463, 1022, 666, 1053)]
    chosen, _ = best_candidates(words)
    assert chosen["linkage_key"].text == "WjWCdyV1AdgJt"
    assert chosen["linkage_key"].found_by == "label" and chosen["linkage_key"].box.x0 == 425
    # A word space (here 0.45 of the height) still separates groups; so printed, the key is valid.
    words[3] = _word("WCdy", 471, 1022, 540, 1053)
    words.append(_word("V1AdgJt", 554, 1022, 666, 1053))
    words[2] = _word("WjGh", 425, 1023, 457, 1054)
    assert best_candidates(words)[0]["linkage_key"].text == "WjGh WCdy V1AdgJt"


def test_a_motion_blurred_label_still_anchors_its_value():
    # A photo with 6 px of motion blur (seed 1001's photo_023): Tesseract read "Linkage key:" as
    # "Linkage bury:" and "Practice ODS Code:" as "Practice OD% Code:".  The colon says where the
    # label ends, and the value after it is the key; the phrase around "OD" vouches for "ODS".
    words = (_line(100, 0, (100, "Linkage"), (210, "bury:"), (400, "DS8QbrKSM/Er"))
             + _line(150, 1, (100, "Practice"), (225, "OD%"), (275, "Code:"), (400, "$48608"))
             + _line(200, 2, (100, "Account"), (210, "ID:"), (400, "151267458")))
    chosen, _ = best_candidates(words)
    assert chosen["linkage_key"].text == "DS8QbrKSM/Er" and chosen["linkage_key"].where == "right"
    assert chosen["ods_code"].text == "$48608" and chosen["ods_code"].found_by == "label"
    assert chosen["account_id"].text == "151267458"
    # Without the colon the word is not taken for the label's tail: only the format-only search
    # (always marked for review) finds the key.
    words[1] = _word("bury", 210, 100, 266, 124)
    assert best_candidates(words)[0]["linkage_key"].found_by == "pattern"


def test_a_key_of_letters_alone_is_found_by_its_format_when_its_case_changes_like_a_random_strings():
    # Seed 81's photo: a Vision-style key of letters, `pCzWpcuZzoSozA`, its label in a sidebar OCR
    # did not read; the format-only search asked for a figure and found nothing.  Its case changes
    # 9 times; a name or a product in the prose around it (`MacLeod`, `SystmOnline`) 3 at most.
    prose = _line(60, 0, (100, "Dear"), (170, "Mrs"), (230, "MacLeod,"), (360, "use"), (420, "SystmOnline"))
    codes = (_line(100, 1, (100, "Practice"), (225, "ID:"), (400, "C34928"))
             + _line(150, 2, (100, "Account"), (210, "ID:"), (400, "0001110")))
    chosen, _ = best_candidates(prose + codes + _line(200, 3, (400, "pCzWpcuZzoSozA")))
    assert (chosen["linkage_key"].text, chosen["linkage_key"].found_by) == ("pCzWpcuZzoSozA", "pattern")
    # Letters of both cases changing case less often are no key found by format alone.
    for word in ("McDonaldsTheWay", "pCzwpcuzzoSozA"):
        chosen, _ = best_candidates(prose + codes + _line(200, 3, (400, word)))
        assert "linkage_key" not in chosen, word


def _slanted(y: int, line: int, slope: float, *items: tuple[int, str]) -> list[Word]:
    """A line of words rising (slope < 0) or falling across the page, as in a photo not flattened."""
    out = []
    for x, t in items:
        x1 = x + 14 * len(t)
        top = y + slope * ((x + x1) / 2 - 100)
        out.append(Word(text=t, conf=90, box=Box(x, round(top), x1, round(top) + 24), line=line))
    return out


def test_a_slanted_table_row_keeps_its_value_beside_its_label():
    # A photographed table the page finder could not flatten: every line rises 1 px in 10 to the
    # right, so each value sits 30-40 px above its label, further than half a line, and the
    # paragraph under the table reaches the label's height at the right.
    s = -0.1
    words = (
        _slanted(100, 0, s, (100, "Organisation"), (280, "code:"), (420, "GUE242"))
        + _slanted(150, 1, s, (100, "Account"), (220, "ID:"), (420, "87075265"))
        + _slanted(200, 2, s, (100, "Passphrase:"), (420, "mtUNZ"), (510, "MswAW"), (600, "7Q"))
        + _slanted(260, 3, s, (100, "These"), (190, "details"), (300, "expire"), (400, "two"), (460, "weeks"),
                   (560, "after"), (640, "this"), (710, "letter"), (810, "was"), (870, "printed."))
    )
    chosen, _ = best_candidates(words)
    assert chosen["linkage_key"].text == "mtUNZ MswAW 7Q"
    assert chosen["ods_code"].text == "GUE242"
    assert chosen["account_id"].text == "87075265"


def test_level_text_has_no_slope_and_too_few_lines_say_nothing():
    from scanner.extract import text_slope

    level = _line(100, 0, (100, "Account"), (220, "ID:"), (420, "87075265")) + \
        _line(150, 1, (100, "ODS"), (160, "Code:"), (420, "A81001"))
    assert abs(text_slope(level)) < 0.01
    assert text_slope(_slanted(100, 0, -0.1, (100, "Passphrase:"), (420, "mtUNZ"), (510, "MswAW"))) == 0.0
    rising = _slanted(100, 0, -0.1, (100, "Account"), (220, "ID:"), (420, "87075265")) + \
        _slanted(150, 1, -0.1, (100, "ODS"), (160, "Code:"), (420, "A81001"))
    assert -0.12 < text_slope(rising) < -0.08


def test_a_stacked_value_under_a_label_whose_first_word_ocr_missed_keeps_its_first_group():
    # 'Account Linkage Key' with 'Account' not read at all (too faint): the label found starts at
    # 'Linkage', and the key's first group stands under 'Account', left of it by more than three
    # text heights (seed 1002's photo_006 lost '0oVZ' this way).
    words = (
        [_word("Linkage", 200, 100, 290, 124), _word("Key", 300, 100, 340, 124)]
        + _line(140, 1, (100, "0oVZ"), (170, "K0lX"), (240, "9XZcn"))
        + _line(140, 1, (700, "Y02906"))  # the next cell's value, a cell's width away
    )
    chosen, _ = best_candidates(words)
    assert chosen["linkage_key"].text == "0oVZ K0lX 9XZcn"


def test_a_value_word_boxed_with_the_rule_under_it_stays_in_the_value_and_out_of_its_height():
    # OCR boxed the key's last group together with the cell's bottom rule (48 px tall on a line of
    # 24, its centre 12 px low); the next cell's value, boxed the same way, is a cell's gap away.
    words = (
        _line(100, 0, (100, "Linkage"), (210, "Key"))
        + [_word("V0US", 100, 140, 156, 164, line=1), _word("Sz!c", 176, 140, 232, 164, line=1),
           _word("eIazI", 252, 141, 322, 189, line=1), _word("S91266", 372, 141, 456, 188, line=1)]
    )
    chosen, _ = best_candidates(words)
    key = chosen["linkage_key"]
    assert key.text == "V0US Sz!c eIazI"
    assert key.box.y1 == 164  # the crop ends with the line, not with the rule


def test_a_value_under_a_label_in_small_capitals_may_be_boxed_four_times_its_height():
    # Seed 73 photo_015: `ACCOUNT LINKAGE KEY` in small capitals boxed 14 px tall, the key's groups
    # under it boxed 57 px with the cell's shading; all but `hvhz` were taken for rules, and the
    # key went out as `0gsscoo`.  Capitals have no ascender or descender: the label's box is short.
    def layout(label: tuple[str, str, str]) -> list[Word]:
        return [_word(label[0], 867, 763, 945, 777), _word(label[1], 955, 763, 1027, 777),
                _word(label[2], 1038, 763, 1067, 777),
                _word("16QI", 866, 790, 932, 847, line=1), _word("W1kk", 952, 790, 1033, 847, line=1),
                _word("hvhz", 1052, 808, 1130, 836, line=1), _word("S", 1142, 790, 1166, 847, line=1)]

    chosen, _ = best_candidates(layout(("ACCOUNT", "LINKAGE", "KEY")))
    assert chosen["linkage_key"].text == "16QI W1kk hvhz S"
    # The same boxes under a label in mixed case (as tall a box as its letters reach) stay too tall.
    chosen, _ = best_candidates(layout(("Account", "Linkage", "Key")))
    assert "linkage_key" not in chosen or chosen["linkage_key"].text == "hvhz"


def test_an_ods_label_blur_turned_to_zeros_is_still_the_ods_label():
    # 'ODS code' read '00S code' and '005 code' (the O a zero, the round D a zero too).
    for seen in ("00S", "005"):
        words = _line(100, 0, (100, seen), (160, "code"), (400, "D71863")) + \
            _line(150, 1, (100, "Account"), (220, "ID:"), (400, "495356"))
        labels = [lab for lab in find_labels(words) if lab.field == "ods_code"]
        assert labels and labels[0].text.lower().endswith("code")
        chosen, _ = best_candidates(words)
        assert chosen["ods_code"].found_by == "label" and chosen["ods_code"].text == "D71863"


def test_of_several_format_matches_the_one_among_the_labelled_codes_stands_for_a_garbled_label():
    # 'Account ID number' read 'ALCOUN ND number,' (no label): its value matches the account format,
    # and so does a number in the prose far below; only the one among the codes is taken.
    words = (
        _line(100, 0, (100, "Linkage"), (210, "key:"), (400, "D58QbrK5M/Er"))
        + _line(140, 1, (100, "Practice"), (220, "ODS"), (280, "Code:"), (400, "S48608"))
        + _line(180, 2, (100, "ALCOUN"), (200, "ND"), (250, "number,"), (400, "151267458"))
        + _line(400, 3, (100, "Please"), (200, "quote"), (300, "160010"), (400, "when"), (470, "calling"))
    )
    chosen, _ = best_candidates(words)
    assert chosen["account_id"].text == "151267458" and chosen["account_id"].found_by == "pattern"
    # Two matches among the codes: no telling which, so neither.
    words += _line(220, 4, (100, "Ref"), (400, "2284519"))
    chosen, _ = best_candidates(words)
    assert "account_id" not in chosen


def test_an_account_id_beginning_with_zero_is_found_by_its_format_only_among_the_codes():
    # Independent seed 86's photo: `Account ID` read `Account (©`, its value `0254815765`; account IDs
    # may begin with `0` (NHS England's guide shows `0123456`), so may a phone number: such a number
    # is taken only among the codes found by their labels, not from the practice's details far off.
    codes = (
        _line(100, 0, (100, "Account"), (230, "(©"), (300, "0254815765"))
        + _line(140, 1, (100, "Organisation"), (300, "code"), (400, "D44652"))
        + _line(180, 2, (100, "Account"), (210, "Linkage"), (330, "Key"), (400, "D4Ub4DddlMXb8"))
    )
    chosen, _ = best_candidates(codes)
    assert chosen["account_id"].text == "0254815765" and chosen["account_id"].found_by == "pattern"
    far = codes[:2] + codes[3:] + _line(600, 3, (100, "Call"), (170, "us"), (220, "on"), (300, "01632960123"))
    chosen, _ = best_candidates(far)
    assert "account_id" not in chosen
    # A key beginning with `0` found by its format is no phone number: not held to the codes.
    keyless = codes[:6] + _line(600, 3, (100, "Ref"), (300, "0dW1f1p4A/2!35"))
    chosen, _ = best_candidates(keyless)
    assert chosen["linkage_key"].text == "0dW1f1p4A/2!35"


def test_practice_id_read_ip_is_still_the_ods_label():
    # The samples' photo_001 re-encoded at 24 MP: Tesseract read 'Practice ID:' as 'Practice Ip:',
    # and the scanner went on to read the rest of the page for the ODS code (0.4 s more).
    words = _line(100, 0, (100, "Practice"), (220, "Ip:"), (400, "D68641"))
    chosen, _ = best_candidates(words)
    assert chosen["ods_code"].found_by == "label" and chosen["ods_code"].text == "D68641"


def test_id_read_as_ten_is_still_a_label():
    # Seed 1001's photo_016, blurred: Tesseract read every 'ID:' of the panel as '10:' in each
    # page segmentation mode, and the scanner found no code at all.
    words = (_line(100, 0, (100, "Account"), (220, "10:"), (400, "5760384628"))
             + _line(150, 1, (100, "Surgery"), (220, "10:"), (400, "R13915")))
    chosen, _ = best_candidates(words)
    assert chosen["account_id"].found_by == "label" and chosen["account_id"].text == "5760384628"
    assert chosen["ods_code"].found_by == "label" and chosen["ods_code"].text == "R13915"


def test_a_label_with_a_comma_and_a_column_gap_is_a_table_row():
    # The same photo: 'Passphrase:' read 'Passphrase,', its key a column's gap away.  In a
    # sentence ("enter your Passphrase, Surgery ID ...") the next word follows at a word space.
    row = _line(100, 0, (100, "Passphrase,"), (400, "lIlPO-*swpWrK"))
    sentence = _line(300, 1, (100, "Passphrase,"), (262, "Surgery"))
    labels = find_labels(row + sentence)
    assert [lab.in_prose for lab in labels if lab.field == "linkage_key"] == [False, True]
    chosen, _ = best_candidates(row + sentence)
    assert chosen["linkage_key"].text == "lIlPO-*swpWrK"


def test_a_label_word_boxed_over_its_value_still_gives_the_value():
    # The same photo: Tesseract boxed 'Passphrase' from its first letter to the key's end.
    words = [_word("Passphrase", 216, 1256, 614, 1286, line=0), _word("lIlPO-*swpWrK", 387, 1252, 619, 1291, line=0)]
    chosen, _ = best_candidates(words)
    assert chosen["linkage_key"].found_by == "label" and chosen["linkage_key"].text == "lIlPO-*swpWrK"


def test_a_tall_word_run_into_the_value_start_moves_only_the_crop_left_edge():
    # Seed 5150's scan_012: three rounded boxes side by side; Tesseract read the key box's first
    # seven characters with the box's corner as one 111 px tall word, then the rest of the key.
    def layout(tall_x1: int, key_x0: int = 1070) -> list[Word]:
        return [_word("National", 175, 1018, 277, 1033, line=0), _word("Practice", 287, 1018, 380, 1033, line=0),
                _word("Code", 413, 1020, 464, 1035, line=0), _word("Passphrase", 879, 1025, 1008, 1043, line=0),
                _word("W11001", 174, 1051, 314, 1080, line=1), _word("ms350%", 857, 1002, tall_x1, 1113, line=1),
                _word("L8hpf1Ts", key_x0, 1057, 1250, 1095, line=1)]

    key = best_candidates(layout(1062))[0]["linkage_key"]
    assert key.text == "L8hpf1Ts"
    assert (key.box.x0, key.box.y0, key.box.x1, key.box.y1) == (857, 1057, 1250, 1095)
    # A word space (half the value's height or more) between them: the tall word is not the value's.
    far = best_candidates(layout(1040))[0]["linkage_key"]
    assert far.box.x0 == 1070
    # The ODS code beside the label is untouched.
    assert best_candidates(layout(1062))[0]["ods_code"].box.x0 == 174
    # A cell's rule read as a tall "word" against the value (seed 4242's photo_026) is no part of it.
    ruled = layout(1062)
    ruled[5] = _word("", 1045, 1002, 1064, 1400, line=1)
    assert best_candidates(ruled)[0]["linkage_key"].box.x0 == 1070


def _levenshtein(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


@settings(max_examples=300, deadline=None)
@given(st.text("linkagey1:", max_size=9), st.text("linkagey1:", max_size=9), st.integers(0, 3))
def test_edit_distance_is_exact_up_to_its_cap(a: str, b: str, cap: int) -> None:
    """The label matcher compares distances with ``<= cap`` only: exact up to the cap, above it past it."""
    d, truth = _edit_distance(a, b, cap), _levenshtein(a, b)
    assert d == truth if truth <= cap else d > cap


def test_a_sentence_naming_the_passphrase_gives_no_key_even_misread():
    # Seen on an independent generator's TPP-style letters: "... the passphrase is for other apps."
    # with "other" read "ofher" (no word of the sentences the rules know) was taken for a key printed
    # in two groups, and its crop read 'oroHwropp'; the full stop had also kept the joined words from
    # reading as a word.
    for tail in ("ofher apps.", "other apps.", "apps."):
        items = [(100, "the"), (150, "passphrase"), (300, "is")]
        x = 340
        for t in tail.split():
            items.append((x, t))
            x += 14 * len(t) + 12
        chosen, _ = best_candidates(_line(100, 0, *items))
        assert chosen.get("linkage_key") is None, tail
    assert not looks_random("apps.") and not looks_random("ofherapps.")
    assert looks_random("tTALtBP3rLR16.")  # the key itself, a sentence's full stop after it


def test_a_key_group_of_symbols_alone_ends_the_key_and_begins_it_unless_it_may_be_a_separator():
    # 'KpcB cIzw QUB2 ?': a 13-character key printed in groups of four; OCR read the `?` as a word
    # of its own (confidence 92), which the value search dropped with every word that has no letter
    # or figure, and the crop stopped before it: the key went out without its `?`, unflagged.
    words = _line(100, 0, (100, "Linkage"), (210, "Key:"), (400, "KpcB"), (476, "cIzw"), (552, "QUB2"), (628, "?"))
    chosen, _ = best_candidates(words)
    assert chosen["linkage_key"].text == "KpcB cIzw QUB2 ?"
    assert chosen["linkage_key"].box.x1 == 628 + 14
    words = _line(100, 0, (100, "Linkage"), (210, "Key"), (280, "="), (320, "tTALtBP3rLR16"))
    assert best_candidates(words)[0]["linkage_key"].text == "tTALtBP3rLR16"
    far = _line(100, 0, (100, "Linkage"), (210, "Key:"), (400, "tTALtBP3rLR16"), (900, "*"))
    assert best_candidates(far)[0]["linkage_key"].text == "tTALtBP3rLR16"  # a column away: not the key's
    # An independent letter's close-up (seed 73's closeup_005), boxes as Tesseract gave them: the
    # key's first character, `+`, a word of its own.  Left out, the rest was a valid key, unflagged.
    plus = [_word("Linkage", 217, 538, 340, 567), _word("key:", 353, 538, 414, 567), _word("+", 445, 540, 453, 561),
            _word("Dpptj", 482, 536, 578, 568), _word("TofO2", 599, 536, 709, 562), _word("Ph*", 717, 536, 791, 561)]
    assert best_candidates(plus)[0]["linkage_key"].text == "+ Dpptj TofO2 Ph*"
    assert best_candidates(plus[:2] + [_word("=", 445, 540, 453, 561)] + plus[3:])[0]["linkage_key"].text == \
        "Dpptj TofO2 Ph*"  # an `=` may stand between a label and its value


def test_a_key_whose_first_letter_ocr_split_off_is_still_one_key():
    # 'Passphrase: S1m2ZwodMQiUFuB' read 'S' + '1m2ZwodMQiUFuB' a letter space apart: the label's
    # value was no key, a format-only match without the `S` was taken instead (flagged, no character
    # named). One letter no sentence has as a word joins the key; `a`, `A` and `I` may be words.
    words = _line(100, 0, (100, "Passphrase:"), (280, "S"), (308, "1m2ZwodMQiUFuB"))
    assert best_candidates(words)[0]["linkage_key"].text == "S 1m2ZwodMQiUFuB"
    from scanner.validate import grouped_like_a_key

    assert grouped_like_a_key(["S", "1m2ZwodMQiUFuB"]) and grouped_like_a_key(["x", "1m2ZwodMQiUFuB"])
    assert not grouped_like_a_key(["a", "1m2ZwodMQiUFuB"]) and not grouped_like_a_key(["I", "1m2ZwodMQiUFuB"])


def test_a_value_in_a_table_column_far_right_of_a_short_label_is_still_its_value():
    # Independent letters (seed 12's scan_011, seed 13's photo_002), boxes as Tesseract gave them:
    # short labels in a wide first column, the values' column at the page's middle, 32 and 40
    # label heights right of the label's end.
    words = [_word("ODS", 129, 832, 182, 853, line=0), _word("Code", 191, 830, 251, 853, line=0),
             _word("$39950", 914, 830, 1006, 848, line=0),
             _word("Practice", 184, 1048, 301, 1069, line=1), _word("ID", 312, 1049, 343, 1069, line=1),
             _word("HS4553", 1150, 1049, 1283, 1074, line=1)]
    chosen, _ = best_candidates(words[:3])
    assert chosen["ods_code"].text == "$39950"
    chosen, _ = best_candidates(words[3:])
    assert chosen["ods_code"].text == "HS4553"
    # A farther word is another column's, not the value.
    chosen, _ = best_candidates([*words[:2], _word("S39950", 1320, 830, 1412, 848, line=0)])
    assert "ods_code" not in chosen


def test_a_value_under_its_label_beats_one_far_along_the_labels_line():
    # A label whose value is printed under it, and on its line, far right, something in the
    # value's format (another column's text): the value under the label is the code.
    words = [_word("ODS", 100, 100, 150, 120, line=0), _word("Code", 160, 100, 220, 120, line=0),
             _word("Y12345", 900, 100, 990, 120, line=0), _word("A81001", 100, 130, 190, 150, line=1)]
    chosen, _ = best_candidates(words)
    assert chosen["ods_code"].text == "A81001"


def test_an_id_read_1p_is_still_an_account_label():
    # Seed 12's photo_004: "Account ID:" read `Account 1p:` on a photo.
    words = [_word("Account", 129, 540, 218, 557), _word("1p:", 229, 540, 261, 558),
             _word("096051", 271, 531, 393, 559)]
    chosen, _ = best_candidates(words)
    assert chosen["account_id"].text == "096051"


def test_a_key_in_groups_after_a_label_ocr_garbled_past_knowing_is_given_for_review():
    # Seed 11's photo_007 (an independent letter): "Passphrase:" read `Pasptrose:`, its key
    # `lXZo-vW-K6SC01zn` printed in groups of four, one group `-vW-`.  The ODS code and account ID
    # found by their labels, the groups after the colon are the key - found by its format only,
    # so it goes out for review.
    words = (_line(100, 0, (100, "Practice"), (230, "ODS"), (290, "Code:"), (400, "F72217"))
             + _line(150, 1, (100, "Pasptrose:"), (400, "IXZo"), (470, "-vW-"), (540, "K6SC"), (610, "Olzn"))
             + _line(200, 2, (100, "Account"), (220, "10"), (260, "number:"), (400, "221784038")))
    chosen, _ = best_candidates(words)
    key = chosen["linkage_key"]
    assert (key.text, key.found_by) == ("IXZo -vW- K6SC Olzn", "pattern")
    # Not after a known label of something else, nor words of a sentence after a colon.
    other = [w for w in words if w.line != 1] + _line(150, 1, (100, "Password:"), (400, "IXZo"), (470, "-vW-"),
                                                     (540, "K6SC"), (610, "Olzn"))
    assert "linkage_key" not in best_candidates(other)[0]
    prose = [w for w in words if w.line != 1] + _line(150, 1, (100, "Note:"), (400, "the"), (450, "codes"),
                                                     (540, "expire"), (640, "soon"))
    assert "linkage_key" not in best_candidates(prose)[0]


def test_a_key_in_groups_in_the_column_after_a_garbled_label_is_given_for_review():
    # Seed 16's photo_024 (an independent letter, a table): "Linkage Key" read `techage hey`, no
    # colon; the key's groups stand in the next column, far beyond a word space.  Found by its
    # format only, for review.
    words = (_line(100, 0, (100, "Practice"), (230, "ODS"), (290, "Code:"), (400, "C84497"))
             + _line(150, 1, (100, "techage"), (215, "hey"), (400, "jksa"), (470, "4rGL"), (540, "VJMB"), (610, "Ai"))
             + _line(200, 2, (100, "Account"), (220, "ID"), (400, "437143")))
    key = best_candidates(words)[0]["linkage_key"]
    assert (key.text, key.found_by) == ("jksa 4rGL VJMB Ai", "pattern")
    # Words a word space apart are a sentence's, not a label and its value.
    close = [w for w in words if w.line != 1] + _line(150, 1, (100, "techage"), (215, "hey"), (262, "jksa"),
                                                     (332, "4rGL"), (402, "VJMB"), (472, "Ai"))
    assert "linkage_key" not in best_candidates(close)[0]
    # Nor groups of uneven length: seed 11's blurred photo_007 gave `OP- Max 2025` so.
    uneven = [w for w in words if w.line != 1] + _line(150, 1, (100, "Sexe"), (400, "OP-"), (470, "Max"), (540, "2025"))
    assert "linkage_key" not in best_candidates(uneven)[0]


def test_a_label_run_into_its_value_across_the_colon_gives_the_whole_value():
    # Seed 15's clean_001 (an independent letter), boxes as Tesseract gave them: "Surgery ID: C18754"
    # read `Surgery` `ID:C` `18754`, the space after the colon narrow; the `C` went with the label.
    words = [_word("Surgery", 117, 454, 205, 480), _word("ID:C", 213, 452, 273, 473), _word("18754", 280, 452, 378, 473),
             _word("Account", 117, 500, 205, 521, line=1), _word("ID:23968109", 213, 500, 378, 521, line=1)]
    chosen, _ = best_candidates(words)
    assert "".join(chosen["ods_code"].text.split()) == "C18754"
    assert chosen["ods_code"].label_box.x1 < 273 - 10  # the value's crop starts before the `C`
    assert chosen["account_id"].text == "23968109"
    # "ID" read `10` (seed 16's photo_020): still a label run into its value.
    words = [_word("Surgery", 117, 454, 205, 480), _word("10:Q21779", 213, 452, 373, 473)]
    assert best_candidates(words)[0]["ods_code"].text == "Q21779"
    # Seed 53's clean DejaVu Sans render: "Account ID: 6864751523" read `Account` `1D:6` `864751523`, the
    # value split after its first figure, which went with the label; 9 figures are an account ID too.
    words = [_word("Account", 116, 708, 242, 727), _word("1D:6", 213, 692, 276, 739), _word("864751523", 283, 696, 554, 727)]
    chosen, _ = best_candidates(words)
    assert chosen["account_id"].text.replace(" ", "") == "6864751523" and chosen["account_id"].label_box.x1 < 276 - 10
    # Seed 65's FreeMono close-up of an email: "Account Linkage Key: nXEsD0huOSnmr" read `Key;:n`, a
    # speck before the colon; the `n` went with the label, and the rest was a valid key, unflagged.
    words = [_word("Account", 221, 356, 344, 382), _word("Linkage", 353, 356, 465, 390), _word("Key;:n", 475, 358, 566, 390),
             _word("XESDOhuOSnmr", 575, 355, 931, 385)]
    chosen, _ = best_candidates(words)
    assert chosen["linkage_key"].text == "n XESDOhuOSnmr" and chosen["linkage_key"].label_box.x1 < 566 - 10
    # Seed 157's DejaVu Serif close-up of an email: "Account ID: 416362179" read `Account` `|ID:416362179`, a
    # mark before the label's word; the account ID went unfound.
    words = [_word("Account", 208, 436, 348, 464), _word("|ID:416362179", 361, 425, 748, 464)]
    chosen, _ = best_candidates(words)
    assert chosen["account_id"].text == "416362179" and chosen["account_id"].found_by == "label"
    # A figure after a time's colon, a space from the next word, stays with the time.
    assert [w.text for w in unglued([_word("10:30", 0, 0, 50, 20), _word("01234", 60, 0, 110, 20)])] == ["10:30", "01234"]
    # A time or a web address is no label run into a value.
    assert [w.text for w in unglued([_word("10:30", 0, 0, 50, 20), _word("https://nhs.uk", 60, 0, 200, 20),
                                     _word("10:30am", 0, 0, 70, 20), _word("10:30:45", 0, 0, 80, 20),
                                     _word("(https://nhs.uk)", 0, 0, 200, 20)])] == \
        ["10:30", "https://nhs.uk", "10:30am", "10:30:45", "(https://nhs.uk)"]


def test_a_key_in_groups_is_followed_along_its_own_line_where_the_pages_slant_is_off_there():
    # Seed 15's photo_027, boxes as Tesseract gave them: the key's groups stand level, where the
    # slant measured over the page (falling 1.4 %) took the line from the label's end 13 px below the third
    # group, and the key was cut to its first two groups.
    words = [_word("Account", 164, 1061, 283, 1082), _word("Linkage", 293, 1059, 405, 1088), _word("Key", 415, 1060, 466, 1088),
             _word("yniG", 803, 1060, 878, 1085), _word("AiEd", 895, 1058, 971, 1079), _word("4MWK", 991, 1059, 1066, 1079),
             _word("k", 1083, 1058, 1102, 1078)]
    # Two long lines below, each falling 1.4 % across the page, give the page's slant.
    for n, y in enumerate((1200, 1300)):
        words += [_word(t, 164 + 150 * k, y + int(0.0144 * 150 * k), 284 + 150 * k, y + 21 + int(0.0144 * 150 * k), line=n + 1)
                  for k, t in enumerate(["These", "details", "expire", "two", "weeks", "after", "printing"])]
    chosen, _ = best_candidates(words)
    assert chosen["linkage_key"].text == "yniG AiEd 4MWK k"


def test_of_two_labels_claiming_one_value_the_one_on_its_row_keeps_it():
    # An independent letter's table (labels in one column, values in the next, Carlito): one OCR
    # pass read the labels' column before the values' and paired "Linkage Key" with the ODS code
    # on the row above; another paired each label with its own row. The labels' distances were
    # measured in their own heights, and "Linkage Key", its descenders taller than "Practice ODS
    # Code", seemed the nearer: the key came out as the ODS code, and the ODS code not at all.
    from scanner.extract import Candidate
    from scanner.pipeline import _merge

    ods_value = Box(926, 818, 1019, 836)
    key_label, ods_label = Box(133, 889, 271, 916), Box(133, 817, 352, 838)
    key_on_ods = Candidate("linkage_key", "M53946", ods_value, (), "label", "right", 2.7, label_box=key_label)
    ods = Candidate("ods_code", "M53946", ods_value, (), "label", "right", 2.8, label_box=ods_label)
    key = Candidate("linkage_key", "JofZBIGmUGLsa", Box(926, 889, 1069, 910), (), "label", "right", 2.7,
                    label_box=key_label)
    assert ods.label_gap() < key_on_ods.label_gap()
    merged = _merge({"linkage_key": key_on_ods}, {"linkage_key": key, "ods_code": ods})
    assert merged["ods_code"].text == "M53946"
    assert merged["linkage_key"].text == "JofZBIGmUGLsa"


def test_a_key_ocr_split_into_words_is_read_whole_not_from_its_longest_piece():
    # An independent letter's FreeMono `Third-party passphrase: Xkjq5Kl3oUmAD5B1`: OCR split the key
    # at its narrow glyphs' wide cells (`Xk j q5SK130UmAD5B1`, one letter too many). Its longest
    # piece alone passed as a key by its format, and the key came out without `Xkj`.
    words = [_word("Third-party", 162, 1029, 309, 1057), _word("passphrase:", 319, 1030, 480, 1057),
             _word("Xk", 508, 1026, 537, 1052), _word("j", 550, 1026, 556, 1060),
             _word("q5SK130UmAD5B1", 563, 1026, 872, 1060),
             _word("Account", 163, 1096, 270, 1138, line=1), _word("Id:", 281, 1104, 321, 1126, line=1),
             _word("708714188", 340, 1100, 520, 1126, line=1)]
    key = best_candidates(words)[0]["linkage_key"]
    assert key.found_by == "label" and [w.text for w in key.words] == ["Xk", "j", "q5SK130UmAD5B1"]
    assert key.box.x0 == 508
    # A rule read `|` before the key is no part of it: there the key's own word stands alone.
    ruled = [w if w.text != "Xk" else _word("|", 508, 1020, 512, 1062) for w in words if w.text != "j"]
    assert best_candidates(ruled)[0]["linkage_key"].text == "q5SK130UmAD5B1"
    # Nor is a rule read `1` a cell's padding (a line height) before it (an independent scan's
    # `1 fy8fJiufqFTZiC 1`, the key's last `1` split off too).
    ruled = [_word("Passphrase", 300, 770, 480, 800), _word("1", 764, 784, 766, 804),
             _word("fy8fJiufqFTZiC", 801, 768, 1052, 804), _word("1", 1059, 769, 1070, 794)] + words[5:]
    assert best_candidates(ruled)[0]["linkage_key"].text == "fy8fJiufqFTZiC"


def test_a_key_label_split_by_ocr_is_no_value_and_the_key_after_it_is():
    # A scan's table: "Linkage Key" read `Linkage` on one line and `ge Ki Key` on another, the key
    # in the next column. `geKiKey` passed for the key beside the label `Linkage`.
    words = [_word("Linkage", 140, 784, 199, 804, line=2), _word("Ki", 216, 785, 251, 804, line=2),
             _word("ZlonwCI1lkg0V1", 640, 785, 882, 811, line=2), _word("ge", 201, 789, 214, 810, line=3),
             _word("Key", 252, 790, 277, 810, line=3),
             _word("Account", 139, 703, 222, 738, line=1), _word("Id", 237, 708, 261, 728, line=1),
             _word("0139138383", 640, 710, 825, 731, line=1)]
    chosen = best_candidates(words)[0]
    assert chosen["linkage_key"].text == "ZlonwCI1lkg0V1" and chosen["linkage_key"].found_by == "label"


def test_a_key_in_even_groups_under_a_label_ocr_garbled_is_given_for_review():
    # Seed 40's sideways photo_004 (an independent letter): "Passphrase" read `Pasipre ave`, its key
    # `0CXI cokf PVAp whP` on the line below, its one figure read `O`. The ODS code and account ID
    # found under their labels, the line of even groups is the key, found by its format only, so it
    # goes out for review.
    words = (_line(100, 0, (100, "Practice"), (230, "code")) + _line(140, 1, (100, "A07473"))
             + _line(200, 2, (100, "Account"), (220, "id")) + _line(240, 3, (100, "039429935"))
             + _line(300, 4, (100, "Pasipre"), (205, "ave"))
             + _line(340, 5, (100, "OCXI"), (170, "cokf"), (240, "PVAp"), (310, "whP")))
    key = best_candidates(words)[0]["linkage_key"]
    assert (key.text, key.found_by) == ("OCXI cokf PVAp whP", "pattern")
    codes = [w for w in words if w.line < 4]
    # Not a line of words: title case, or a word of the letters' sentences, or groups of uneven length.
    for line in [((100, "Your"), (170, "Name"), (240, "Here"), (310, "Now")),
                 ((100, "Keep"), (170, "this"), (240, "safe"), (310, "aNd")),
                 ((100, "OCXI"), (170, "cokf"), (240, "PVAph"), (330, "whP"))]:
        assert "linkage_key" not in best_candidates(codes + _line(340, 5, *line))[0], line
    # Nor groups a column's gap from other words on their line (a sentence's words run on).
    run_on = codes + _line(340, 5, (100, "OCXI"), (170, "cokf"), (240, "PVAp"), (310, "whP"), (365, "today"))
    assert "linkage_key" not in best_candidates(run_on)[0]


def test_three_codes_in_one_column_are_taken_by_their_formats_when_no_label_is_read():
    # Seed 41's blurred photo (an independent letter): small serif labels read `Onganestiee conte`,
    # `Acoma bd`, `Diner part) pansgite ave`, the values beside them, larger, read right. No label,
    # so no format-only search ran and nothing was found. Three codes of the three formats stacked in
    # one column are a code panel: taken by format, so each goes out for review.
    labels = (_line(100, 0, (100, "Onganestiee"), (260, "conte")) + _line(150, 1, (100, "Acoma"), (190, "bd"))
              + _line(200, 2, (100, "Diner"), (180, "part)"), (260, "pansgite"), (380, "ave")))
    values = _line(100, 0, (500, "C77500")) + _line(150, 1, (500, "478343489")) + _line(200, 2, (500, "xnCkcZkHS3uBr3p"))
    chosen, _ = best_candidates(labels + values)
    assert {f: (c.text, c.found_by) for f, c in chosen.items()} == {
        "ods_code": ("C77500", "pattern"), "account_id": ("478343489", "pattern"),
        "linkage_key": ("xnCkcZkHS3uBr3p", "pattern")}
    # Not two of the three, nor three scattered over the page.
    assert best_candidates(labels + values[:2])[0] == {}
    scattered = values[:2] + _line(600, 9, (900, "xnCkcZkHS3uBr3p"))
    assert best_candidates(labels + scattered)[0] == {}
    # Two keys to choose from: the column stands, but no label says which is the key (seed 45's photo:
    # a SystmOnline username of figures under the account ID), so that field is left out.
    two_keys = values + _line(250, 3, (500, "Tq3eAbrnUw9Lcv"))
    assert set(best_candidates(labels + two_keys)[0]) == {"ods_code", "account_id"}
    username = values + _line(250, 3, (500, "49101402"))
    assert {f: c.text for f, c in best_candidates(labels + username)[0].items()} == {
        "ods_code": "C77500", "linkage_key": "xnCkcZkHS3uBr3p"}
    # Two fields with a choice each make no column.
    assert best_candidates(labels + two_keys + _line(300, 4, (500, "49101402")))[0] == {}
    # An ODS code with one figure read as its look-alike letter still makes the column (seed 72's
    # photo_025: `K61968` read `KO1968`, nothing found); two misread glyphs, or a word, do not.
    misread = _line(100, 0, (500, "CO7500")) + values[1:]
    assert {f: c.text for f, c in best_candidates(labels + misread)[0].items()} == {
        "ods_code": "CO7500", "account_id": "478343489", "linkage_key": "xnCkcZkHS3uBr3p"}
    for other in ("CO75OO", "Closed"):
        assert best_candidates(labels + _line(100, 0, (500, other)) + values[1:])[0] == {}
    # An account ID that begins with `0` makes the column too (seed 103's photo_004: `0446440700`
    # under 5 px labels blurred past reading, nothing found); a phone number's `0` off the column, not.
    zero = values[:1] + _line(150, 1, (500, "0446440700")) + values[2:]
    assert {f: c.text for f, c in best_candidates(labels + zero)[0].items()} == {
        "ods_code": "C77500", "account_id": "0446440700", "linkage_key": "xnCkcZkHS3uBr3p"}
    phone = values[:1] + _line(600, 9, (900, "01621824258")) + values[2:]
    assert best_candidates(labels + phone)[0] == {}


def test_codes_each_ending_a_line_after_a_garbled_label_are_taken_as_a_list():
    # Seed 74's photo of an email: "Account ID", "Organisation code" and "Passphrase" read
    # `Account kt`, `Organesatme cote`, `Ponphraxc`, each code after its label, so the codes stand
    # at three different distances from the margin: no column of values, and nothing was found.
    # The lines begin in one column, each a short label and its code: a list, taken by format.
    items = _line(100, 7, (130, "Account"), (235, "kt"), (270, "073830647")) \
        + _line(150, 8, (130, "Organesatme"), (290, "cote"), (350, "W69971")) \
        + _line(200, 9, (130, "Ponphraxc"), (270, "OPKl/esveQuiCzEZ"))
    chosen, _ = best_candidates(items)
    assert {f: (c.text, c.found_by) for f, c in chosen.items()} == {
        "account_id": ("073830647", "pattern"), "ods_code": ("W69971", "pattern"),
        "linkage_key": ("OPKl/esveQuiCzEZ", "pattern")}
    # Not where a code is followed by more words (prose runs on), nor after a sentence's words.
    runs_on = items[:-1] + _line(200, 9, (130, "Ponphraxc"), (270, "OPKl/esveQuiCzEZ"), (520, "today"))
    assert best_candidates(runs_on)[0] == {}
    prose = items[:-2] + _line(200, 9, (130, "Your"), (200, "new"), (260, "code"), (330, "is"),
                                (370, "OPKl/esveQuiCzEZ"))
    assert best_candidates(prose)[0] == {}
    # Nor where the lines begin at different places.
    indented = items[:3] + _line(150, 8, (400, "Organesatme"), (560, "cote"), (620, "W69971")) + items[6:]
    assert best_candidates(indented)[0] == {}


def test_a_list_of_codes_by_format_takes_a_key_of_letters_alone_on_its_next_row():
    # Seed 77's photo of an email: `Lotge key knWSooXAXplikp`, `008 ete L10035`, `Accom ¢ 3035472728`.
    # The ODS code and account ID were found by their formats, each ending its line after a short
    # label, but the key, letters alone changing case four times, is no key by format anywhere:
    # nothing was found. On the list's next row it is taken with the other two, for review.
    key = _line(100, 1, (130, "Lotge"), (215, "key"), (270, "knWSooXAXplikp"))
    items = _line(150, 2, (130, "008"), (190, "ete"), (270, "L10035")) \
        + _line(200, 3, (130, "Accom"), (230, "¢"), (270, "3035472728"))
    chosen, _ = best_candidates(key + items)
    assert {f: (c.text, c.found_by) for f, c in chosen.items()} == {
        "linkage_key": ("knWSooXAXplikp", "pattern"), "ods_code": ("L10035", "pattern"),
        "account_id": ("3035472728", "pattern")}
    # Not a word of one case, nor a capitalised word; not a row that begins elsewhere.
    for word in ("knwsooxaxplikp", "Knightsbridge"):
        assert best_candidates(_line(100, 1, (130, "Lotge"), (215, "key"), (270, word)) + items)[0] == {}
    indented = _line(100, 1, (430, "Lotge"), (515, "key"), (570, "knWSooXAXplikp"))
    assert best_candidates(indented + items)[0] == {}
    # A label's word is never the key's first (`key` + a ten-character key would pass for one).
    short = _line(100, 1, (130, "Lotge"), (215, "key"), (270, "knWSooXAXp"))
    assert best_candidates(short + items)[0]["linkage_key"].text == "knWSooXAXp"


def test_a_key_read_as_uneven_words_on_the_row_after_the_other_codes_is_found_by_its_place():
    # Seed 76's Caladea photo: "Passphrase" read `ros phrase`, the key `ZCXO0sVOsuRsOPk` read as
    # `ZCKOOs VOsu RsOPk` (neither a key's word nor a key's even groups) on the line under the
    # account ID's, found by its label, and the ODS code's. The lines begin in one column: the
    # row's last words, together a key, are taken for review.
    items = _line(100, 1, (150, "Account"), (276, "ID"), (319, "number"), (434, "O72750453")) \
        + _line(155, 2, (150, "National"), (283, "Practice"), (400, "Cate"), (488, "C58004"))
    key = _line(210, 3, (150, "ros"), (224, "phrase"), (325, "ZCKOOs"), (430, "VOsu"), (500, "RsOPk"))
    chosen, _ = best_candidates(items + key)
    assert chosen["account_id"].found_by == "label"
    assert (chosen["linkage_key"].text, chosen["linkage_key"].found_by) == ("ZCKOOs VOsu RsOPk", "pattern")
    # Not a row that begins elsewhere, nor a username beside its label, nor words of prose.
    indented = _line(210, 3, (600, "ros"), (674, "phrase"), (775, "ZCKOOs"), (880, "VOsu"), (950, "RsOPk"))
    assert "linkage_key" not in best_candidates(items + indented)[0]
    user = _line(210, 3, (150, "Username"), (325, "graham"), (430, "BegumXk8")) + key[:0]
    assert "linkage_key" not in best_candidates(items + user)[0]
    prose = _line(210, 3, (150, "Please"), (250, "keep"), (330, "this"), (400, "letter"), (480, "safe"))
    assert "linkage_key" not in best_candidates(items + prose)[0]


def test_a_value_whose_first_groups_left_a_slanted_labels_line_is_read_from_its_start():
    # An independent letter's photo (seed 42, photo_002): the page's lines rose 1.8-2 % across the
    # read, the key's line beside "Passphrase" stood level; measured along the page's slant its
    # first two groups were off the label's line and the key was taken from its third group on
    # (`80p] Ig5g`). The value's own line brings them back.
    def sloped(y: int, line: int) -> list[Word]:
        return [_word(t, x, y + round(0.02 * x), x + 60, y + 24 + round(0.02 * x), line=line)
                for x, t in ((100, "Keep"), (200, "this"), (300, "letter"), (400, "private"), (500, "please"))]
    words = sloped(400, 0) + sloped(600, 1) + [
        _word("Passphrase", 150, 1240, 287, 1266, line=2),
        _word("9xKO", 681, 1231, 767, 1258, line=3), _word("Wriw", 780, 1230, 869, 1258, line=3),
        _word("80p]", 882, 1230, 963, 1264, line=3), _word("Ig5g", 980, 1229, 1053, 1264, line=3)]
    chosen, _ = best_candidates(words)
    assert chosen["linkage_key"].text == "9xKO Wriw 80p] Ig5g"


def test_a_key_groups_last_group_as_far_apart_as_the_others_is_its_own():
    # Seed 47's clean Liberation Mono render: OCR boxed `u1pZ xxc+ oV0Z *uc` 28, 28 and 31 px apart
    # on 23 px glyphs beside a 18 px label; the last gap passed the height rule by a pixel, the key
    # went out three characters short and unflagged. Groups stand evenly apart.
    words = [_word("Pass", 158, 1210, 215, 1228, line=0), _word("phrase", 225, 1208, 311, 1235, line=0),
             _word("uipZ", 724, 1205, 810, 1235, line=1), _word("xxc+", 838, 1208, 925, 1228, line=1),
             _word("oVvoZ", 953, 1205, 1039, 1228, line=1), _word("*uc", 1070, 1204, 1130, 1228, line=2)]
    chosen, _ = best_candidates(words)
    assert chosen["linkage_key"].text == "uipZ xxc+ oVvoZ *uc"
    # A word much further on (the next cell) is not the key's.
    far = [*words[:-1], _word("*uc", 1110, 1204, 1170, 1228, line=2)]
    assert best_candidates(far)[0]["linkage_key"].text == "uipZ xxc+ oVvoZ"


def test_a_value_under_its_label_starts_under_it_not_in_the_other_column_beside_it():
    # Seed 55's photo, a sidebar box: "ODS Code" over `F43937`, boxes as Tesseract gave them; the
    # letter's main column beside the box has `1. Download the NHS App ... or go` on the value's
    # line, its last word within 3 label heights of the label. The value was taken from there: prose.
    words = [_word("ODS", 1035, 810, 1081, 855, line=1), _word("Code", 1094, 810, 1148, 855, line=1),
             _word("1.", 156, 874, 169, 895, line=2), _word("Download", 188, 870, 292, 910, line=2),
             _word("the", 305, 870, 346, 910, line=2), _word("or", 882, 870, 906, 910, line=2),
             _word("go", 915, 870, 943, 910, line=2), _word("F43937", 1040, 864, 1150, 891, line=3)]
    chosen, _ = best_candidates(words)
    assert chosen["ods_code"].text == "F43937" and chosen["ods_code"].where == "below"
    # A value's first group left of the label read (its first word missed) still joins it.
    words = [_word("Passphrase", 300, 100, 420, 124), _word("Ab3d", 200, 140, 262, 164, line=1),
             _word("Ef5h", 276, 140, 338, 164, line=1), _word("Jk7m", 352, 140, 414, 164, line=1)]
    assert "".join(best_candidates(words)[0]["linkage_key"].text.split()) == "Ab3dEf5hJk7m"


def test_a_speck_at_a_dark_cells_edge_is_not_part_of_its_value():
    # Seed 56 photo_015: light values in dark cells, each cell's left edge read as a short `1` or
    # `|` a word space before the value (`1 w32910`, `1 GriEBSpcPjRkcpG`): the ODS code was lost
    # and the crop cut from the speck on took in the light page beside the cell.
    words = (
        _line(100, 0, (100, "ODS"), (160, "code"), (330, "w32910"))
        + _line(150, 1, (100, "Account"), (220, "ID"), (330, "262740364"))
        + _line(200, 2, (100, "Passphrase"), (330, "GriEBSpcPjRkcpG"))
        + [_word("|", 300, 108, 304, 118, line=0), _word("1", 300, 208, 304, 218, line=2)]
    )
    chosen, _ = best_candidates(words)
    assert chosen["ods_code"].text == "w32910" and chosen["ods_code"].box.x0 == 330
    assert chosen["linkage_key"].text == "GriEBSpcPjRkcpG" and chosen["linkage_key"].box.x0 == 330
    # a `1` as tall as the value's glyphs is a glyph, and stays
    tall = [w for w in words if w.text != "1"] + [_word("1", 300, 200, 310, 224, line=2)]
    chosen, _ = best_candidates(tall)
    assert chosen["linkage_key"].box.x0 == 300
    # nor is a key's last group of one short symbol a speck
    grouped = _line(300, 5, (100, "Passphrase"), (330, "KpcB"), (400, "cIzw"), (470, "QUB2")) + \
        [_word("*", 540, 306, 550, 316, line=5)]
    chosen, _ = best_candidates(grouped)
    assert chosen["linkage_key"].text.replace(" ", "") == "KpcBcIzwQUB2*"


def test_a_value_whose_box_begins_just_inside_a_tall_label_box_is_still_beside_it():
    # Seed 58's photographed email: the page read whole boxed `key:` 40 px tall (the text is 22)
    # and to 2 px past where the key's word began; the value was looked for only past the label's
    # box less 2 px, and the key was not found (the sentence under the label was taken instead).
    words = [
        _word("Linkage", 117, 548, 197, 588, line=6), _word("key:", 207, 548, 254, 588, line=6),
        _word("ZLcIzXxQOkOCC", 252, 552, 518, 581, line=6),
        _word("Please", 117, 609, 190, 641, line=7), _word("note:", 196, 609, 250, 641, line=7),
        _word("the", 256, 609, 290, 641, line=7), _word("codes", 296, 609, 360, 641, line=7),
    ]
    chosen, _ = best_candidates(words)
    assert chosen["linkage_key"].text == "ZLcIzXxQOkOCC" and chosen["linkage_key"].where == "right"


def test_a_keys_symbol_read_as_a_word_of_its_own_joins_the_groups_either_side():
    # Seed 47's Charis SIL close-up: `IIpyTN=WWIU2Po8b` read `IIpyTN` `=` `WWIU2Po08b`, the two groups
    # two label heights apart but for the `=` between them: the key was cut after the `=`.
    words = [
        _word("Passphrase", 70, 531, 236, 560), _word("IIpyTN", 559, 518, 727, 562),
        _word("=", 742, 530, 771, 542), _word("WWIU2Po08b", 784, 513, 1097, 551),
    ]
    chosen, _ = best_candidates(words)
    assert "".join(chosen["linkage_key"].text.split()) == "IIpyTN=WWIU2Po08b"


def test_a_key_whose_label_is_past_reading_is_found_by_its_format_with_one_glyph_misread():
    # Seed 70's photo_006 (a sideways photo): "Passphrase:" read `ronptene`, the key `Yv*tGG5I0j8munNe`
    # read `Y¥*tGG5IOj8munNe` on the page (its `v` a symbol no key holds) and `Yv*tGG5SI0j8munNe` in
    # its band (one glyph read as two: 17 characters). The account ID and ODS code were found by
    # their labels; the key, failing its format, was not found at all.
    for read in ("Y¥*tGG5IOj8munNe", "Yv*tGG5SI0j8munNe"):
        words = (
            _line(100, 0, (100, "ronptene"), (300, read))
            + _line(150, 1, (100, "Account"), (220, "ID:"), (300, "882850480"))
            + _line(200, 2, (100, "ODS"), (160, "code:"), (300, "K73587"))
        )
        chosen, _ = best_candidates(words)
        assert chosen["linkage_key"].text == read and chosen["linkage_key"].found_by == "pattern"
    # Two glyphs misread, or a longest key read two longer, is too far from a key to be taken.
    for read in ("Y¥*tGG5IOj8mun€e", "Yv*tGG5SI0j8munNee"):
        words = _line(100, 0, (100, "ronptene"), (300, read)) + _line(150, 1, (100, "Account"), (220, "ID:"), (300, "882850480"))
        assert "linkage_key" not in best_candidates(words)[0]
    # And with no code label on the page, nothing is taken by its format alone.
    assert best_candidates(_line(100, 0, (100, "ronptene"), (300, "Y¥*tGG5IOj8munNe")))[0] == {}


def test_a_key_beside_a_label_misread_as_a_phone_label_is_still_found_by_its_format():
    # Seed 99's photo of an email: "Pass phrase:" read `Pow phose`, which matches "phone"; a phone
    # number is figures, so a mixed-case key beside that label is no value of its, and is found
    # (by its format, for review). Figures beside it stay the phone's, and a key beside a password
    # label stays the password's.
    words = (
        _line(100, 0, (100, "Pow"), (160, "phose"), (300, "EqzladizpXhd5fm"))
        + _line(150, 1, (100, "ODS"), (160, "code"), (300, "D50200"))
        + _line(200, 2, (100, "Account"), (220, "ID:"), (300, "029523655"))
    )
    chosen, _ = best_candidates(words)
    assert chosen["linkage_key"].text == "EqzladizpXhd5fm" and chosen["linkage_key"].found_by == "pattern"
    phone = _line(100, 0, (100, "Phone:"), (300, "0195029928")) + _line(150, 1, (100, "ODS"), (160, "code"), (300, "D50200"))
    assert "account_id" not in best_candidates(phone)[0]
    password = _line(100, 0, (100, "Password:"), (300, "MDUL2vbs4Xq")) + _line(150, 1, (100, "ODS"), (160, "code"), (300, "D50200"))
    assert "linkage_key" not in best_candidates(password)[0]


def test_a_cards_corner_beside_a_key_label_is_no_key_head_joined_to_the_username_under_another_label():
    # Independent seed 117's cards photo (boxes as Tesseract gave them): the passphrase card's
    # corner read `a` beside its label, level with the username card's label far to the left.  The
    # `a` was taken for a key's head wrapped onto the next line, the username under its own label
    # for the rest: the "key" `amargaretnowak73` beat the key under its label.
    words = [_word("USERNAME", 192, 449, 332, 466, line=0), _word("margaret", 189, 485, 314, 519, line=1),
             _word("nowak73", 322, 485, 436, 519, line=1), _word("PASS", 1495, 451, 1560, 468, line=2),
             _word("PHRASE", 1569, 452, 1669, 467, line=2), _word("a", 1840, 425, 1863, 474, line=2),
             _word("2nZolzkkpol?IV-B", 1499, 491, 1782, 523, line=3)]
    key = best_candidates(words)[0]["linkage_key"]
    assert key.text == "2nZolzkkpol?IV-B" and not key.tail


def test_a_key_heading_a_table_column_takes_its_value_below_not_the_next_heading_misread():
    # Independent seed 115's photo: a table's headings `PATIENT NAME  LINKAGE KEY  ODS CODE  ACCOUNT
    # ID` over one row of values; `ODS CODE` read `008 cone`, which passes for a key beside its
    # label, and the key below was read split at its hyphen (`mKww6VB -WU0C=`).
    words = (_line(100, 0, (100, "PATIENT"), (220, "NAME"), (400, "LINKAGE"), (510, "KEY"), (700, "008"),
                   (760, "cone"), (1000, "ACCOUNT"), (1110, "ID"))
             + _line(140, 1, (100, "Niamh"), (190, "MacLeod"), (400, "mKww6VB"), (510, "-WU0C="),
                     (700, "H14099"), (1000, "1331204012")))
    chosen, _ = best_candidates(words)
    assert "".join(chosen["linkage_key"].text.split()) == "mKww6VB-WU0C="
    assert chosen["account_id"].text == "1331204012"
    # A label ending in a colon is no heading: its value beside it stands.
    words = (_line(100, 0, (100, "Linkage"), (210, "Key:"), (300, "tTALtBP3rLR16"), (600, "Account"), (710, "ID:"),
                   (770, "1195029928"))
             + _line(140, 1, (100, "Please"), (200, "keep"), (280, "this"), (350, "X7kPq2ZmWt9a")))
    assert best_candidates(words)[0]["linkage_key"].text == "tTALtBP3rLR16"


def test_a_key_in_a_sidebar_level_with_a_numbered_step_does_not_take_the_step_as_its_wrapped_rest():
    # Independent seed 114's sidebar photo (boxes as Tesseract gave them): the key, in a box right
    # of the letter's text, ends its line; the step `4, Enter the details ...` below starts the
    # letter's column, which was taken for the key's line's start, and `4,` for the key's rest.
    words = [_word("Passphrase", 957, 960, 1120, 990, line=20), _word("from", 151, 1028, 193, 1050, line=22),
             _word("your", 199, 1034, 238, 1055, line=22), _word("GP", 245, 1029, 270, 1050, line=22),
             _word("surgery.", 277, 1034, 347, 1055, line=22), _word("4,", 127, 1066, 143, 1086, line=23),
             _word("Enter", 151, 1066, 197, 1087, line=23), _word("the", 203, 1065, 232, 1087, line=23),
             _word("details", 238, 1065, 299, 1087, line=23),
             _word("sZ*WWsupUsGOzlsf", 957, 1008, 1259, 1041, line=25)]
    key = best_candidates(words)[0]["linkage_key"]
    assert key.text == "sZ*WWsupUsGOzlsf" and not key.tail


def test_an_ods_label_read_with_figures_for_its_d_and_s_is_still_found():
    # Independent seed 116's blurred bold email photo: `O08 Code £88547`.
    labels = find_labels(_line(100, 0, (100, "O08"), (160, "Code"), (300, "E88547")))
    assert [lab.field for lab in labels] == ["ods_code"]


def test_an_ods_code_with_several_figures_misread_among_the_labelled_codes_is_found_by_its_format():
    # Seed 110's blurred Roboto photo: `OS ate EB9B6S` (`ODS code E89865`) over the key and the
    # account ID, both beside their labels.  A word of look-alike letters (`SOLIDS`) is none.
    def rows(ods_line: str) -> list[Word]:
        return (_line(100, 0, (100, "OS"), (150, "ate"), (300, ods_line))
                + _line(140, 1, (100, "Linkage"), (210, "Key"), (300, "PvTIUOC/OdQIH"))
                + _line(180, 2, (100, "Account"), (210, "ID"), (300, "6908103298")))

    ods = best_candidates(rows("EB9B6S"))[0]["ods_code"]
    assert ods.text == "EB9B6S" and ods.found_by == "pattern"
    assert "ods_code" not in best_candidates(rows("SOLIDS"))[0]


def test_the_value_beside_the_next_rows_label_is_never_the_value_under_a_label():
    # Seed 120's photo: a list of `Label: value` rows; the key beside its label read split where no
    # group of a key is so long (`IoDcAH1 InGq39QmJ5`), and the username on the next row, under the
    # key's label, was taken for the key.
    words = (_line(100, 0, (100, "Passphrase:"), (270, "IoDcAH1"), (390, "InGq39QmJ5"))
             + _line(140, 1, (100, "Username:"), (250, "FPATEL813"))
             + _line(180, 2, (100, "Password:"), (250, "ImGS9e6W")))
    key = best_candidates(words)[0]["linkage_key"]
    assert key.text == "IoDcAH1 InGq39QmJ5" and key.where == "right"  # its crop is read again, whole
    # A colon read apart is no word between a label and its value.
    words = (_line(100, 0, (100, "Passphrase:"), (270, "IoDcAH1"), (390, "InGq39QmJ5"))
             + _line(140, 1, (100, "Username"), (222, ":"), (250, "FPATEL813")))
    assert best_candidates(words)[0]["linkage_key"].text == "IoDcAH1 InGq39QmJ5"


def test_a_label_named_in_the_letters_sentence_level_with_a_key_under_its_label_leaves_the_key_its_own():
    # Independent seed 127's sidebar photo (boxes as Tesseract gave them): the letter's sentence
    # `... The username and password are for SystmOnline on our` stands level with the key in the
    # sidebar, under `Third-party passphrase`; `username` there, a label with other words between
    # it and the key, was taken for the label whose value the key is, and the key was lost.
    def w(text: str, x0: int, x1: int, y0: int, y1: int, line: int) -> Word:
        return _word(text, x0, y0, x1, y1, line=line)

    words = [w("Third-party", 974, 1068, 563, 596, 3), w("passphrase", 1075, 1172, 563, 596, 3),
             w("VXxvCXPK1RvGPOGv", 978, 1325, 607, 637, 2)]
    for x0, text in ((120, "ano)"), (174, "to"), (200, "our"), (241, "practice."), (337, "The"), (375, "username"),
                     (471, "and"), (515, "password"), (613, "are"), (652, "for"), (690, "SystmOnline"), (812, "on"),
                     (843, "our")):
        words.append(w(text, x0, x0 + 10 * len(text), 616, 647, 2))
    words += [w("ODS", 978, 1020, 700, 725, 4), w("Code", 1028, 1080, 700, 725, 4), w("B59412", 978, 1080, 735, 765, 5)]
    key = best_candidates(words)[0]["linkage_key"]
    assert key.text == "VXxvCXPK1RvGPOGv" and key.found_by == "label"


def test_an_account_id_read_short_beside_its_label_never_replaces_one_read_whole_in_another_pass():
    # Seed 113's photo: the panel's pass read `6655880` under a label it could not read (found by
    # its format among the labelled codes); the page-wide pass read the label and `665` under it.
    # The short reading scored higher (beside its label) and the account ID was lost.
    from scanner.pipeline import _merge

    codes = (_line(100, 0, (100, "Surgery"), (220, "ID"), (400, "P77405"))
             + _line(140, 1, (100, "Linkage"), (220, "Key"), (400, "EoUkxS1v11Xx0")))
    first, _ = best_candidates(codes + _line(180, 2, (100, "Accum"), (200, "lD"), (400, "6655880")))
    second, _ = best_candidates(codes + _line(180, 2, (100, "Account"), (220, "ID"), (400, "665")))
    assert first["account_id"].text == "6655880" and first["account_id"].found_by == "pattern"
    assert second["account_id"].text == "665" and second["account_id"].score > first["account_id"].score
    assert _merge(first, second)["account_id"].text == "6655880"
    # A valid reading beside its label still replaces a format-only one.
    third, _ = best_candidates(codes + _line(180, 2, (100, "Account"), (220, "ID"), (400, "6655880")))
    assert _merge(first, third)["account_id"].found_by == "label"


def test_a_keys_line_under_its_label_boxed_tall_is_read_whole_not_from_past_the_labels_end():
    # Independent seed 122's tilted sidebar photo (boxes as Tesseract gave them): the key's groups
    # under `Linkage key` boxed 57 px tall, their middles within reach of the label's line; the
    # groups past the label's end were taken for a value beside it (`OvKu wMwu`).
    words = [_word("Linkage", 783, 677, 837, 709, line=3), _word("ley", 844, 677, 871, 709, line=3),
             _word("opxK", 783, 696, 850, 753, line=4), _word("OvKu", 868, 696, 931, 753, line=4),
             _word("wMwu", 942, 714, 1047, 749, line=4), _word("5", 1034, 696, 1049, 753, line=4)]
    key = best_candidates(words)[0]["linkage_key"]
    assert key.text == "opxK OvKu wMwu 5" and key.where == "below"
    # A key beside its label, with the line below running on past the label's end, stays beside.
    words = (_line(100, 0, (100, "Linkage"), (210, "Key:"), (300, "tTALtBP3rLR16"))
             + _line(140, 1, (100, "Please"), (200, "keep"), (280, "this"), (350, "letter")))
    assert best_candidates(words)[0]["linkage_key"].text == "tTALtBP3rLR16"


def test_a_cells_corner_read_as_a_short_mark_before_a_key_leaves_the_keys_box_its_own_height():
    # Independent seed 124's photo of white-on-blue cells: the key cell's corner read `!`, 11 px tall
    # beside the key's 33; the value's box took the `!`'s height, and its crop the key's bottom edge.
    words = [_word("Linkage", 171, 827, 263, 854, line=0), _word("Key", 270, 828, 312, 854, line=0),
             _word("!", 588, 853, 590, 864, line=1), _word("VXPH6uQw1Muruw", 617, 828, 919, 861, line=1)]
    key = best_candidates(words)[0]["linkage_key"]
    assert key.text == "VXPH6uQw1Muruw"
    assert (key.box.y0, key.box.y1) == (828, 861)
    # A key's own `!`, as tall as its letters, stays.
    words = [_word("Linkage", 171, 827, 263, 854, line=0), _word("Key", 270, 828, 312, 854, line=0),
             _word("!", 588, 828, 596, 861, line=1), _word("VXPH6uQw1Muruw", 617, 828, 919, 861, line=1)]
    assert best_candidates(words)[0]["linkage_key"].text.startswith("!")


def test_a_date_is_never_a_key_printed_in_groups():
    # Independent seed 126's blurred photo: `Date of birth: 05-Nov-2007`, its label read `potion`,
    # passed for a key printed in groups (`potion 05-Now 2007`) beside the codes found by their
    # labels, and was given as the key, flagged.
    codes = (_line(300, 5, (100, "ODS"), (160, "code:"), (300, "F27434"))
             + _line(340, 6, (100, "Account"), (220, "ID:"), (300, "454050759")))
    dob = _line(260, 4, (100, "potion"), (230, "05-Now"), (350, "2007"))
    assert "linkage_key" not in best_candidates(dob + codes)[0]
    for date in (("05", "Nov", "2007"), ("6/11/2025",)):
        line = _line(260, 4, *((100 + 120 * i, part) for i, part in enumerate(("born", *date))))
        assert "linkage_key" not in best_candidates(line + codes)[0]
    # A key in groups after such a garbled label is still one.
    key = _line(260, 4, (100, "potion"), (230, "ezpw"), (330, "unSS"), (430, "0wZk"), (530, "pFoS"))
    assert "".join(best_candidates(key + codes)[0]["linkage_key"].text.split()) == "ezpwunSS0wZkpFoS"


def test_specks_at_a_cards_sides_are_no_part_of_the_key_nor_its_wrapped_rest():
    # Seed 143's cards photo (boxes as Tesseract gave them): the card's right side read as a short
    # `i` after the key's last group, and a fleck at its left corner on the next line as a short
    # `1`, taken for the key's wrapped rest.  The crop ran over the card's side into the shadow
    # beyond and had the fleck stitched on; two looks of five read `yOGClow0APcL`.
    words = [
        _word("ACCOUNT", 872, 654, 961, 672, line=914), _word("LINKAGE", 970, 654, 1048, 671, line=914),
        _word("KEY", 1058, 654, 1093, 670, line=914),
        _word("i", 1253, 689, 1256, 706, line=917),
        _word("y330", 871, 683, 945, 741, line=918), _word("GKXL", 963, 683, 1037, 741, line=918),
        _word("owgA", 1055, 683, 1128, 741, line=918), _word("Pe", 1142, 683, 1182, 741, line=918),
        _word("1", 845, 755, 850, 769, line=919),
    ]
    key = best_candidates(words)[0]["linkage_key"]
    assert "".join(key.text.split()) == "y330GKXLowgAPe" and key.box.x1 == 1182 and not key.tail
    # An `i` and a `1` as tall as the key's glyphs are its characters.
    words[3] = _word("i", 1200, 683, 1210, 735, line=918)
    words[-1] = _word("1", 871, 755, 881, 800, line=919)
    key = best_candidates(words)[0]["linkage_key"]
    assert "".join(key.text.split()) == "y330GKXLowgAPei" and [w.text for w in key.tail] == ["1"]


def test_the_next_cards_heading_misread_beside_a_key_label_is_not_its_key():
    # Seed 149's cards photo (boxes as Tesseract gave them): the third card's `Surgery ID`, over its
    # `F55461`, read `Ser gery 1`, stood 24 label heights right of `Account Linkage Key` and passed
    # for the key beside it; the key under the label lost.
    words = [
        _word("Account", 651, 689, 722, 704, line=1001), _word("Linkage", 730, 688, 798, 707, line=1001),
        _word("Key", 805, 688, 835, 706, line=1001), _word("CirU3xwBb2Se?", 651, 726, 850, 753, line=1002),
        _word("Account", 140, 693, 211, 708, line=2001), _word("(0", 219, 692, 235, 707, line=2001),
        _word("number", 242, 692, 307, 707, line=2001), _word("2289056486", 140, 731, 298, 757, line=2002),
        _word("Ser", 1192, 684, 1219, 700, line=3000), _word("gery", 1221, 684, 1282, 703, line=3001),
        _word("1", 1264, 680, 1285, 710, line=3001), _word("F55461", 1192, 723, 1282, 749, line=3002),
    ]
    assert best_candidates(words)[0]["linkage_key"].text == "CirU3xwBb2Se?"
    # In a table of labels and values the key right of its label has the next row's value under
    # it, and the label the next row's label: the key beside the label stands.
    table = (_line(100, 0, (100, "Linkage"), (210, "Key:"), (500, "tTALtBP3rLR16"))
             + _line(150, 1, (100, "ODS"), (160, "Code:"), (500, "A81001")))
    assert best_candidates(table)[0]["linkage_key"].text == "tTALtBP3rLR16"
