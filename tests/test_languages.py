"""Outlets in languages beyond the region's five: a Turkish and Persian profile loads, its
pages get their language and dates, and a language dateparser lacks costs no crash and no
wrong date (issue 16)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from caucasus_crawler.extract import extract_article, parse_date
from caucasus_crawler.extract.language import detect_language
from caucasus_crawler.profiles import profile_from_dict

NOW = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)
HOME = "https://haber.example.com.tr/"

# Our own sample text: the same short news item in Turkish and in Persian.
TEXT_TR = (
    "Hükümet salı günü yaptığı açıklamada nehir üzerindeki yeni köprünün gelecek bahar "
    "açılacağını bildirdi. İnşaat üç yıl sürdü ve maliyeti uzun tartışmalara yol açtı. "
    "Bakanlık, köprünün şehrin iki yakasını birleştireceğini söyledi."
)
TEXT_FA = (
    "دولت روز سه‌شنبه اعلام کرد که پل جدید روی رودخانه بهار آینده گشایش می‌یابد. "
    "ساخت این پل سه سال طول کشید و هزینه آن بحث‌های زیادی برانگیخت. "
    "وزارتخانه گفت این پل دو بخش شهر را به هم وصل می‌کند."
)
TEXT_AR = (
    "أعلنت الحكومة يوم الثلاثاء أن الجسر الجديد فوق النهر سيفتتح في الربيع المقبل. "
    "استغرق البناء ثلاث سنوات وأثارت تكلفته جدلا طويلا. "
    "وقالت الوزارة إن الجسر سيربط جزأي المدينة."
)


def profile(date_selector: str | None = None, timezone: str = "+03:00"):
    data = {
        "name": "haber_tr",
        "title": "Haber",
        "country": "TR",
        "languages": ["tr", "fa"],
        "home": HOME,
        "editions": {"tr": HOME, "fa": HOME + "fa/"},
        "extract": {"timezone": timezone},
    }
    if date_selector:
        data["extract"]["date"] = date_selector
    return profile_from_dict(data, "haber_tr.toml")


def page(title: str, text: str, head: str = "", byline: str = "", lang: str | None = None) -> str:
    paragraphs = "".join(f"<p>{s.strip()}.</p>" for s in text.split(". ") if s.strip())
    lang_attribute = f' lang="{lang}"' if lang else ""
    return (
        f'<!DOCTYPE html><html{lang_attribute}><head><meta charset="utf-8"><title>{title}</title>'
        f'<meta property="og:type" content="article">{head}</head>'
        f"<body><article><h1>{title}</h1>{byline}<div class='body'>{paragraphs}</div>"
        "</article></body></html>"
    )


# -- extract_article -------------------------------------------------------------------------


def test_turkish_page_has_its_language_and_its_meta_date():
    html = page(
        "Köprü baharda açılacak",
        TEXT_TR,
        '<meta property="article:published_time" content="2026-12-07T10:30:00+03:00">',
    )
    article = extract_article(html, HOME + "gundem/kopru-baharda-acilacak", profile(), now=NOW)
    assert article.language == "tr"  # the edition's language: the text does not contradict it
    assert article.published == "2026-12-07T10:30:00+03:00"


@pytest.mark.parametrize("selector", [".tarih", None], ids=["profile-selector", "byline"])
def test_turkish_page_has_its_visible_date(selector):
    html = page(
        "Köprü baharda açılacak",
        TEXT_TR,
        byline='<div class="tarih">7 Aralık 2026 10:30</div>',
        lang="tr",
    )
    url = HOME + "gundem/kopru-baharda-acilacak"
    article = extract_article(html, url, profile(selector), now=NOW)
    assert article.language == "tr"
    assert article.published == "2026-12-07T10:30:00+03:00"


def test_persian_page_has_its_language_and_its_meta_date():
    html = page(
        "پل جدید در بهار گشایش می‌یابد",
        TEXT_FA,
        '<meta property="article:published_time" content="2026-12-07T10:30:00+03:30">'
        '<meta property="og:locale" content="fa_IR">',
        byline='<div class="tarih">یکشنبه ۱۶ آذر ۱۴۰۵ ساعت ۱۰:۳۰</div>',  # Solar Hijri
    )
    article = extract_article(html, HOME + "fa/news/1234", profile(".tarih", "+03:30"), now=NOW)
    assert article.language == "fa"
    assert article.published == "2026-12-07T10:30:00+03:30"


def test_persian_page_with_a_gregorian_date_in_persian_digits():
    html = page(
        "پل جدید در بهار گشایش می‌یابد",
        TEXT_FA,
        byline='<div class="tarih">۷ دسامبر ۲۰۲۶ - ۱۰:۳۰</div>',
        lang="fa",
    )
    article = extract_article(html, HOME + "fa/news/1234", profile(".tarih", "+03:30"), now=NOW)
    assert article.published == "2026-12-07T10:30:00+03:30"


def test_persian_page_with_only_a_solar_hijri_date_gets_no_wrong_date():
    html = page(
        "پل جدید در بهار گشایش می‌یابد",
        TEXT_FA,
        byline='<div class="tarih">۱۴۰۵/۰۹/۱۶ - ۱۰:۳۰</div>',
        lang="fa",
    )
    article = extract_article(html, HOME + "fa/news/1234", profile(".tarih", "+03:30"), now=NOW)
    assert article.language == "fa"
    assert article.published is None


def test_persian_page_declaring_english_is_not_english():
    html = page("پل جدید در بهار گشایش می‌یابد", TEXT_FA, lang="en-US")
    article = extract_article(html, "https://news.example.ir/1234", now=NOW)
    assert article.language == "fa"  # Persian letters; no profile, a wrong declaration


# -- detect_language -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "declared", "expected"),
    [
        pytest.param(TEXT_TR, ["tr"], "tr", id="turkish-kept"),
        pytest.param(TEXT_TR, ["fa"], "en", id="latin-text-is-not-persian"),
        pytest.param(TEXT_FA, ["fa-IR"], "fa", id="persian-kept"),
        pytest.param(TEXT_FA, ["en", "ru"], "fa", id="arabic-script-is-none-of-the-five"),
        pytest.param(TEXT_FA, [], "fa", id="persian-by-its-letters"),  # پ گ ی ک
        pytest.param(TEXT_FA[:30], ["az"], "fa", id="however-short"),
        pytest.param(TEXT_AR, ["en"], "ar", id="arabic-by-its-letters"),  # ة ي
        pytest.param(TEXT_AR, ["ar"], "ar", id="arabic-kept"),
        pytest.param("وقال المتحدث", [], None, id="unknown-not-guessed"),
        pytest.param(
            "Правительство объявило, что новый мост откроется весной.", ["os"], "os", id="ossetian"
        ),
        pytest.param(TEXT_TR, ["ab"], "en", id="abkhaz-is-cyrillic"),
    ],
)
def test_detect_language_beyond_the_five(text, declared, expected):
    assert detect_language(text, declared) == expected


# -- parse_date with languages dateparser lacks or our tables do not cover -------------------


@pytest.mark.parametrize(
    ("text", "languages", "expected"),
    [
        pytest.param("7 Aralık 2026 10:30", ["tr"], "2026-12-07T10:30:00+04:00", id="turkish"),
        pytest.param(
            "7 Aralık 2026 10:30", ["ab", "tr"], "2026-12-07T10:30:00+04:00", id="no-abkhaz-locale"
        ),
        pytest.param(
            "7 December 2026 10:30", ["ab"], "2026-12-07T10:30:00+04:00", id="english-still-read"
        ),
        pytest.param("2 saat önce", ["tr"], "2026-12-08T11:00:00+04:00", id="turkish-relative"),
        pytest.param(  # last year's, not moved to this year
            "۷ دسامبر ۲۰۲۵ ساعت ۱۰:۳۰", ["fa"], "2025-12-07T10:30:00+04:00", id="persian-digits"
        ),
        pytest.param(
            "۲۰۲۶-۱۲-۰۷T۱۰:۳۰:۰۰+۰۳:۳۰", ["fa"], "2026-12-07T10:30:00+03:30", id="persian-iso"
        ),
        # Solar Hijri dates are not converted, and never misread
        pytest.param("۱۶ آذر ۱۴۰۵", ["fa"], None, id="solar-hijri-month"),
        pytest.param("۱۴۰۵/۰۹/۱۶", ["fa"], None, id="solar-hijri-numeric"),
        pytest.param("آذر ۱۴۰۵", ["fa"], None, id="solar-hijri-month-year"),
        pytest.param("۲۰۲۶", ["fa"], None, id="a-bare-year-is-no-day"),
        pytest.param("7 Aralık 2026", ["xx"], None, id="unknown-code-no-crash"),
    ],
)
def test_parse_date_in_other_languages(text, languages, expected):
    assert parse_date(text, languages, now=NOW) == expected
