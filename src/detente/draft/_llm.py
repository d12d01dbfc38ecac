"""The optional engine: an OpenAI-compatible ``/v1/chat/completions`` endpoint the user runs.

The model is asked for JSON following a schema (``response_format`` of type ``json_schema``);
its answer is validated with pydantic, and every quote not found verbatim in the article is
dropped and reported, so a model cannot put words in anyone's mouth.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Literal

import httpx
from pydantic import BaseModel, ConfigDict, ValidationError

from ..errors import ArticleError
from ._article import Article
from ._gazetteer import Gazetteer
from ._lexicon import Lexicon
from ._nlp import Pipeline
from ._statements import Statement

if TYPE_CHECKING:
    from ._extract import LlmEngine

__all__ = ["llm_statements"]


class _Item(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["rejection", "conditional", "demand", "commitment", "position", "fact"]
    quote: str
    speaker: str | None = None
    actor: str | None = None
    issues: list[str] = []


class _Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    statements: list[_Item]


_PROMPT = (
    "You extract statements from a news article for a negotiation analyst. For each stated "
    "position, commitment, demand, rejection or conditional offer give: kind, the exact quote "
    "(copied character for character from the article), the speaker as written, the actor id "
    "the speaker stands for (one of: {actors}), and the issue ids it concerns (of: {issues}). "
    "Facts the article states itself are kind 'fact' with no speaker. Answer with JSON only."
)


def _endpoint(url: str) -> str:
    url = url.rstrip("/")
    if url.endswith("/chat/completions"):
        return url
    return url + ("/chat/completions" if url.endswith("/v1") else "/v1/chat/completions")


def llm_statements(
    article: Article, engine: LlmEngine, gazetteer: Gazetteer, lexicon: Lexicon, pipeline: Pipeline
) -> tuple[list[Statement], list[str]]:
    """Statements from the endpoint; and the dropped quotes, each with the reason."""
    system = _PROMPT.format(
        actors=", ".join(sorted(gazetteer.entries)), issues=", ".join(sorted(lexicon.issues))
    )
    body = {
        "model": engine.model,
        "messages": [
            {"role": "system", "content": system},
            {"role": "user", "content": article.text},
        ],
        "temperature": 0,
        "response_format": {
            "type": "json_schema",
            "json_schema": {
                "name": "statements",
                "strict": True,
                "schema": _Answer.model_json_schema(),
            },
        },
    }
    url = _endpoint(engine.url)
    try:
        response = httpx.post(url, json=body, timeout=engine.timeout)
        response.raise_for_status()
        content = response.json()["choices"][0]["message"]["content"]
        answer = _Answer.model_validate(json.loads(content))
    except httpx.HTTPError as exc:
        raise ArticleError(f"the language-model endpoint {url} failed: {exc}") from None
    except (KeyError, IndexError, TypeError, json.JSONDecodeError) as exc:
        raise ArticleError(
            f"the language-model endpoint {url} did not answer in the chat-completions shape "
            f"with JSON content ({type(exc).__name__}: {exc})"
        ) from None
    except ValidationError as exc:
        raise ArticleError(
            f"the language model's answer does not follow the schema: {exc.errors()[0]['msg']} "
            f"at {'.'.join(str(p) for p in exc.errors()[0]['loc'])}"
        ) from None
    kept: list[Statement] = []
    dropped: list[str] = []
    sentences = pipeline.sentences(article.text)
    for item in answer.statements:
        start = article.text.find(item.quote)
        if not item.quote or start < 0:
            dropped.append(f'{article.name}: "{item.quote}" is not in the article (dropped)')
            continue
        actor = item.actor if item.actor in gazetteer.entries else None
        if item.actor and actor is None:
            dropped.append(f"{article.name}: unknown actor '{item.actor}' (quote kept, no actor)")
        sentence = next(
            (s.text.strip() for s in sentences if s.start_char <= start < s.end_char), item.quote
        )
        kept.append(
            Statement(
                kind=item.kind if actor or item.kind == "fact" else "fact",
                quote=item.quote,
                sentence=sentence,
                article=article.name,
                start=start,
                speaker=item.speaker if actor else None,
                actor=actor,
                issues=tuple(i for i in item.issues if i in lexicon.issues),
            )
        )
    return kept, dropped
