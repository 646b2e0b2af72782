"""What the OpenAPI document adds to FastAPI's own, so that it agrees with the server (red-team
finding 11: the page-size limit, role lists and header rules were missing from it).

Each operation gets `x-roles` (who may call it, from the checked-in role × operation table)
and the same list in its description; `page_size` gets the configured maximum; If-Match and
Idempotency-Key get the shapes the server accepts; and operations with a body document 413.
"""

from __future__ import annotations

from typing import Any

from divert.cases import access
from divert.service.bounds import MAX_INT
from divert.service.errors import responses
from divert.service.idempotency import MAX_KEY
from divert.service.settings import Settings

PUBLIC, SESSION = "public", "session"
IF_MATCH = r'^\s*(W/)?"?[0-9]{1,10}"?\s*$'
METHODS = ("get", "put", "post", "delete", "patch", "options", "head", "trace")


def roles_for(operation: str) -> list[str]:
    """Every role the table allows `operation` (any role for a session route, none needed
    for a public one)."""
    if operation == PUBLIC:
        return []
    if operation == SESSION:
        return list(access.ROLES)
    return [role for role in access.ROLES if access.is_allowed(role, operation)]


def _who(operation: str, roles: list[str]) -> str:
    if operation == PUBLIC:
        return "Who may call it: anyone, no login needed."
    if operation == SESSION:
        return "Who may call it: any logged-in account."
    return f"Who may call it (operation `{operation}`): {', '.join(roles) or 'no role'}."


def _parameter(param: dict[str, Any], settings: Settings) -> None:
    schema = param.setdefault("schema", {})
    name = param.get("name")
    if name == "page_size" and param.get("in") == "query":
        schema["maximum"] = settings.max_page_size
        param["description"] = (f"Items per page, 1 to {settings.max_page_size} "
                                "(DIVERT_MAX_PAGE_SIZE); more is a 422, never cut silently.")
    elif name == "If-Match" and param.get("in") == "header":
        _set_string(schema, pattern=IF_MATCH)
        param["description"] = ("The row `version` you read: a whole number from 1 to "
                                f"{MAX_INT}, optionally quoted or W/. Missing: 428; "
                                "not a version: 422; stale: 412.")
    elif name == "Idempotency-Key" and param.get("in") == "header":
        _set_string(schema, minLength=1, maxLength=MAX_KEY)
        param["description"] = (f"Any 1 to {MAX_KEY} characters: a retry with the same key "
                                "and body replays the first answer; another body is a 422.")


def _set_string(schema: dict[str, Any], **rules: Any) -> None:
    """Put the rules on the string branch of `str | None` (anyOf) or on the schema itself."""
    for branch in schema.get("anyOf", [schema]):
        if branch.get("type", "string") == "string":
            branch.update(rules)


def annotate(doc: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """Add roles, limits and header rules to FastAPI's document, in place; returns it."""
    for item in doc.get("paths", {}).values():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            operation = op.get("x-operation", "")
            roles = roles_for(operation)
            op["x-roles"] = roles
            op["description"] = "\n\n".join(
                p for p in (op.get("description", "").strip(), _who(operation, roles)) if p)
            for param in op.get("parameters", []):
                _parameter(param, settings)
            if "requestBody" in op:
                op["responses"].update(
                    {k: v for k, v in responses(413).items() if str(k) not in op["responses"]})
    return doc
