import detente


def test_emission_compromise_matches_spec() -> None:
    # specs/baselines.md §7 and eum.md §9.2: weighted mean 7.389956.
    assert detente.forecast("emission-standards-1994").outcomes["lag"] == pytest_approx(7.389956)


def pytest_approx(x: float):  # type: ignore[no-untyped-def]
    import pytest

    return pytest.approx(x, abs=1e-6)
