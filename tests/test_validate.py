from scanner.validate import check_account, check_key, check_ods, is_nhs_number


def test_ods_valid_codes_pass_unchanged():
    for code in ("A81001", "Y02906", "W95010", "JER123", "GUE001"):
        c = check_ods(code)
        assert c.valid and c.value == code and c.repaired == []


def test_ods_rejects_excluded_first_letters_and_wrong_lengths():
    for code in ("I81001", "Z12345", "X12345", "A8100", "A810011", "EMIS"):
        assert not check_ods(code).valid


def test_a_round_first_glyph_no_code_starts_with_is_repaired_to_the_round_letters_and_reported():
    # No ODS code starts with O, so a blurred D read as 0 or O (seed 1004's photo_009: 'D71863'
    # read '071863') is one of the round letters that can: D first, Q as the other option.
    for seen in ("071863", "O71863"):
        c = check_ods(seen)
        assert c.valid and c.value == "D71863"
        assert c.repaired == [(0, ["D", seen[0], "Q"])]


def test_ods_repairs_letter_in_digit_position_and_reports_it():
    c = check_ods("YO1234")  # the NHS staff guide's own slip
    assert c.valid and c.value == "Y01234"
    assert c.repaired == [(1, ["0", "O"])]


def test_ods_repairs_digit_in_letter_position():
    c = check_ods("881001")
    assert c.value == "B81001" and c.repaired[0][0] == 0
    c = check_ods("(62770")  # a blurred C read as a bracket, and reported
    assert c.value == "C62770" and c.repaired == [(0, ["C", "("])]
    c = check_ods("¥78605")  # a bold serifed Y's arms read as the yen sign, and reported
    assert c.value == "Y78605" and c.repaired == [(0, ["Y", "¥"])]


def test_account_id_keeps_leading_zeros_and_repairs():
    assert check_account("0123456").value == "0123456"
    c = check_account("11950299Z8")
    assert c.value == "1195029928" and c.repaired == [(8, ["2", "Z"])]
    assert not check_account("12345").valid
    assert not check_account("1234567890123456").valid


def test_key_keeps_case_and_punctuation_and_drops_group_spaces():
    assert check_key("0dw1f1p4a/2!35").value == "0dw1f1p4a/2!35"
    assert check_key("tTAL tBP3 rLR16").value == "tTALtBP3rLR16"
    assert not check_key("abc").valid
    assert not check_key("has a # hash").valid


def test_nhs_number_check_digit():
    assert is_nhs_number("9434765919")
    assert not is_nhs_number("9434765918")
    assert not is_nhs_number("1195029928")


def test_key_rejects_words_dates_and_numbers():
    # What sits next to a key label in prose ("... your linkage key details ...") is not a key.
    for text in ("details", "Enclosed", "PASSPHRASE", "22/11/2025", "SW1A1AA", "07700900123"):
        assert not check_key(text).valid, text
    assert check_key("tTAL tBP3 rLR16").value == "tTALtBP3rLR16"


def test_key_date_rule_needs_a_month_name():
    # "22-Nov-2025" is a date; a random key with digits, letters, digits is not.
    for text in ("22-Nov-2025", "3 March 2026", "12sept2025"):
        assert not check_key(text).valid, text
    for text in ("14WPPooLS1100", "05xKqzT77", "9abcDEF123"):
        assert check_key(text).value == text, text


def test_dollar_read_for_s_is_repaired_by_position():
    # Tesseract reads a bold S as "$": a letter where the ODS code wants its letter, 5 among digits.
    got = check_ods("$34674")
    assert got.valid and got.value == "S34674" and got.repaired == [(0, ["S", "$"])]
    assert check_account("43$136517").value == "435136517"
    # and a blurred E as "£" (seed 1004's photo_018 read 'E16977' as '£16977')
    got = check_ods("£16977")
    assert got.valid and got.value == "E16977" and got.repaired == [(0, ["E", "£"])]


def test_groups_of_a_key_are_not_words_of_the_sentence_around_it():
    from scanner.validate import grouped_like_a_key

    assert grouped_like_a_key(["tTAL", "tBP3", "rLR16"])
    assert grouped_like_a_key(["0dw1f", "1p4a/", "2!35"])
    assert grouped_like_a_key(["KjwzyFSEUAGj4"])
    assert grouped_like_a_key(["vVGO5", "67gV6", "fv"])  # the last group may be short
    assert grouped_like_a_key(["lXZo", "-vW-", "K6SC", "01zn"])  # a key's symbols count in a group's length
    assert not grouped_like_a_key(["lXZo", "(vW)", "K6SC", "01zn"])  # brackets do not
    assert not grouped_like_a_key(["00S", "code", "and"])
    assert not grouped_like_a_key(["Thien", "Gent", "wa", "co", "ce"])
    assert not grouped_like_a_key(["TxeagkkQiT1", "enam"])  # a whole key, then the box's edge
    assert grouped_like_a_key(["SZO", "pokl", "OZFiko"])  # OCR misplaced a space: the last may be long
    # OCR split the front of a key off at a wide gap of a monospaced face: a piece no word is
    assert grouped_like_a_key(["3o", "lDXh86SqQ6cS"])
    assert grouped_like_a_key(["xK", "lDXh86SqQ6cS"])
    assert grouped_like_a_key(["Lw!", "ZAMm1eTHX8ll"])  # a key's symbol ends the piece: no word has it
    assert not grouped_like_a_key(["If,", "unsureaboutit"])  # a sentence's comma does not
    assert not grouped_like_a_key(["If", "unsureaboutit"])  # a short word of the sentence is no piece
    assert not grouped_like_a_key(["3o", "lDXh"])  # a short piece before a short group is no key
    # ... or its last few characters off after a glyph set wide (a key's symbol or a figure in them)
    assert grouped_like_a_key(["UFOro3Olf91", "N-kk"])
    assert grouped_like_a_key(["xeTlyn7VW/j", "*2"])
    assert not grouped_like_a_key(["UFOro3Olf91", "only"])  # a word after the key is no piece of it
    assert not grouped_like_a_key(["Passphrase", "N-kk"])  # the first must be no word either


def test_evenly_grouped_is_how_letters_print_a_key_in_groups():
    from scanner.validate import evenly_grouped

    assert evenly_grouped([4, 4, 4, 1]) and evenly_grouped([5, 5, 5]) and evenly_grouped([4, 4, 4, 1], 3)
    assert not evenly_grouped([4, 3, 4, 1])  # a group before the last shorter
    assert not evenly_grouped([4, 4, 5])  # the last longer than the others
    assert not evenly_grouped([2, 2, 2, 1], 3)  # shorter than asked
    assert not evenly_grouped([])


def test_a_key_split_at_a_symbol_set_wide_is_still_grouped_like_a_key():
    from scanner.validate import grouped_like_a_key

    assert grouped_like_a_key(["mKww6VB", "-WU0C="])  # a monospaced `-` with wide side bearings
    assert grouped_like_a_key(["Xq7/", "kP2mZ9wR"])
    assert not grouped_like_a_key(["well", "-being"])  # words, not groups of a key
