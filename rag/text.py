"""Pure Vietnamese text functions: normalisation, tone-mark placement, accent folding.

Everything here takes strings and returns values; no I/O. Documents and queries
go through the same `normalize` so that they meet in both indexes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

# Capital letters, Vietnamese ones included ("Đ", "Ú", "Ấ"), for regular expression classes:
# Python's `re` has no \p{Lu}.
CAPITALS = "".join(c for c in map(chr, range(0x41, 0x1EFA)) if c.isupper() and c.isalpha())

# Combining tone marks (the five Vietnamese tones besides "ngang").
_TONES = "\u0300\u0301\u0303\u0309\u0323"
_TONE_SET = frozenset(_TONES)
# Syllable endings whose tone placement differs between the old ("hòa", "thúy")
# and new ("hoà", "thuý") conventions. Only open syllables are ambiguous.
_OPEN_GLIDES = ("oa", "oe", "uy")
# Combining marks are not \w, so NFD words need them listed explicitly.
_WORD = re.compile(r"(?:[^\W\d_]|[\u0300-\u036f])+")


def _place_tone_old_style(word: str) -> str:
    """Move the tone of an open "oa/oe/uy" syllable onto its first vowel (old style).

    Expects an NFD word; returns NFD.
    """
    tones = [c for c in word if c in _TONE_SET]
    if len(tones) != 1:
        return word
    bare = "".join(c for c in word if c not in _TONE_SET)
    lower = bare.lower()
    for glide in _OPEN_GLIDES:
        if not lower.endswith(glide):
            continue
        # In "qu" + "y" the "u" belongs to the consonant, so "quý" is not ambiguous.
        if glide == "uy" and lower.endswith("quy"):
            return word
        # `bare` is NFD, so a vowel-quality mark ("oă", "uê") would follow the glide and
        # `endswith` fails: only plain "oa/oe/uy" get here; the tone goes on their first vowel.
        pos = len(bare) - 2
        return bare[: pos + 1] + tones[0] + bare[pos + 1 :]
    return word


def normalize_tone_marks(text: str) -> str:
    """Rewrite new-style tone placement ("hoà", "thuý") to the old style ("hòa", "thúy")."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", _WORD.sub(lambda m: _place_tone_old_style(m.group(0)), decomposed))


def normalize(text: str) -> str:
    """Unicode NFC plus one tone-mark convention; the only normaliser for docs and queries."""
    return normalize_tone_marks(unicodedata.normalize("NFC", text))


def fold_accents(text: str) -> str:
    """Strip all diacritics ("tham nhũng" -> "tham nhung", "Đà" -> "Da")."""
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.replace("đ", "d").replace("Đ", "D")


# Spelling of one Vietnamese syllable (folded): an onset, one to three vowels, a coda. Loose on
# purpose: it only has to tell words that cannot be Vietnamese ("Google", "Samsung", "Kodu").
_SYLLABLE_SHAPE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?[aeiouy]{1,3}(?:ch|ng|nh|[cmnpt])?"
)


def is_vietnamese_syllable(word: str) -> bool:
    """Whether a word is spelled like one Vietnamese syllable (with or without its marks)."""
    return _SYLLABLE_SHAPE.fullmatch(fold_accents(word).lower()) is not None


def has_diacritics(text: str) -> bool:
    """True when the text carries any Vietnamese diacritic (or đ)."""
    return fold_accents(text) != text


_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# A year written as one four-digit number: not part of "1.2019" or "2.022" (thousands), nor of "12/2019".
_YEAR = re.compile(r"(?<![\d/])(?<!\d[.,])(?:19|20)\d\d(?!\d|[.,]\d)")


def years_in(text: str) -> list[str]:
    """The years (1900-2099) a text states, in order of appearance."""
    return _YEAR.findall(text)


def canonical_number(token: str) -> str:
    """Canonical form of a number written Vietnamese- or English-style.

    "1.695" and "1,695" (thousands) both give "1695"; "898,9" (decimal) gives "898.9".
    """
    parts = re.split(r"[.,]", token)
    if len(parts) == 1:
        return parts[0].lstrip("0") or "0"
    seps = re.findall(r"[.,]", token)
    # A group of exactly three digits after every separator reads as thousands.
    if all(len(p) == 3 for p in parts[1:]) and len(set(seps)) == 1:
        return ("".join(parts)).lstrip("0") or "0"
    whole, frac = "".join(parts[:-1]), parts[-1]
    whole = whole.lstrip("0") or "0"
    # "3,50" and "3,5" are the same value, and "2,0" is "2".
    frac = frac.rstrip("0")
    return f"{whole}.{frac}" if frac else whole


# Roman numerals as Vietnamese news writes quarters, terms and congresses: "quý III", "khóa XIV".
_ROMAN_AFTER = re.compile(r"\b(quy|khoa|ky|lan thu|dai hoi|hoi nghi trung uong)\s+([ivxlc]+)\b")
_ROMAN_WORD = re.compile(r"\b[IVXLC]+\b")
_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}


def _roman(numeral: str) -> int:
    values = [_ROMAN[c] for c in numeral]
    return sum(-v if i + 1 < len(values) and values[i + 1] > v else v for i, v in enumerate(values))


