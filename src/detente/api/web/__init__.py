"""The web app: server-rendered pages (Jinja2) made live with htmx; charts with plotly.js.

Both scripts are served from installed packages (plotly's wheel; htmx from the npm lockfile,
copied in by ``make setup``), so the pages work with no internet.
"""
