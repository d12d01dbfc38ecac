"""Web pages from the news: proposed changes with their quotes (accept or reject each, saved as
a new version), and the forecast timeline of a scenario's versions.

The review page is stateless: the uploaded articles travel in hidden fields, and accepting runs
the same deterministic extraction again, so what is saved is what was shown.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from ..._history import save_on_top, stored_versions, versions
from ..._timeline import timeline_of
from ...draft import Article, apply_changes, parse_article, propose_changes
from ...errors import ArticleError, DetenteError
from ...report import timeline_figure
from .._deps import DbSession, ServicesDep, Writer, author_name, resolve_scenario

router = APIRouter(include_in_schema=False)

# Articles per review: a handful is a day's reading; many more is a mistake (and slow).
MAX_ARTICLES = 10


def _page(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request, name, context, status_code=status_code
    )


async def _articles(
    request: Request,
) -> tuple[list[Article], dict[str, str], list[tuple[str, str]]]:
    """Articles from uploaded files or from the hidden fields of a review; the form's fields;
    each article's file name and text as uploaded (for the review's hidden fields)."""
    form = await request.form()
    texts: list[tuple[str, str]] = []
    for item in form.getlist("articles"):
        if isinstance(item, UploadFile) and item.filename:
            data = await item.read()
            texts.append((item.filename, data.decode("utf-8", errors="replace")))
    names = [v for v in form.getlist("article_name") if isinstance(v, str)]
    bodies = [v for v in form.getlist("article_text") if isinstance(v, str)]
    # Browsers send a textarea's line ends as CRLF; the article was read with LF.
    texts += [(n, b.replace("\r\n", "\n")) for n, b in zip(names, bodies, strict=False)]
    if not texts:
        raise ArticleError("choose at least one article file (text, Markdown or HTML)")
    if len(texts) > MAX_ARTICLES:
        raise ArticleError(f"at most {MAX_ARTICLES} articles at once; got {len(texts)}")
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    fields["accept"] = ",".join(v for v in form.getlist("accept") if isinstance(v, str))
    return [parse_article(t.encode("utf-8"), name=n) for n, t in texts], fields, texts


@router.get("/scenarios/{ref}/news", response_class=HTMLResponse)
def news_form(request: Request, ref: str, session: DbSession, services: ServicesDep) -> Response:
    """Upload articles to see the changes they propose to this scenario."""
    scenario, canonical, _v = resolve_scenario(session, ref, scenarios=services.scenarios)
    return _page(request, "news.html", scenario=scenario, ref=canonical, changes=None)


@router.post("/scenarios/{ref}/news", response_class=HTMLResponse)
async def news_review(request: Request, ref: str, services: ServicesDep) -> Response:
    """The proposed changes, each with its quotes and a checkbox."""
    with services.store.session() as session:
        scenario, canonical, _v = resolve_scenario(session, ref, scenarios=services.scenarios)
    try:
        articles, _fields, raw = await _articles(request)
        changes = propose_changes(scenario, articles)
    except DetenteError as exc:
        return _page(
            request, "news.html", 422, scenario=scenario, ref=canonical, changes=None, error=exc
        )
    return _page(
        request,
        "news.html",
        scenario=scenario,
        ref=canonical,
        changes=changes,
        articles=articles,
        raw=raw,
    )


@router.post("/scenarios/{ref}/news/accept")
async def news_accept(
    request: Request, ref: str, services: ServicesDep, writer: Writer
) -> Response:
    """Save the accepted changes as a new version whose note names the articles."""
    with services.store.session() as session:
        scenario, canonical, version = resolve_scenario(session, ref, scenarios=services.scenarios)
    try:
        articles, fields, _raw = await _articles(request)
        changes = propose_changes(scenario, articles)
        chosen = [i for i in fields["accept"].split(",") if i]
        if not chosen:
            raise DetenteError("tick at least one change to accept")
        updated = apply_changes(scenario, changes, chosen)
    except DetenteError as exc:
        return _page(
            request, "news.html", 422, scenario=scenario, ref=canonical, changes=None, error=exc
        )
    who = author_name(fields.get("author"), writer)
    note = ("accepted " + ", ".join(chosen) + " from " + "; ".join(
        f"'{a.title}' ({a.date or 'undated'}, {a.name})" for a in articles
    ))[:2000]  # fmt: skip
    with services.store.session() as session:
        # A built-in is stored as it was, then the update on top.
        record = save_on_top(
            session,
            scenario,
            updated,
            scenario_id=None if version is None else int(canonical),
            base_version=version or 1,
            author=who,
            note=note,
            origin=f"the built-in {canonical}",
        )
    return RedirectResponse(
        f"/scenarios/{record.id}?saved={record.latest_version}", status_code=303
    )


@router.get("/scenarios/{ref}/timeline", response_class=HTMLResponse)
def timeline_page(
    request: Request, ref: str, session: DbSession, services: ServicesDep
) -> HTMLResponse:
    """How the forecasts moved across the versions (dated by ``as_of``), and why."""
    _scenario, canonical, version = resolve_scenario(session, ref, scenarios=services.scenarios)
    history = stored_versions(session, int(canonical)) if version else versions(canonical)
    result = timeline_of(history, deal=False)
    chart = timeline_figure(result.to_json()).to_html(
        full_html=False, include_plotlyjs=False, config={"displaylogo": False, "responsive": True}
    )
    return _page(request, "timeline.html", ref=canonical, timeline=result, chart=chart)
