"""A news article as plain text with its metadata (title, publisher, date, URL).

Three inputs, told apart by the file's suffix: HTML (``.html``/``.htm``), Markdown (``.md``)
and plain text (anything else). Metadata comes from the HTML ``<meta>`` tags (Open Graph and
``article:published_time``, ``<title>``, the canonical link), or for text and Markdown from a
YAML front-matter block::

    ---
    title: Paris talks end with allies committing to Ukraine security guarantees
    publisher: Example News
    date: 2026-01-07
    url: https://example.org/paris
    ---

Without front matter the first line is the title. Quotes cited later are verbatim in
:attr:`Article.text`: the article's words with runs of white space made single spaces and
Markdown marks (``#``, ``**``, links) taken out, nothing else changed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import ArticleError

__all__ = ["Article", "iso_date", "parse_article", "read_article"]

# An article of a few thousand words is tens of KB; far more is the wrong file.
MAX_ARTICLE_BYTES = 5 * 1024 * 1024
_BLOCKS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "blockquote", "figcaption")
_FRONT = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*\n", re.DOTALL)
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_MARKS = re.compile(r"(\*\*|__|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w))")


@dataclass(frozen=True)
class Article:
    """An article's text (paragraphs separated by blank lines) and what is known about it."""

    name: str
    text: str
    title: str
    publisher: str | None = None
    date: str | None = None
    url: str | None = None


def iso_date(text: str | None) -> dt.date | None:
    """The ``YYYY-MM-DD`` date at the start of ``text`` (an article's or a source's date), if any.

    >>> iso_date("2026-01-05T09:30:00Z"), iso_date("[2026-01]")
    (datetime.date(2026, 1, 5), None)
    """
    try:
        return dt.date.fromisoformat((text or "")[:10])
    except ValueError:
        return None


def _spaces(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _without_title(paragraphs: list[str], title: str | None) -> list[str]:
    """The body without a leading heading that repeats the title (it is the source's title, not
    a sentence of the article)."""
    if len(paragraphs) > 1 and title and paragraphs[0] == _spaces(title):
        return paragraphs[1:]
    return paragraphs


def _from_html(html: str, name: str) -> Article:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "noscript", "nav", "footer"]):
        tag.decompose()

    def meta(*keys: str) -> str | None:
        for key in keys:
            for attr in ("property", "name", "itemprop"):
                found = soup.find("meta", attrs={attr: key})
                content = found.get("content") if found is not None else None
                if isinstance(content, str) and content.strip():
                    return content.strip()
        return None

    blocks = [_spaces(tag.get_text()) for tag in soup.find_all(_BLOCKS)]
    paragraphs = [b for b in blocks if b]
    if not paragraphs:
        paragraphs = [_spaces(soup.get_text(" "))]
    canonical = soup.find("link", attrs={"rel": "canonical"})
    href = canonical.get("href") if canonical is not None else None
    title_tag = soup.find("title")
    title = meta("og:title", "twitter:title") or (
        _spaces(title_tag.get_text()) if title_tag is not None else None
    )
    date = meta("article:published_time", "datePublished", "date", "dc.date")
    return Article(
        name=name,
        text="\n\n".join(_without_title(paragraphs, title)),
        title=title or paragraphs[0][:200],
        publisher=meta("og:site_name", "publisher", "author"),
        date=date[:10] if date else None,
        url=meta("og:url") or (href if isinstance(href, str) else None),
    )


def _from_text(text: str, name: str, *, markdown: bool) -> Article:
    front: dict[str, object] = {}
    match = _FRONT.match(text)
    if match:
        try:
            loaded = yaml.safe_load(match.group(1))
        except yaml.YAMLError as exc:
            raise ArticleError(f"{name}: the front matter is not valid YAML: {exc}") from None
        if not isinstance(loaded, dict):
            raise ArticleError(f"{name}: the front matter must be 'key: value' lines")
        front = loaded
        text = text[match.end() :]
    paragraphs = []
    for block in re.split(r"\n\s*\n", text):
        if markdown:
            block = _MD_MARKS.sub("", _MD_LINK.sub(r"\1", re.sub(r"(?m)^\s*#+\s*", "", block)))
        block = _spaces(block)
        if block:
            paragraphs.append(block)
    if not paragraphs:
        raise ArticleError(f"{name}: the article has no text")
    title = front.get("title")
    if not title:
        title, paragraphs = paragraphs[0], paragraphs[1:] or paragraphs

    def field(key: str) -> str | None:
        value = front.get(key)
        return str(value) if value not in (None, "") else None

    return Article(
        name=name,
        text="\n\n".join(_without_title(paragraphs, str(title))),
        title=str(title),
        publisher=field("publisher"),
        date=field("date"),
        url=field("url"),
    )


def parse_article(data: bytes, *, name: str) -> Article:
    """An article from the bytes of a file called ``name`` (the suffix tells the format).

    >>> a = parse_article(b"---\\ntitle: Talks\\ndate: 2026-01-06\\n---\\nHe said so.", name="a.md")
    >>> a.title, a.date, a.text
    ('Talks', '2026-01-06', 'He said so.')
    """
    if len(data) > MAX_ARTICLE_BYTES:
        raise ArticleError(
            f"{name}: the file is {len(data) / 1e6:.1f} MB; articles are limited to "
            f"{MAX_ARTICLE_BYTES / 1e6:.0f} MB"
        )
    if b"\x00" in data[:8192]:
        raise ArticleError(f"{name}: this is a binary file, not an article (text, Markdown, HTML)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ArticleError(
            f"{name}: the file is not UTF-8 text (byte {exc.start} cannot be decoded)"
        ) from None
    if not text.strip():
        raise ArticleError(f"{name}: the file is empty; expected an article")
    suffix = Path(name).suffix.lower()
    if suffix in (".html", ".htm"):
        return _from_html(text, name)
    return _from_text(text, name, markdown=suffix in (".md", ".markdown"))


def read_article(path: str | Path) -> Article:
    """An article from a file (plain text, Markdown or HTML)."""
    p = Path(path)
    if not p.is_file():
        raise ArticleError(f"{path}: no such article file")
    return parse_article(p.read_bytes(), name=str(path))
