"""Property-based requests over the whole OpenAPI schema: whatever a client sends, the server
answers without a 5xx. Bounded (a few examples per operation) so it stays quick."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from detente.api import Settings, create_app

pytestmark = pytest.mark.slow

EXAMPLES_PER_OPERATION = 12


def test_no_generated_request_makes_the_server_fail(tmp_path: Path) -> None:
    # Small runs only (max_draws) so generated run requests stay cheap. The report endpoint is
    # left out: its PDF variant starts Chromium per call; test_report.py covers it.
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path}/fuzz.sqlite3", max_draws=500))
    with TestClient(app):  # runs the lifespan, so background runs start and stop cleanly
        schema = schemathesis.openapi.from_asgi("/openapi.json", app).exclude(
            path_regex=r"/report$"
        )
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 15, [op.label for op in operations]
        for operation in operations:

            @given(case=operation.as_strategy())
            @settings(
                max_examples=EXAMPLES_PER_OPERATION,
                deadline=None,
                suppress_health_check=list(HealthCheck),
                database=None,
            )
            def check(case: schemathesis.Case) -> None:
                case.call_and_validate(checks=[not_a_server_error])

            check()
