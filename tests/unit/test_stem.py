"""Light stemming for matching: forms of one word meet, different words stay apart."""

import pytest

from bot.text.normalise import normalise_for_matching
from bot.text.stem import stem


def s(word):
    return stem(normalise_for_matching(word))


@pytest.mark.parametrize(
    "a, b",
    [
        ("\u0627\u0644\u0631\u0633\u0648\u0645", "\u0631\u0633\u0648\u0645"),  # الرسوم / رسوم
        ("\u0627\u0642\u0627\u0645\u062a\u064a", "\u0627\u0644\u0627\u0642\u0627\u0645\u0629"),  # اقامتي / الاقامة
        (
            "\u0627\u0644\u0645\u062e\u0627\u0644\u0641\u0627\u062a",
            "\u0645\u062e\u0627\u0644\u0641\u0629",
        ),  # المخالفات / مخالفة
        ("renewal", "renewing"),
        ("licences", "licence"),
    ],
)
def test_forms_of_one_word_share_a_stem(a, b):
    assert s(a) == s(b)


def test_stems_keep_three_letters():
    assert s("\u0627\u0644\u0647\u064a\u0626\u0629") != s("\u0647\u064a")  # الهيئة is not reduced to هي
    assert len(s("\u0647\u0648\u064a\u0629")) >= 3  # هوية


def test_arabizi_and_numbers_pass_through_unchanged():
    assert s("7osn") == "7osn" and s("2024") == "2024"


def test_english_stemming_is_safe_across_threads():
    """The API routes in a thread pool: a Snowball stemmer shared by threads mixed up their words
    (IndexError inside snowballstemmer, seen when health checks raced at start-up)."""
    from concurrent.futures import ThreadPoolExecutor

    import snowballstemmer
    from wordfreq import top_n_list

    from bot.text.stem import stem

    words = [w for w in top_n_list("en", 20000) if w.isascii() and w.isalpha()]
    expected = snowballstemmer.stemmer("english").stemWords(words)
    uncached = stem.__wrapped__
    with ThreadPoolExecutor(max_workers=8) as pool:
        for _ in range(3):
            assert list(pool.map(uncached, words, chunksize=50)) == expected
