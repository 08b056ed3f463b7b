#!/usr/bin/env python3
"""Validate the hand-written OpenAPI specs under ``specs/``.

For every ``*.yaml`` file found under the given paths (default: the repository's
``specs/`` folder, located relative to this script) the checker:

1. loads the YAML strictly (duplicate mapping keys are an error, timestamps stay
   strings as in YAML 1.2 / JSON);
2. runs ``openapi_spec_validator.validate`` on it, with the file's URI as base so
   that relative ``$ref``s to sibling files (``./common.yaml#/...``) resolve;
3. walks the document structurally and validates every ``example`` (on schemas,
   properties, parameters, headers and media types) and every ``examples`` entry
   (Example objects' ``value``) against its schema with
   ``openapi_schema_validator``'s OAS 3.0 validators. Local and relative-file
   ``$ref``s are resolved lazily through a ``referencing.Registry`` whose resources
   are the spec files themselves, so recursive schemas need no special casing and
   cannot loop. Request-side examples
   (parameters, request bodies) use the *write* validator, response-side examples
   the *read* validator, so that a response example may carry ``readOnly``
   fields and a request example ``writeOnly`` ones; schema-level examples use the
   context-free validator.

It prints one line per problem (``file: JSON pointer: message``), then a summary
line ``N passed, M failed`` (files without / with problems) and exits 1 if any
file failed.

Usage: python3 tests/specs/check_specs.py [PATH ...]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import quote, unquote, urlsplit
from urllib.request import url2pathname

import yaml
from referencing import Registry
from referencing.jsonschema import DRAFT4
from openapi_spec_validator import validate as validate_spec

try:  # openapi-schema-validator >= 0.3
    from openapi_schema_validator import OAS30ReadValidator, OAS30WriteValidator
except ImportError:  # pragma: no cover - very old releases
    OAS30ReadValidator = OAS30WriteValidator = None  # type: ignore[assignment]
from openapi_schema_validator import OAS30Validator

try:
    from openapi_schema_validator import oas30_format_checker
except ImportError:  # pragma: no cover
    oas30_format_checker = None  # type: ignore[assignment]

SCRIPT_DIR = Path(__file__).resolve().parent
REPO_ROOT = SCRIPT_DIR.parent.parent
DEFAULT_SPECS = REPO_ROOT / "specs"

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
REQUEST, RESPONSE, NEUTRAL = "request", "response", "neutral"
MAX_MESSAGE = 400


# --------------------------------------------------------------------------- YAML


class StrictLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate keys and keeps timestamps as strings."""


StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_mapping(loader: StrictLoader, node: yaml.MappingNode, deep: bool = False):
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            continue
        if key in seen:
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping",
                node.start_mark,
                f"found duplicate key {key!r} (first at line {seen[key] + 1})",
                key_node.start_mark,
            )
        seen[key] = key_node.start_mark.line
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml(path: Path) -> Any:
    with path.open("r", encoding="utf-8") as fh:
        return yaml.load(fh, Loader=StrictLoader)  # noqa: S506 - StrictLoader is a SafeLoader


# --------------------------------------------------------------------------- pointers


def escape(token: Any) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def join(pointer: str, *tokens: Any) -> str:
    return pointer + "".join("/" + escape(t) for t in tokens)


def resolve_pointer(doc: Any, fragment: str) -> Any:
    fragment = unquote(fragment)
    if fragment in ("", "/"):
        return doc
    if not fragment.startswith("/"):
        raise KeyError(f"unsupported fragment {fragment!r}")
    node = doc
    for raw in fragment[1:].split("/"):
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, list):
            node = node[int(token)]
        elif isinstance(node, dict):
            node = node[token]
        else:
            raise KeyError(token)
    return node


# --------------------------------------------------------------------------- $ref resolution


class RefError(Exception):
    pass


class Resolver:
    """Loads spec documents on demand (cached) and serves them to ``referencing``."""

    def __init__(self) -> None:
        self.docs: dict[Path, Any] = {}

    def document(self, path: Path) -> Any:
        path = path.resolve()
        if path not in self.docs:
            if not path.is_file():
                raise RefError(f"referenced file not found: {path}")
            self.docs[path] = load_yaml(path)
        return self.docs[path]

    def lookup(self, ref: str, base: Path) -> tuple[Any, Path, str]:
        location, _, fragment = ref.partition("#")
        if "://" in location:
            raise RefError(f"cannot resolve remote $ref {ref!r}")
        target = (base.parent / unquote(location)).resolve() if location else base.resolve()
        try:
            node = resolve_pointer(self.document(target), fragment)
        except (KeyError, IndexError, ValueError, TypeError) as exc:
            raise RefError(f"unresolvable $ref {ref!r} ({exc})") from None
        return node, target, fragment

    def retrieve(self, uri: str):
        """``referencing`` retrieval hook: spec files are JSON-Schema draft 4 resources."""
        parts = urlsplit(uri)
        if parts.scheme != "file":
            raise RefError(f"cannot resolve remote $ref {uri!r}")
        return DRAFT4.create_resource(self.document(Path(url2pathname(parts.path))))

    def registry(self) -> Registry:
        return Registry(retrieve=self.retrieve)  # type: ignore[call-arg]


