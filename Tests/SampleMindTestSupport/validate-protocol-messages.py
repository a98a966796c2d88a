"""Checks server messages against docs/protocol.schema.json with a real JSON Schema validator.

Usage: /usr/bin/python3 validate-protocol-messages.py SCHEMA MESSAGES

MESSAGES holds one server message per line. Each is validated (Draft 2020-12) against the
schema's definition for its "type" (the definitions built on "stamped" are the server's), and
must have no top-level field that definition does not name: the schema must describe every field
the server sends. Prints one line per problem. Exit status: 0 when every message passes, 1 when
one does not, 2 when the validator is missing.
"""
import json
import sys

try:
    import jsonschema
except ImportError:
    print("the JSON Schema validator is missing (Debian's python3-jsonschema): "
          "run scripts/install-dependencies --for-tests as root", file=sys.stderr)
    sys.exit(2)

schema_path, messages_path = sys.argv[1], sys.argv[2]
with open(schema_path, encoding="utf-8") as file:
    schema = json.load(file)
jsonschema.Draft202012Validator.check_schema(schema)

validators = {}
for name, definition in schema["$defs"].items():
    kind = definition.get("properties", {}).get("type", {}).get("const")
    if kind and {"$ref": "#/$defs/stamped"} in definition.get("allOf", []):
        strict = dict(schema, **{"$ref": "#/$defs/" + name, "unevaluatedProperties": False})
        validators[kind] = jsonschema.Draft202012Validator(strict)

problems = 0
with open(messages_path, encoding="utf-8") as file:
    for number, line in enumerate(file, start=1):
        try:
            message = json.loads(line)
        except json.JSONDecodeError as error:
            print(f"message {number} is not JSON ({error}): {line[:200]}")
            problems += 1
            continue
        kind = message.get("type") if isinstance(message, dict) else None
        if kind not in validators:
            print(f"message {number}: the schema has no server message of type {kind!r}: {line[:200]}")
            problems += 1
            continue
        for error in validators[kind].iter_errors(message):
            where = "/".join(str(part) for part in error.absolute_path) or "the message"
            print(f"message {number} ({kind}), at {where}: {error.message[:300]}")
            problems += 1
sys.exit(1 if problems else 0)
