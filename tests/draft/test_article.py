"""Reading articles: HTML with its meta tags, front matter, Markdown marks, and bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.draft import parse_article, read_article
from detente.errors import ArticleError


def test_html_article_takes_its_metadata_from_meta_tags_and_drops_scripts(news: Path) -> None:
    a = read_article(news / "meta.html")
    assert a.title == "Kyiv rejects withdrawal demand"
    assert (a.publisher, a.date, a.url) == (
        "Example Wire",
        "2026-01-05",
        "https://example.org/wire/kyiv-rejects",
    )
    assert "tracking" not in a.text and "Home | World" not in a.text
    # Inline tags (<em>) do not break a sentence: the words stay in one line.
    assert "Ukraine will never withdraw from the Donetsk region." in a.text


def test_front_matter_gives_title_publisher_date_and_url(news: Path) -> None:
    a = read_article(news / "paris-analysis.md")
    assert a.title.startswith("Paris meeting: guarantees agreed")
    assert a.date == "2026-01-07"
    assert a.url == "https://example.org/detente/paris-analysis"
    assert not a.text.startswith("#")  # the Markdown heading mark is gone, its words kept


def test_without_front_matter_the_first_line_is_the_title() -> None:
    a = parse_article(b"Talks resume\n\nZelensky said so.", name="plain.txt")
    assert (a.title, a.text, a.date) == ("Talks resume", "Zelensky said so.", None)


def test_markdown_links_and_emphasis_keep_their_words() -> None:
    a = parse_article(b"T\n\n**Macron** said [this](http://x.org) *now*.", name="a.md")
    assert a.text == "Macron said this now."


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty; expected an article"),
        (b"\x00\x01binary", "this is a binary file, not an article"),
        (b"\xff\xfe\xfa", "the file is not UTF-8 text"),
        (b"---\ntitle: [unclosed\n---\ntext", "the front matter is not valid YAML"),
    ],
)
def test_unreadable_articles_are_refused_by_name(data: bytes, message: str) -> None:
    with pytest.raises(ArticleError, match=rf"^bad\.txt: {message}"):
        parse_article(data, name="bad.txt")


def test_a_missing_article_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ArticleError, match=r"nope\.txt: no such article file"):
        read_article(tmp_path / "nope.txt")
