"""The OpenAPI description: token authentication, responses every endpoint can give, and
the schema and docs views.

The docs page is our own page, rendered on the server from the same OpenAPI schema the
schema endpoint serves, inside the site's layout (header, menu, footer) — not Swagger UI:
that is a large JavaScript application that draws nothing without scripts, needs inline
styles our CSP refuses, and did not pass axe-core (issue 9). People who want an interactive
console point their own tool (Swagger UI, Postman, curl) at the schema URL.

`document_common_responses` is a drf-spectacular postprocessing hook: it documents, once,
the answers any endpoint may give besides its own (401 without a valid token, 429 when
throttled, 404 for a page number past the end of a paginated list), so the schema says
what is really sent; the fuzz test checks every response against it.
"""

from dataclasses import dataclass, field
from functools import lru_cache

from django.urls import reverse
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework.renderers import TemplateHTMLRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from imhhv.accounts.policies import SIGNED_IN
from imhhv.api.permissions import PolicyPermission


class ExpiringTokenScheme(OpenApiAuthenticationExtension):
    target_class = "imhhv.api.authentication.ExpiringTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Token sign-in: `Authorization: Token <key>` "
            "(from POST /api/v1/auth/token/; valid 8 hours).",
        }


_DETAIL = {
    "application/json": {
        "schema": {
            "type": "object",
            "properties": {"detail": {"type": "string"}},
            "required": ["detail"],
        }
    }
}
COMMON_RESPONSES = {
    "401": "No valid token or session.",
    "429": "Too many requests: wait and retry (the detail says how long).",
}
PAGE_PAST_THE_END = "Missing or out of scope (alike), or a page number that does not exist."


def document_common_responses(result, generator, request, public):
    for methods in result.get("paths", {}).values():
        for method, operation in methods.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for code, text in COMMON_RESPONSES.items():
                responses.setdefault(code, {"description": text, "content": _DETAIL})
            paginated = any(p.get("name") == "page" for p in operation.get("parameters", []))
            if method == "get" and paginated:
                responses.setdefault("404", {"description": PAGE_PAST_THE_END, "content": _DETAIL})
    return result


class SchemaView(SpectacularAPIView):
    access_policy = SIGNED_IN
    permission_classes = [PolicyPermission]


# --- the docs page -----------------------------------------------------------------------

METHODS = ("get", "post", "put", "patch", "delete")


@dataclass
class Field:
    name: str
    type: str
    ref: str  # the component the type names, for a link ("" for none)
    required: bool
    notes: str


@dataclass
class Operation:
    method: str
    path: str
    anchor: str
    description: str
    parameters: list[Field]
    body: str  # component name of the request body ("" for none)
    responses: list[tuple[str, str, str]]  # (status, description, component name)


@dataclass
class Shape:
    name: str
    description: str
    fields: list[Field]
    values: list[str] = field(default_factory=list)  # an enumeration's values


@dataclass
class Reference:
    title: str
    version: str
    description: str
    groups: list[tuple[str, list[Operation]]]
    shapes: list[Shape]


def _ref_name(schema: dict) -> str:
    ref = schema.get("$ref") or next(
        (s.get("$ref") for s in schema.get("allOf", []) + schema.get("oneOf", [])), None
    )
    return ref.rsplit("/", 1)[-1] if ref else ""


def _type(schema: dict) -> tuple[str, str]:
    """(a short readable type, the component it names) of a JSON schema."""
    if name := _ref_name(schema):
        return name, name
    if schema.get("type") == "array":
        inner, ref = _type(schema.get("items", {}))
        return f"list of {inner}", ref
    kind = schema.get("type", "object" if "properties" in schema else "any")
    if schema.get("format"):
        kind = f"{kind} ({schema['format']})"
    return kind, ""


def _notes(schema: dict) -> str:
    notes = []
    if schema.get("readOnly"):
        notes.append("read-only")
    if schema.get("nullable"):
        notes.append("may be null")
    if "enum" in schema:
        notes.append("one of: " + ", ".join(str(v) for v in schema["enum"]))
    if "default" in schema and schema["default"] not in ("", None):
        notes.append(f"default {schema['default']}")
    if "maxLength" in schema:
        notes.append(f"at most {schema['maxLength']} characters")
    if schema.get("description") and "enum" not in schema:
        notes.append(schema["description"])
    return "; ".join(notes)


def _field(name: str, schema: dict, required: bool) -> Field:
    kind, ref = _type(schema)
    return Field(name, kind, ref, required, _notes(schema))


def _json_schema(content: dict) -> dict:
    return next(iter(content.values()), {}).get("schema", {}) if content else {}


def _operation(path: str, method: str, op: dict) -> Operation:
    parameters = [
        _field(
            f"{p['name']} ({p['in']})",
            p.get("schema", {}) | {"description": p.get("description", "")},
            p.get("required", False),
        )
        for p in op.get("parameters", [])
    ]
    body = _ref_name(_json_schema(op.get("requestBody", {}).get("content", {})))
    responses = [
        (code, answer.get("description", ""), _type(_json_schema(answer.get("content", {})))[1])
        for code, answer in sorted(op.get("responses", {}).items())
    ]
    anchor = f"{method}-{path}".replace("/", "-").replace("{", "").replace("}", "").strip("-")
    return Operation(
        method.upper(), path, anchor, op.get("description", ""), parameters, body, responses
    )


def _shape(name: str, schema: dict) -> Shape:
    required = set(schema.get("required", []))
    fields = [
        _field(prop, sub, prop in required) for prop, sub in schema.get("properties", {}).items()
    ]
    values = [str(v) if v not in ("", None) else repr(v) for v in schema.get("enum", [])]
    return Shape(name, schema.get("description", "") if not values else "", fields, values)


@lru_cache(maxsize=1)
def api_reference() -> Reference:
    """The API as a page reads it, built once per process from the generated schema (the
    schema depends only on the code, and takes about half a second to generate)."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    groups: dict[str, list[Operation]] = {}
    for path, methods in schema.get("paths", {}).items():
        for method in METHODS:
            if method in methods:
                op = methods[method]
                tag = (op.get("tags") or ["other"])[0]
                groups.setdefault(tag, []).append(_operation(path, method, op))
    components = schema.get("components", {}).get("schemas", {})
    info = schema.get("info", {})
    return Reference(
        title=info.get("title", "API"),
        version=info.get("version", ""),
        description=info.get("description", ""),
        groups=sorted(groups.items()),
        shapes=[_shape(name, sub) for name, sub in sorted(components.items())],
    )


class DocsView(APIView):
    """The API reference page (see the module docstring). `url_name` names the schema
    endpoint the page links to for tools."""

    access_policy = SIGNED_IN
    permission_classes = [PolicyPermission]
    renderer_classes = [TemplateHTMLRenderer]
    template_name = "api/docs.html"
    url_name = "api:schema"

    @extend_schema(exclude=True)
    def get(self, request):
        return Response({"api": api_reference(), "schema_url": reverse(self.url_name)})
