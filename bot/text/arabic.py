"""Arabic letter classes, defined once (bodies of regex character classes), and the patterns built on them."""

import re

# The Arabic letters hamza..yeh (U+0621-U+064A): what a normalised Arabic word is made of.
LETTERS = "\u0621-\u064a"
# The whole Arabic block (letters, diacritics, Arabic-Indic digits, punctuation): "is this Arabic script?"
BLOCK = "\u0600-\u06ff"
# Arabic-Indic and Extended Arabic-Indic digits.
DIGITS = "\u0660-\u0669\u06f0-\u06f9"

# A whole normalised word made only of Arabic letters (stemming and proclitic stripping apply to these alone).
WORD = re.compile(f"^[{LETTERS}]+$")
