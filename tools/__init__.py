"""Repository tooling: deployment checks (charts, compose) run by the Makefile."""
