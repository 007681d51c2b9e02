"""The boilerplate that survives a general extractor, recognised line by line.

trafilatura keeps what sits inside the article's container; news sites put there more than
the article: "Read more:" and "Related:" links, newsletter and donation appeals, share and
follow lines, comment counters, reading times, "Filed under" lines, credits ("Reporting by
...; Editing by ..."), photo credits and bare datelines. Each is recognised by its wording in
English, Georgian, Armenian, Azerbaijani and Russian (and the commonest European languages),
and only in a short paragraph: an article that discusses newsletters keeps its sentences.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .byline import dates_in

# A paragraph longer than this is prose, whatever words it holds.
_SHORT = 300
_APPEAL_CHARS = 500  # a subscription pitch runs longer
_NON_WORD = re.compile(r"\W+")
_WORDS = re.compile(r"[^\W\d_]+")

# Paragraphs that announce links to other articles: dropped when short.
_RELATED = re.compile(
    r"^\W*(?:(?:related|recommended|more|trending|popular|по теме|ещё по теме|еще по теме"
    r"|подробнее|დაკავშირებული|მსგავსი სიახლეები|առնչվող|əlaqəli xəbərlər|mövzu ilə bağlı"
    r"|oxşar xəbərlər|digər xəbərlər)\s*:"
    r"|related (?:posts?|articles?|stories|story|coverage|content|news|reading|links?|topics?)"
    r"\s*(?:[:|»›]|$)"
    r"|read (?:more|also|next)\b|also read\b|must read\b|see also\b|see more:\s*\w|also on [\w.]+"
    r"|more (?:on this (?:story|topic)|stories|news|coverage)\s*(?:[:|»›]|$)"
    r"|recommended (?:for you|reading)\s*(?:[:|»›]|$)"
    r"|you (?:may|might) (?:also )?(?:like|enjoy|be interested)|don'?t miss\b|further reading\b"
    r"|lesen sie (?:auch|mehr)\b|mehr zum thema\b|auch interessant\b|weiterlesen\b"
    r"|lire (?:aussi|la suite)\b|à lire (?:aussi|également)\b|voir aussi\b"
    r"|leia (?:também|mais)\b|veja (?:também|mais)\b|lee (?:también|más)\b|leer más\b"
    r"|te puede interesar\b|leggi anche\b"
    r"|читайте (?:также|еще|ещё|далее)\b|читать (?:также|далее)\b|смотрите также\b"
    r"|см\. также|похожие (?:новости|материалы)\b|также читайте\b"
    r"|ასევე (?:წაიკითხეთ|იხილეთ|ნახეთ)|წაიკითხეთ (?:ასევე|მეტი)|იხილეთ ასევე"
    r"|կարդացեք (?:նաև|նույնպես)|տես(?:ե՛?ք)? նաև|նաև կարդացեք"
    r"|həmçinin (?:oxuyun|baxın)|daha çox oxu)",
    re.IGNORECASE,
)
# Short lines that are a widget's label, whole.
_LABELS = frozenset(
    _NON_WORD.sub(" ", label).strip()
    for label in (
        "comments",
        "comment",
        "leave a comment",
        "leave a reply",
        "add comment",
        "post a comment",
        "show comments",
        "view comments",
        "tell us what you think",
        "what do you think",
        "share",
        "share this",
        "share this article",
        "share this story",
        "share on facebook",
        "share on twitter",
        "share this post",
        "tweet",
        "print",
        "email",
        "e-mail",
        "advertisement",
        "sponsored",
        "sponsored content",
        "like this story share it with a friend",
        "follow us",
        "listen to this article",
        "listen",
        "back to top",
        "top",
        "copy link",
        "link copied",
        "url copied",
        "kommentare",
        "teilen",
        "anzeige",
        "werbung",
        "partager",
        "commentaires",
        "publicité",
        "compartir",
        "comentarios",
        "publicidad",
        "comentários",
        "compartilhar",
        "condividi",
        "commenti",
        "pubblicità",
        "комментарии",
        "поделиться",
        "реклама",
        "комментировать",
        "версия для печати",
        "კომენტარები",
        "გაზიარება",
        "რეკლამა",
        "კომენტარი",
        "մեկնաբանություններ",
        "կիսվել",
        "գովազդ",
        "տարածել",
        "şərhlər",
        "paylaş",
        "paylașın",
        "reklam",
        "şərh yaz",
    )
)
# Appeals anywhere in a short paragraph: newsletters, subscriptions, donations, follow us.
_APPEALS = re.compile(
    r"\b(?:sign up|subscribe|register)\b[^.!?]{0,80}\b(?:newsletters?|inbox|daily|weekly)\b"
    r"|\bnewsletters?\b[^.!?]{0,60}\b(?:sign up|subscribe|inbox|delivered)\b"
    r"|^[\w\s'’-]{0,30}newsletter\W*$"
    r"|\bdelivered (?:to|through) your (?:inbox|letterbox|door)"
    r"|\bget (?:access|the latest)\b[^.!?]{0,80}\b(?:subscri\w+|inbox|newsletters?)"
    r"|\bfollow (?:us|him|her|them|[\w.@ ]{1,40}?) on (?:twitter|facebook|instagram|telegram"
    r"|youtube|linkedin|tiktok|x\b)"
    r"|\bon (?:facebook|twitter|instagram), (?:twitter|instagram|facebook|youtube)"
    r"|\b(?:donate|make a donation|support (?:our|independent) journalism|become a (?:member|patron"
    r"|supporter))\b"
    r"|\bclick here (?:for more|to (?:subscribe|sign up|read|learn))"
    r"|подпис(?:ывайтесь|итесь) на (?:наш|нас)|присоединяйтесь к нам|поддержите (?:нас|редакцию)"
    r"|გამოიწერეთ|გამოგვიწერეთ|შემოგვიერთდით|მოგვყევით"
    r"|მხარი დაგვიჭირე|მხარი დაუჭირე(?:თ)? (?:დამოუკიდებელ|ჩვენ)|გახდი(?:თ)? (?:ჩვენი )?"
    r"(?:წევრი|მხარდამჭერი)"
    r"|բաժանորդագրվե|միացե՛?ք մեզ|հետևեք մեզ|աջակցե՛?ք (?:մեզ|անկախ)"
    r"|abunə ol|bizi izləyin|kanalımıza qoşulun|telegram kanalımız|bizə dəstək ol"
    r"|abonnieren sie|folgen sie uns|unterstützen sie",
    re.IGNORECASE,
)
# Words one of which every appeal holds: a cheap test before the expression.
_APPEAL_WORDS = (
    "sign up",
    "subscri",
    "register",
    "newsletter",
    "deliver",
    "get access",
    "get the latest",
    "follow",
    "facebook",
    "twitter",
    "donat",
    "support",
    "become a",
    "click here",
    "подпис",
    "присоедин",
    "поддерж",
    "გამოიწერ",
    "გამოგვიწერ",
    "შემოგვიერთ",
    "მოგვყევ",
    "მხარი",
    "გახდი",
    "բաժանորդ",
    "միաց",
    "հետևեք",
    "աջակց",
    "abunə",
    "izləy",
    "qoşul",
    "dəstək",
    "telegram",
    "abonnier",
    "folgen sie",
    "unterstützen",
)
# Lines about the article rather than of it.
_META_LINES = re.compile(
    r"^\W*(?:filed under|posted in|categories|category|tags?|tagged|topics|keywords"
    r"|source|sources|quelle|источник|წყარო|աղբյուր|mənbə"
    r"|reading time|read time|tempo de leitura|lesezeit|temps de lecture|tiempo de lectura"
    r"|время чтения|(?:\d+)\s*min(?:ute)?s? read"
    r"|(?:additional )?reporting by|(?:writing|editing|edited|compiled|translated) by"
    r"|(?:photos?|images?|pictures?|video|foto|fotos|фото|видео|ფოტო|ვიდეო|լուսանկար(?:ներ)?"
    r"|տեսանյութ|şəkil|video)\s*(?:by|credits?)?\s*[:©]\s*\w)",
    re.IGNORECASE,
)
_CONTRIBUTED = re.compile(r"\bcontributed (?:reporting|to this (?:report|article|story))\b", re.I)
_CREDIT = re.compile(r"^\W*(?:photo|фото|ფოტო|լուսանկարը?)\s*[:՝]\s*\w", re.I)
_UPDATED_AT = re.compile(
    r"^(?:updated|published|posted|last updated|обновлено|опубликовано|განახლდა|თარიღი"
    r"|թարմացվել|yenilənib)(?: at| on)?:?\s*[\d:.\sapm]+$",
    re.IGNORECASE,
)
_SHORTCODE = re.compile(r"^\[(?:/?[a-z_]+)(?:\s[^\]]*)?\].*\[/[a-z_]+\]$", re.IGNORECASE)


def _key(text: str) -> str:
    return _NON_WORD.sub(" ", text.casefold()).strip()


def _appeal(paragraph: str) -> bool:
    folded = paragraph.casefold()
    return any(word in folded for word in _APPEAL_WORDS) and bool(_APPEALS.search(paragraph))


def _bare_date(paragraph: str) -> bool:
    """A paragraph that is only a date (with a weekday, a time, a place or a label)."""
    if len(paragraph) > 80:
        return False
    found = list(dates_in(paragraph))
    if len(found) != 1 or "@" in paragraph or paragraph.startswith(("—", "–", "-")):
        return False  # a tweet's signature ("— Name (@name) November 18, 2019"), a period
    _, start, end = found[0]
    rest = paragraph[:start] + " " + paragraph[end:]
    return len(_WORDS.findall(rest)) <= 4


def is_boilerplate(paragraph: str) -> bool:
    """Whether a paragraph is one of the lines sites wrap around an article."""
    if len(paragraph) > _SHORT:
        return len(paragraph) <= _APPEAL_CHARS and _appeal(paragraph)
    key = _key(paragraph)
    if not key or key in _LABELS:
        return True
    bare = paragraph.lstrip("[(").strip()
    if _RELATED.match(bare) or _META_LINES.match(bare) or _UPDATED_AT.match(bare):
        return True
    if _SHORTCODE.match(paragraph):
        return True
    if _appeal(paragraph):
        return True
    if len(paragraph) < 120 and (_CREDIT.match(paragraph) or _CONTRIBUTED.search(paragraph)):
        return True
    return _bare_date(paragraph)


def drop_boilerplate(paragraphs: Sequence[str]) -> list[str]:
    """The paragraphs that are the article's."""
    return [p for p in paragraphs if not is_boilerplate(p)]
