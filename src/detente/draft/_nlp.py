"""Sentences, tokens and phrase matches from spaCy's rule-based English pipeline (no weights).

``spacy.blank("en")`` gives spaCy's tokenizer; its ``sentencizer`` splits sentences on final
punctuation. Names and issue terms are found with ``PhraseMatcher`` (whole tokens, so "US" is
not found inside "USB"), keeping the longest of overlapping matches.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Match", "Pipeline", "make_pipeline"]

_OPENING = {'"', "“", "«"}
_FINAL = {".", "!", "?"}


@dataclass(frozen=True)
class Match:
    """A phrase found in the text: its words, character span and what it stands for."""

    text: str
    start: int
    end: int
    key: str


class Pipeline:
    """One article's NLP: sentences and the gazetteer and lexicon matches within them."""

    def __init__(self, names: Mapping[str, str], terms: Mapping[str, str]) -> None:
        import spacy
        from spacy.matcher import PhraseMatcher

        self._nlp = spacy.blank("en")
        self._nlp.add_pipe("sentencizer")
        # Names are case-sensitive ("US" the state, "us" the pronoun); issue terms are not.
        self._names = PhraseMatcher(self._nlp.vocab, attr="ORTH")
        self._terms = PhraseMatcher(self._nlp.vocab, attr="LOWER")
        self._keys: dict[str, str] = {}
        for matcher, table, prefix in ((self._names, names, "A"), (self._terms, terms, "I")):
            for k, (phrase, key) in enumerate(table.items()):
                label = f"{prefix}{k}"
                self._keys[label] = key
                matcher.add(label, [self._nlp.make_doc(phrase)])

    def sentences(self, text: str) -> list[Any]:
        """spaCy sentence spans of ``text``."""
        doc = self._nlp(text)
        for token in doc[1:-1]:
            # A blank line ends a paragraph, and with it a sentence (titles have no full stop).
            if doc[token.i - 1].is_space and "\n" in doc[token.i - 1].text:
                token.is_sent_start = True
                continue
            # The sentencizer never starts a sentence on punctuation, so a straight opening
            # quote after a full stop ('. "We will...') would end the previous sentence; spaCy's
            # whitespace flags tell an opening quote (space before, none after) from a closing one.
            before = doc[token.i - 1]
            if (
                token.text in _OPENING
                and before.text in _FINAL
                and before.whitespace_
                and not token.whitespace_
            ):
                token.is_sent_start = True
                doc[token.i + 1].is_sent_start = False
        return list(doc.sents)

    def _find(self, matcher: Any, span: Any) -> list[Match]:
        from spacy.util import filter_spans

        found = filter_spans(matcher(span, as_spans=True))
        return [
            Match(m.text, m.start_char, m.end_char, self._keys[m.label_])
            for m in sorted(found, key=lambda m: m.start)
        ]

    def content_words(self, text: str) -> set[str]:
        """Lower-cased words of ``text`` that carry meaning (no stop words, numbers kept)."""
        return {
            t.lower_
            for t in self._nlp.make_doc(text)
            if (t.is_alpha or t.like_num) and not t.is_stop and len(t) > 2
        }

    def names(self, span: Any) -> list[Match]:
        """Gazetteer names in ``span``; ``key`` is the actor id."""
        return self._find(self._names, span)

    def terms(self, span: Any) -> list[Match]:
        """Lexicon terms in ``span``; ``key`` is the issue id."""
        return self._find(self._terms, span)


def make_pipeline(names: Mapping[str, str], terms: Mapping[str, str]) -> Pipeline:
    """A pipeline matching ``names`` (surface name → actor id) and ``terms`` (→ issue id).

    >>> p = make_pipeline({"Peskov": "russia"}, {"troops": "forces"})
    >>> s = p.sentences('It rained. "No troops," Peskov said.')[1]
    >>> [(m.text, m.key) for m in p.names(s)], [m.key for m in p.terms(s)]
    ([('Peskov', 'russia')], ['forces'])
    """
    return Pipeline(names, terms)
