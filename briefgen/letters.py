"""Letters as readers type them, for search and references: folding without marks, and the letters that
Unicode does not split into a letter and a mark. No imports beyond the standard library: the patch path
(:mod:`briefgen.search`) and the browser's ``search.js`` (``LETTERS``, ``fold``) rely on the same rules."""

from __future__ import annotations

import re
import unicodedata

# Letters with no decomposition, as readers type them without their stroke or ligature (Işık → isik, Straße →
# strasse, Łódź → lodz, Đặng → dang), and the final sigma, which is σ wherever it stands. search.js: LETTERS.
LETTERS = {"ı": "i", "ß": "ss", "đ": "d", "ð": "d", "ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "þ": "th", "ħ": "h",
           "ŧ": "t", "ς": "σ",
           # Hebrew's geresh and gershayim, inside abbreviations (או״ם is typed אום), and Arabic's tatweel, which
           # only stretches a word: left out
           "׳": "", "״": "", "ـ": "",
           # Arabic-Indic and Persian digits: ٢٠٢٥ is 2025
           **{chr(0x660 + d): str(d) for d in range(10)}, **{chr(0x6F0 + d): str(d) for d in range(10)}}
TABLE = str.maketrans(LETTERS)
# Search also folds Arabic letters written one way or another in one word, as search engines do: alef maksura and
# Persian yeh are yeh (على, علی → علي), Persian keheh is kaf, teh marbuta is heh (مدرسة → مدرسه). Not names and URL
# names (TABLE): the URL names of tags and pages in Arabic would change. search.js: LETTERS.
SEARCH_LETTERS = {**LETTERS, "ى": "ي", "ی": "ي", "ک": "ك", "ة": "ه"}
SEARCH_TABLE = str.maketrans(SEARCH_LETTERS)

# The kana voicing marks are kept (が is not か, パ is not ハ) and put back on their kana (search.js: KANA).
_VOICING = "\u3099\u309a"
_VOICED_KANA = re.compile("[\u3040-\u30ff][\u3099\u309a]")


def search_fold(text: str) -> str:
    """Lower case without accents or other marks but the kana's voicing, with :data:`SEARCH_LETTERS` spelt out: what the
    search index holds and the browser asks for (``search.js``: ``fold``)."""
    text = unicodedata.normalize("NFKD", text).lower()
    text = "".join(c for c in text if c in _VOICING or not unicodedata.category(c).startswith("M"))
    if "\u3099" in text or "\u309a" in text:
        text = _VOICED_KANA.sub(lambda m: unicodedata.normalize("NFC", m[0]), text)
    return text.translate(SEARCH_TABLE)


# Scripts written without spaces between words: Thai and Lao, Myanmar, Khmer; 々 〆 〇 〻, kana, ideographs (half-width
# katakana too, which search folds to full width but Markdown sees as written). Search indexes a run of them by pairs
# of characters (briefgen.search; search.js: UNSPACED), and a name next to one is a word on that side
# (briefgen.markdown: 习近平主席).
UNSPACED = ((0x0E00, 0x0EFF), (0x1000, 0x109F), (0x1780, 0x17FF), (0x3005, 0x3007), (0x303B, 0x303B),
            (0x3040, 0x30FF), (0x31F0, 0x31FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF),
            (0xFF66, 0xFF9F), (0x20000, 0x3FFFF))
UNSPACED_CLASS = "".join(chr(lo) if lo == hi else f"{chr(lo)}-{chr(hi)}" for lo, hi in UNSPACED)  # for [...] in re


def unspaced(char: str) -> bool:
    """Whether ``char`` is of a script written without spaces between words (:data:`UNSPACED`)."""
    o = ord(char)
    return o >= 0x0E00 and any(lo <= o <= hi for lo, hi in UNSPACED)
