"""One routes module per resource: health, scenarios, runs, cases (built-ins and models)."""