# --------------------------------------------------------------------------- checking


def validator_class(context: str):
    if context == REQUEST and OAS30WriteValidator is not None:
        return OAS30WriteValidator
    if context == RESPONSE and OAS30ReadValidator is not None:
        return OAS30ReadValidator
    return OAS30Validator


def shorten(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 3] + "..."


class FileChecker:
    def __init__(self, path: Path, doc: Any, resolver: Resolver) -> None:
        self.path = path.resolve()
        self.doc = doc
        self.resolver = resolver
        self.registry = resolver.registry()
        self.problems: list[tuple[str, str]] = []

    # -- reporting
    def problem(self, pointer: str, message: str) -> None:
        self.problems.append((pointer or "/", shorten(message)))

    # -- example validation
    def check_value(self, value: Any, schema: Any, schema_pointer: str, pointer: str, context: str) -> None:
        """Validate ``value`` against the schema found at ``schema_pointer`` in this file."""
        if not isinstance(schema, dict):
            return
        ref = {"$ref": self.path.as_uri() + "#" + quote(schema_pointer, safe="/~")}
        cls = validator_class(context)
        kwargs: dict[str, Any] = {"registry": self.registry}
        if oas30_format_checker is not None:
            kwargs["format_checker"] = oas30_format_checker
        try:
            errors = sorted(
                cls(ref, **kwargs).iter_errors(value),
                key=lambda e: list(map(str, e.absolute_path)),
            )
        except Exception as exc:  # unresolvable $ref, broken schema, ...
            cause = exc.__cause__ or exc
            self.problem(pointer, f"could not validate example: {type(cause).__name__}: {cause}")
            return
        for err in errors:
            where = "".join("/" + escape(p) for p in err.absolute_path) or "(root)"
            self.problem(pointer, f"example does not match its schema at {where}: {err.message}")

    def check_examples_map(
        self, examples: Any, schema: Any, schema_pointer: str, pointer: str, context: str
    ) -> None:
        if not isinstance(examples, dict):
            return
        for name, example in examples.items():
            ptr = join(pointer, name)
            if isinstance(example, dict) and isinstance(example.get("$ref"), str):
                try:
                    example, _, _ = self.resolver.lookup(example["$ref"], self.path)
                except RefError as exc:
                    self.problem(ptr, str(exc))
                    continue
            if not isinstance(example, dict):
                continue
            if "value" in example:
                self.check_value(example["value"], schema, schema_pointer, join(ptr, "value"), context)

    # -- structural walk
    def walk_schema(self, schema: Any, pointer: str, context: str) -> None:
        if not isinstance(schema, dict) or "$ref" in schema:
            return
        if "example" in schema:
            # A schema-level example describes the schema in general: context-free check.
            self.check_value(schema["example"], schema, pointer, join(pointer, "example"), NEUTRAL)
        for name, sub in (schema.get("properties") or {}).items():
            self.walk_schema(sub, join(pointer, "properties", name), context)
        for key in ("items", "additionalProperties", "not"):
            if isinstance(schema.get(key), dict):
                self.walk_schema(schema[key], join(pointer, key), context)
        for key in ("allOf", "anyOf", "oneOf"):
            for i, sub in enumerate(schema.get(key) or []):
                self.walk_schema(sub, join(pointer, key, i), context)

    def walk_media_type(self, media: Any, pointer: str, context: str) -> None:
        if not isinstance(media, dict):
            return
        schema = media.get("schema")
        self.walk_schema(schema, join(pointer, "schema"), context)
        if "example" in media:
            self.check_value(media["example"], schema, join(pointer, "schema"), join(pointer, "example"), context)
        self.check_examples_map(
            media.get("examples"), schema, join(pointer, "schema"), join(pointer, "examples"), context
        )
        for name, enc in (media.get("encoding") or {}).items():
            for hname, header in ((enc or {}).get("headers") or {}).items():
                self.walk_parameter(header, join(pointer, "encoding", name, "headers", hname), context)

    def walk_content(self, content: Any, pointer: str, context: str) -> None:
        for mtype, media in (content or {}).items():
            self.walk_media_type(media, join(pointer, mtype), context)

    def walk_parameter(self, param: Any, pointer: str, context: str) -> None:
        # Parameters and headers share the same shape. A $ref'd one is checked where defined.
        if not isinstance(param, dict) or "$ref" in param:
            return
        schema = param.get("schema")
        self.walk_schema(schema, join(pointer, "schema"), context)
        if "example" in param:
            self.check_value(param["example"], schema, join(pointer, "schema"), join(pointer, "example"), context)
        self.check_examples_map(
            param.get("examples"), schema, join(pointer, "schema"), join(pointer, "examples"), context
        )
        if "content" in param:
            self.walk_content(param["content"], join(pointer, "content"), context)

    def walk_request_body(self, body: Any, pointer: str) -> None:
        if isinstance(body, dict) and "$ref" not in body:
            self.walk_content(body.get("content"), join(pointer, "content"), REQUEST)

    def walk_response(self, response: Any, pointer: str) -> None:
        if not isinstance(response, dict) or "$ref" in response:
            return
        for name, header in (response.get("headers") or {}).items():
            self.walk_parameter(header, join(pointer, "headers", name), RESPONSE)
        self.walk_content(response.get("content"), join(pointer, "content"), RESPONSE)

    def walk_callbacks(self, callbacks: Any, pointer: str) -> None:
        for name, callback in (callbacks or {}).items():
            if not isinstance(callback, dict) or "$ref" in callback:
                continue
            for expression, item in callback.items():
                self.walk_path_item(item, join(pointer, name, expression))

    def walk_operation(self, op: Any, pointer: str) -> None:
        if not isinstance(op, dict):
            return
        for i, param in enumerate(op.get("parameters") or []):
            self.walk_parameter(param, join(pointer, "parameters", i), REQUEST)
        if "requestBody" in op:
            self.walk_request_body(op["requestBody"], join(pointer, "requestBody"))
        for status, response in (op.get("responses") or {}).items():
            self.walk_response(response, join(pointer, "responses", status))
        self.walk_callbacks(op.get("callbacks"), join(pointer, "callbacks"))

    def walk_path_item(self, item: Any, pointer: str) -> None:
        if not isinstance(item, dict) or "$ref" in item:
            return
        for i, param in enumerate(item.get("parameters") or []):
            self.walk_parameter(param, join(pointer, "parameters", i), REQUEST)
        for method in HTTP_METHODS:
            if method in item:
                self.walk_operation(item[method], join(pointer, method))

    def walk_document(self) -> None:
        doc = self.doc
        for path, item in (doc.get("paths") or {}).items():
            self.walk_path_item(item, join("", "paths", path))
        components = doc.get("components") or {}
        for name, schema in (components.get("schemas") or {}).items():
            self.walk_schema(schema, join("", "components", "schemas", name), NEUTRAL)
        for name, param in (components.get("parameters") or {}).items():
            self.walk_parameter(param, join("", "components", "parameters", name), REQUEST)
        for name, body in (components.get("requestBodies") or {}).items():
            self.walk_request_body(body, join("", "components", "requestBodies", name))
        for name, response in (components.get("responses") or {}).items():
            self.walk_response(response, join("", "components", "responses", name))
        for name, header in (components.get("headers") or {}).items():
            self.walk_parameter(header, join("", "components", "headers", name), RESPONSE)
        self.walk_callbacks(components.get("callbacks"), join("", "components", "callbacks"))

    # -- entry point
    def run(self) -> list[tuple[str, str]]:
        if not isinstance(self.doc, dict):
            self.problem("", "file is not a YAML mapping (not an OpenAPI document)")
            return self.problems
        try:
            validate_spec(self.doc, base_uri=self.path.as_uri())
        except Exception as exc:  # OpenAPIValidationError, unresolvable refs, ...
            path = getattr(exc, "absolute_path", None) or getattr(exc, "path", None) or []
            pointer = "".join("/" + escape(p) for p in path)
            message = getattr(exc, "message", None) or str(exc)
            self.problem(pointer, f"openapi-spec-validator: {type(exc).__name__}: {message}")
        try:
            self.walk_document()
        except RefError as exc:
            self.problem("", str(exc))
        return self.problems