# A rank in words after a verb of ranking ("xếp thứ hai", "đứng thứ ba", "về nhì", "hạng tư"),
# read with marks: folded, "đứng" would be "dùng" (use) and "về" "vé" (ticket). "thứ" is needed
# but after "hạng" and for "nhất"/"nhì": alone, "thứ Hai" is Monday and "thứ năm" Thursday.
_RANK_WORD = re.compile(
    r"\b(xếp|đứng|về|giành|vị trí|hạng)(\s+(?:ở\s+)?(?:vị trí\s+)?)(?:(thứ)\s+)?"
    r"(nhất|nhì|hai|ba|tư|năm|sáu|bảy|tám|chín|mười)\b",
    re.IGNORECASE,
)
_RANK_VALUE = {
    "nhất": 1, "nhì": 2, "hai": 2, "ba": 3, "tư": 4, "năm": 5, "sáu": 6, "bảy": 7, "tám": 8, "chín": 9, "mười": 10,
}  # fmt: skip


def _rank_in_digits(m: re.Match[str]) -> str:
    verb, gap, thu, word = m.group(1), m.group(2), m.group(3), m.group(4).lower()
    if thu is None and word not in ("nhất", "nhì") and verb.lower() != "hạng":
        return m.group(0)
    return f"{verb}{gap}thứ {_RANK_VALUE[word]}"


# A small count in words before a unit of time ("trong thời hạn một tháng", "hai năm một lần"),
# which news writes in words as often as in digits; read with marks ("năm" is also "nam").
_SPAN_WORD = re.compile(
    r"(?<![\w-])(một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười)(\s+)(năm|tháng|tuần|ngày|giờ|tiếng|phút)(?!\w)"
)  # lower case: "ông Năm", "chú Tám" are people
_SPAN_VALUE = {"một": 1, **{k: v for k, v in _RANK_VALUE.items() if k not in ("nhất", "nhì", "tư")}, "bốn": 4}


def _span_in_digits(m: re.Match[str]) -> str:
    return f"{_SPAN_VALUE[m.group(1)]}{m.group(2)}{m.group(3)}"


_WON = re.compile(r"(?<!\w)[Tt]hắng(?!\w)")


def normalise_numerals(text: str) -> str:
    """Folded, lower-case text with Roman numerals after "quý", "khóa"... written in digits:
    "quý III/2024" and "quý 3/2024" are the same quarter; a rank or a span in words too ("xếp thứ
    hai" is "xếp thứ 2", "một tháng" is "1 tháng"). The words are read with their marks, before folding."""
    marked = unicodedata.normalize("NFC", slash_dates(text))
    marked = _SPAN_WORD.sub(_span_in_digits, _RANK_WORD.sub(_rank_in_digits, marked))
    # Folded, "thắng 2-0" (won 2-0) would read as "tháng 2" (February).
    marked = _WON.sub("thawng", marked)
    folded = fold_accents(marked).lower()
    return _ROMAN_AFTER.sub(lambda m: f"{m.group(1)} {_roman(m.group(2))}", folded)


# Some papers write dates with dots: "ngày 21.6", "sáng 3.7.2017", "tháng 1.2017". Vietnamese
# writes a decimal with a comma and thousands with three digits, so a day and a month around a
# dot are a date, when a year follows or a word of the day (or "tháng", "quý") comes before
# (folded, lower case).
_DOTTED_DATE = re.compile(
    r"(?<![\d.,])(?:[12]?\d|3[01])(\.)(?:0?[1-9]|1[0-2])(\.)(?:19|20)\d\d(?![\d]|[.,]\d)"
    r"|(?:\b(?:ngay|sang|chieu|toi|dem|trua|khuya|hom|mung|mong)\s+|\bnay\s*\(\s*)"
    r"(?:[12]?\d|3[01])(\.)(?:0?[1-9]|1[0-2])(?![\d%]|[.,]\d)"
    r"|\b(?:thang|quy)\s+(?:0?[1-9]|1[0-2])(\.)(?:19|20)\d\d(?![\d]|[.,]\d)"
)

_DOTTED = re.compile(r"(?<![\d.,])\d{1,2}\.(?:\d{1,2}|(?:19|20)\d\d)(?!\d)")


def slash_dates(text: str) -> str:
    """The text with the dots of dotted dates written as slashes ("21.6" -> "21/6"), offsets kept."""
    if not _DOTTED.search(text):  # the cheap test first: most articles' dots are thousands ("1.695")
        return text
    folded = fold_accents(text).lower()
    if len(folded) != len(text):
        return text
    dots = [m.start(g) for m in _DOTTED_DATE.finditer(folded) for g in (1, 2, 3, 4) if m.start(g) >= 0]
    if not dots:
        return text
    chars = list(text)
    for at in dots:
        chars[at] = "/"
    return "".join(chars)


def shortened(number: str, stated: Iterable[str]) -> bool:
    """The canonical `number` is a stated one written with fewer decimals, rounded or cut
    ("1265.5", "1265.6" or "1266" for "1265.55"): writers, and models, shorten a figure."""
    digits = len(number.partition(".")[2])
    step = Decimal(1).scaleb(-digits)
    for other in stated:
        if len(other.partition(".")[2]) > digits:
            exact = Decimal(other)
            if Decimal(number) in (exact.quantize(step, ROUND_HALF_UP), exact.quantize(step, ROUND_DOWN)):
                return True
    return False


def numbers_in(text: str) -> list[str]:
    """All numbers in a text, in canonical form, in order of appearance ("quý III" states 3)."""
    text = slash_dates(text)
    # The cheap test first: folding a whole article costs more than reading its numbers.
    if _ROMAN_WORD.search(text) and _ROMAN_AFTER.search(fold_accents(text).lower()):
        text = normalise_numerals(text)
    return [canonical_number(m.group(0)) for m in _NUMBER.finditer(text)]


def collapse_whitespace(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
