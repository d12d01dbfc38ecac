"""From the news to the scenario: drafts, proposed changes with verbatim evidence.

>>> from detente.draft import draft_scenario, parse_article
>>> a = parse_article(b'"We will never give up Crimea," said Zelensky.', name="a.txt")
>>> s = draft_scenario([a])
>>> s.status, s.actor_ids, s.issue_ids
('draft', ['ukraine'], ['crimea'])
"""

from __future__ import annotations

from ._article import Article, parse_article, read_article
from ._build import draft_scenario
from ._changes import Change, apply_changes, propose_changes
from ._extract import Extraction, LlmEngine, Placement, extract
from ._gazetteer import Gazetteer, load_gazetteer
from ._lexicon import Lexicon, load_lexicon
from ._statements import Statement

__all__ = [
    "Article",
    "Change",
    "Extraction",
    "Gazetteer",
    "Lexicon",
    "LlmEngine",
    "Placement",
    "Statement",
    "apply_changes",
    "draft_scenario",
    "extract",
    "load_gazetteer",
    "load_lexicon",
    "parse_article",
    "propose_changes",
    "read_article",
]