# --------------------------------------------------------------------------- CLI


def collect(paths: Iterable[Path]) -> list[Path]:
    files: set[Path] = set()
    for path in paths:
        if path.is_dir():
            files.update(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
        elif path.is_file():
            files.add(path)
        else:
            raise FileNotFoundError(str(path))
    return sorted(f.resolve() for f in files)


def display(path: Path) -> str:
    for base in (Path.cwd(), REPO_ROOT):
        try:
            return str(path.relative_to(base.resolve()))
        except ValueError:
            continue
    return str(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        help="spec files or folders to check (default: the repository's specs/ folder)",
    )
    args = parser.parse_args(argv)
    try:
        files = collect(args.paths or [DEFAULT_SPECS])
    except FileNotFoundError as exc:
        print(f"error: no such file or directory: {exc}", file=sys.stderr)
        return 2
    if not files:
        print("error: no *.yaml spec files found", file=sys.stderr)
        print("0 passed, 0 failed")
        return 1

    resolver = Resolver()
    passed = failed = 0
    for path in files:
        name = display(path)
        try:
            doc = resolver.document(path)
        except (yaml.YAMLError, OSError, RefError) as exc:
            print(f"{name}: /: cannot load YAML: {shorten(exc)}")
            failed += 1
            continue
        problems = FileChecker(path, doc, resolver).run()
        for pointer, message in problems:
            print(f"{name}: {pointer}: {message}")
        if problems:
            failed += 1
        else:
            passed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
