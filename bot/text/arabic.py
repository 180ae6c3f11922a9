"""Arabic letter classes, defined once (bodies of regex character classes)."""

# The Arabic letters hamza..yeh (U+0621-U+064A): what a normalised Arabic word is made of.
LETTERS = "\u0621-\u064a"
# The whole Arabic block (letters, diacritics, Arabic-Indic digits, punctuation): "is this Arabic script?"
BLOCK = "\u0600-\u06ff"
# Arabic-Indic and Extended Arabic-Indic digits.
DIGITS = "\u0660-\u0669\u06f0-\u06f9"
