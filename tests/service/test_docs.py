"""docs/api.md documents every setting and every route the service publishes."""

from __future__ import annotations

import re

from divert.service.settings import setting_docs

from .conftest import REPO_DOCS, Env


def test_every_setting_is_documented_with_its_help_text() -> None:
    text = (REPO_DOCS / "api.md").read_text(encoding="utf-8")
    for variable, help_text in setting_docs().items():
        assert help_text, f"{variable} has no help text"
        assert f"`{variable}`" in text, f"{variable} is missing from docs/api.md"


def test_every_route_in_the_openapi_document_is_in_the_endpoint_table(env: Env) -> None:
    text = (REPO_DOCS / "api.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"\| `([A-Z]+ /[^`]+)` \| `([a-z.]+)` \|", text))
    spec = env.client.get("/openapi.json").json()
    published = {(f"{m.upper()} {p}", op["x-operation"])
                 for p, ms in spec["paths"].items() for m, op in ms.items()}
    assert published - documented == set()
