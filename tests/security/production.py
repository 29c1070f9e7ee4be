"""The README's production environment, read from the README itself (the ```sh block after
<!-- production-environment -->), for the tests that run the app as it is deployed."""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MARKER = "<!-- production-environment -->"


def readme_production_environment() -> dict[str, str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    after = text.split(MARKER, 1)[1]
    block = re.match(r"\s*```sh\n(.*?)\n```", after, re.S)
    assert block, "the README's production environment is a ```sh block right after the marker"
    variables = {}
    for line in block.group(1).splitlines():
        name, _, value = line.partition("=")
        assert re.fullmatch(r"[A-Z_]+", name), line
        variables[name] = value
    return variables


def production_env(**overrides) -> dict[str, str]:
    variables = readme_production_environment()
    if variables["SECRET_KEY"].startswith("<"):
        variables["SECRET_KEY"] = secrets.token_urlsafe(50)
    # A clean environment: nothing of the test run's own settings (DATABASE_URL, DEBUG…) leaks in.
    base = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "SYSTEMROOT") if k in os.environ}
    env = {**base, **variables, **overrides}
    return {k: v for k, v in env.items() if v is not None}
