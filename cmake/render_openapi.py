#!/usr/bin/python3
"""Build step: docs/openapi.yaml, the public API's contract, as what the binaries serve.

  render_openapi.py --json OUT IN   the document as compact JSON (the gateway's GET /openapi.json)
  render_openapi.py --page OUT IN   a readable reference as a web page template (the web store's /api)

The page is plain HTML written here from the document: operations grouped by tag, each with its
parameters, request body, responses and examples, then the schemas, all cross-linked. No script and no
style of its own, so the store's Content-Security-Policy and stylesheet apply unchanged. Descriptions
use a small part of Markdown (paragraphs, "- " lists, `code`, **strong**), and only that is rendered.

Needs python3-yaml (Debian). Timestamps in examples stay strings: YAML's implicit dates are not resolved.
"""

import argparse
import html
import json
import re
import sys

import yaml

METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


class _Loader(yaml.SafeLoader):
    """SafeLoader without the timestamp resolver: JSON has no dates, the examples mean strings."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load(path):
    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass


def text(value):
    """Escaped for HTML, and for the page's template engine: a '{' never reaches Mustache as a tag."""
    return html.escape(str(value), quote=True).replace("{", "&#123;").replace("}", "&#125;")


def inline(value):
    out = text(value)
    out = re.sub(r"`([^`]+)`", r"<code>\1</code>", out)
    return re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", out)


def markdown(value):
    """Paragraphs, "- " lists, `code` and **strong**: what the document's descriptions use."""
    blocks = []
    for block in re.split(r"\n\s*\n", str(value or "").strip()):
        lines = block.splitlines()
        if lines and all(line.startswith(("- ", "  ")) for line in lines) and lines[0].startswith("- "):
            items, current = [], []
            for line in lines:
                if line.startswith("- ") and current:
                    items.append(" ".join(current))
                    current = []
                current.append(line[2:].strip())
            items.append(" ".join(current))
            blocks.append("<ul>" + "".join(f"<li>{inline(item)}</li>" for item in items) + "</ul>")
        elif block:
            blocks.append(f"<p>{inline(' '.join(line.strip() for line in lines))}</p>")
    return "\n".join(blocks)


class Reference:
    def __init__(self, document):
        self.document = document
        self.components = document.get("components", {})

    def resolve(self, node):
        """(the node a $ref points at, the component's name or None)."""
        name = None
        while isinstance(node, dict) and "$ref" in node:
            parts = node["$ref"].lstrip("#/").split("/")
            name = parts[-1]
            node = self.document
            for part in parts:
                node = node[part]
        return node, name

    def schema_summary(self, schema):
        """One line for a schema: a link to a named one, else its type and constraints."""
        if not isinstance(schema, dict):
            return ""
        if "$ref" in schema:
            _, name = self.resolve(schema)
            return f'<a href="#schema-{text(name)}">{text(name)}</a>'
        if "allOf" in schema:
            parts = [self.schema_summary(part) for part in schema["allOf"]]
            rest = {key: value for key, value in schema.items() if key != "allOf"}
            if rest:
                parts.append(self.schema_summary(rest))
            return " and ".join(part for part in parts if part)
        for combinator, word in (("oneOf", " or "), ("anyOf", " or ")):
            if combinator in schema:
                return word.join(self.schema_summary(part) for part in schema[combinator])
        kind = schema.get("type", "")
        if kind == "array":
            kind = "array of " + (self.schema_summary(schema.get("items", {})) or "anything")
        else:
            kind = text(" or ".join(kind) if isinstance(kind, list) else kind)
        facts = []
        for key in ("format", "minimum", "exclusiveMinimum", "maximum", "minLength", "maxLength", "pattern",
                    "default"):
            if key in schema:
                facts.append(f"{key} <code>{text(schema[key])}</code>")
        if "enum" in schema:
            facts.append("one of " + ", ".join(f"<code>{text(v)}</code>" for v in schema["enum"]))
        if "const" in schema:
            facts.append(f"always <code>{text(schema['const'])}</code>")
        return kind + (f" ({'; '.join(facts)})" if facts else "")

    def example(self, node):
        if not isinstance(node, dict) or "example" not in node:
            return ""
        shown = json.dumps(node["example"], indent=2, ensure_ascii=False)
        return f'<pre class="api-example"><code>{text(shown)}</code></pre>'

    def parameters(self, operation, path_item):
        rows = []
        for parameter in path_item.get("parameters", []) + operation.get("parameters", []):
            parameter, _ = self.resolve(parameter)
            required = "required" if parameter.get("required") else "optional"
            rows.append(f"<tr><td><code>{text(parameter['name'])}</code></td><td>{text(parameter['in'])}</td>"
                        f"<td>{required}</td><td>{self.schema_summary(parameter.get('schema', {}))}</td>"
                        f"<td>{inline(parameter.get('description', ''))}</td></tr>")
        if not rows:
            return ""
        return ('<h4>Parameters</h4><table class="api-table"><thead><tr><th>Name</th><th>In</th><th></th>'
                "<th>Schema</th><th>Description</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>")

    def content(self, content):
        out = []
        for media_type, body in (content or {}).items():
            out.append(f"<p><code>{text(media_type)}</code>: {self.schema_summary(body.get('schema', {}))}</p>")
            out.append(self.example(body))
        return "".join(out)

    def request_body(self, operation):
        if "requestBody" not in operation:
            return ""
        body, _ = self.resolve(operation["requestBody"])
        required = " (required)" if body.get("required") else ""
        return f"<h4>Request body{required}</h4>" + markdown(body.get("description")) + self.content(
            body.get("content"))

    def responses(self, operation):
        out = ['<h4>Responses</h4><dl class="api-responses">']
        for status, response in operation.get("responses", {}).items():
            response, name = self.resolve(response)
            shared = f' <span class="api-shared">({text(name)})</span>' if name else ""
            out.append(f"<dt><code>{text(status)}</code>{shared}</dt><dd>{markdown(response.get('description'))}")
            headers = response.get("headers", {})
            if headers:
                out.append("<p>Headers: " + ", ".join(f"<code>{text(h)}</code>" for h in headers) + "</p>")
            out.append(self.content(response.get("content")) + "</dd>")
        out.append("</dl>")
        return "".join(out)

    def operations(self):
        """[(tag, [(method, path, path item, operation)])] in the document's tag order."""
        by_tag = {tag["name"]: [] for tag in self.document.get("tags", [])}
        for path, item in self.document.get("paths", {}).items():
            for method in METHODS:
                if method in item:
                    operation = item[method]
                    tag = (operation.get("tags") or ["other"])[0]
                    by_tag.setdefault(tag, []).append((method, path, item, operation))
        return by_tag

    def operation(self, method, path, item, operation):
        anchor = text(operation.get("operationId") or f"{method}-{path}")
        security = operation.get("security", self.document.get("security"))
        needs = ""
        if security:
            schemes = sorted({name for requirement in security for name in requirement})
            needs = ('<p class="api-auth">Needs ' + " or ".join(f"<code>{text(s)}</code>" for s in schemes)
                     + "</p>") if schemes else ""
        return (f'<section class="api-operation" id="{anchor}"><h3><span class="api-method">'
                f"{text(method.upper())}</span> <code>{text(path)}</code></h3>"
                f"<p><strong>{inline(operation.get('summary', ''))}</strong></p>{needs}"
                f"{markdown(operation.get('description'))}{self.parameters(operation, item)}"
                f"{self.request_body(operation)}{self.responses(operation)}</section>")

    def schema(self, name, schema):
        out = [f'<section class="api-schema" id="schema-{text(name)}"><h3><code>{text(name)}</code></h3>',
               markdown(schema.get("description"))]
        parts = [schema] + [self.resolve(p)[0] for p in schema.get("allOf", []) if "$ref" not in p]
        properties = {}
        required = set()
        for part in parts:
            properties.update(part.get("properties", {}))
            required.update(part.get("required", []))
        if properties:
            rows = "".join(
                f"<tr><td><code>{text(prop)}</code></td><td>{'required' if prop in required else 'optional'}</td>"
                f"<td>{self.schema_summary(value)}</td><td>{inline(value.get('description', ''))}</td></tr>"
                for prop, value in properties.items())
            out.append('<table class="api-table"><thead><tr><th>Property</th><th></th><th>Schema</th>'
                       f"<th>Description</th></tr></thead><tbody>{rows}</tbody></table>")
        summary = self.schema_summary({k: v for k, v in schema.items() if k not in ("properties", "description")})
        if summary and not properties:
            out.append(f"<p>{summary}</p>")
        elif "allOf" in schema:
            out.append(f"<p>Extends {summary}</p>")
        out.append("</section>")
        return "".join(out)

    def page(self):
        info = self.document["info"]
        groups = self.operations()
        tags = {tag["name"]: tag.get("description", "") for tag in self.document.get("tags", [])}
        contents = []
        for tag, operations in groups.items():
            links = "".join(
                f'<li><a href="#{text(op.get("operationId") or f"{m}-{p}")}"><span class="api-method">'
                f"{text(m.upper())}</span> <code>{text(p)}</code></a> {inline(op.get('summary', ''))}</li>"
                for m, p, _, op in operations)
            contents.append(f'<li><a href="#tag-{text(tag)}">{text(tag)}</a>: {inline(tags.get(tag, ""))}'
                            f"<ul>{links}</ul></li>")
        sections = []
        for tag, operations in groups.items():
            sections.append(f'<h2 id="tag-{text(tag)}">{text(tag)}</h2>' + markdown(tags.get(tag, "")))
            sections.extend(self.operation(*entry) for entry in operations)
        schemas = "".join(self.schema(name, schema) for name, schema in self.components.get("schemas", {}).items())
        return "\n".join([
            '<article class="api-reference">',
            f"<h1>{text(info['title'])} <small>{text(info.get('version', ''))}</small></h1>",
            f"<p>{inline(info.get('summary', ''))}</p>",
            "<p>The same document as JSON: <code>GET /openapi.json</code> on the API (the gateway).</p>",
            markdown(info.get("description")),
            '<nav aria-label="API contents"><h2>Contents</h2><ul class="api-contents">' + "".join(contents)
            + '<li><a href="#schemas">schemas</a></li></ul></nav>',
            *sections,
            '<h2 id="schemas">Schemas</h2>',
            schemas,
            "</article>",
            "",
        ])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--json", metavar="OUT")
    group.add_argument("--page", metavar="OUT")
    parser.add_argument("document")
    args = parser.parse_args()
    document = load(args.document)
    if args.json:
        out, body = args.json, json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n"
    else:
        out, body = args.page, Reference(document).page()
    with open(out, "w", encoding="utf-8") as handle:
        handle.write(body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
