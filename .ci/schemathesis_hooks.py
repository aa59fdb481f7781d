"""Schemathesis hooks for .ci/conformance.sh (loaded through SCHEMATHESIS_HOOKS).

Two things only:

1. `before_call` gives a fresh value to a unique field (phone, whatsapp_id, email) when a
   plain, unambiguously valid value was already sent earlier in the run. Schemathesis reuses
   the contract's example values over and over; on WhatsMark a repeated phone turns every
   later case into a 422 "This phone number already exists.", which hides whether the server
   would have rejected the case's real mutation (negative tests become vacuous). A valid
   value is only ever swapped for another valid value, so no case changes validity.

2. `filter_failure` drops failures whose cause is a rule that the contracts state in prose
   (or that the server's framework imposes) but that the JSON schemas do not express, so
   schemathesis cannot generate around it (contract gaps, category (b), or schemathesis
   limits, category (c)). Each rule below names the exact server message or input it
   tolerates; anything else still fails the run. Dropped failures are counted in the summary
   ("Filtered: N").
"""

from __future__ import annotations

import itertools
import json
import re

import schemathesis

# ---------------------------------------------------------------------------------------------
# 1. Fresh values for unique fields.

_PLAIN_PHONE = re.compile(r"^\+?[0-9]{7,15}$")
_PLAIN_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(\.[A-Za-z0-9-]{1,63})+$")
_seen: dict[str, set[str]] = {"phone": set(), "email": set()}
_counter = itertools.count(1)

_UNIQUE_FIELDS = {
    # operation path -> {body field: kind}
    "/contacts": {"phone": "phone", "email": "email"},  # whatsmark: unique per tenant (422)
    "/contacts/{id}": {"phone": "phone", "email": "email"},  # whatsmark PATCH: the same, itself excepted
    "/api-create-contact": {"phone": "phone", "whatsapp_id": "phone"},  # wipsy: 409
    # chatwoot: unique per account (422), itself excepted on update
    "/accounts/{account_id}/contacts": {"phone_number": "phone", "email": "email"},
    "/accounts/{account_id}/contacts/{id}": {"phone_number": "phone", "email": "email"},
}


def _fresh(kind: str) -> str:
    n = next(_counter)
    return f"+1999{n:08d}" if kind == "phone" else f"conformance{n}@example.com"


@schemathesis.hook
def before_call(context, case, kwargs):
    fields = _UNIQUE_FIELDS.get(case.operation.path)
    if case.operation.method.upper() not in ("POST", "PATCH", "PUT") or not fields or not isinstance(case.body, dict):
        return
    for field, kind in fields.items():
        value = case.body.get(field)
        if not isinstance(value, str):
            continue
        pattern = _PLAIN_PHONE if kind == "phone" else _PLAIN_EMAIL
        if not pattern.match(value):
            continue  # leave anything unusual alone: it may be the mutation under test
        if value in _seen[kind]:
            value = _fresh(kind)
            case.body[field] = value
        _seen[kind].add(value)


# ---------------------------------------------------------------------------------------------
# 2. Failures that come from rules a schema cannot express.

_INT64 = (-(2**63), 2**63 - 1)


def _json(response):
    try:
        return json.loads(response.content)
    except Exception:  # noqa: BLE001 - not JSON: never tolerated
        return None


def _is_blank(value) -> bool:
    return isinstance(value, str) and value.strip() == ""


def _outside_int64(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and not _INT64[0] <= value <= _INT64[1]


def _body_schema_name(case) -> str:
    """The component schema of the operation's body: ContactCreate or ContactUpdate."""
    return "ContactUpdate" if case.operation.method.upper() == "PATCH" else "ContactCreate"


def _unknown_fields(case) -> set[str]:
    """Body keys that the operation's body schema does not list."""
    try:
        schemas = case.operation.schema.raw_schema["components"]["schemas"]
        props = schemas[_body_schema_name(case)]["properties"]
    except (KeyError, TypeError):
        return set()
    body = case.body if isinstance(case.body, dict) else {}
    return {k for k in body if k not in props}


def _wipsy_create_tolerated(error: str, case=None) -> bool:
    # Deliberate (issue 2, CHANGELOG "Decided"): the sandbox refuses fields its contract
    # does not list, so a client typo is caught. ContactCreate does not say
    # additionalProperties: false, so this is a documented divergence, tolerated only when
    # the named field really is absent from the schema.
    m = re.match(r"^Unknown field: (.*)$", error, re.S)
    if m and case is not None and m.group(1) in _unknown_fields(case):
        return True
    # (b)/(c) Tag, stage and custom-field ids must exist in the tenant (README: no endpoint
    # lists them), and a custom value is checked against its field definition. The schema
    # types them as free strings; the contract's own example ("tag-uuid-1") cannot exist.
    if error.startswith(("Tag not found: ", "Pipeline stage not found: ", "Custom field not found: ")):
        return True
    if re.match(r"^Custom field '.*' (is required|must be .*)$", error, re.S):
        return True
    # (b) README: "phone is normalised by the server"; the contract types phone as any
    # string and does not say what a phone that cannot be normalised gets. Documented 400.
    return error.startswith("Invalid phone number '")


def _whatsmark_create_message_tolerated(body: dict, field: str, message: str, unknown=frozenset()) -> bool:
    # Deliberate divergence, as for Wipsy: fields the contract does not list are refused.
    if field in unknown and message == f"The {field} field is prohibited.":
        return True
    # (c) Uniqueness per tenant (contract prose + README); documented 422 messages.
    if (field, message) in {
        ("phone", "This phone number already exists."),
        ("email", "This email address already exists."),
    }:
        return True
    # (b)/(c) source_id / status_id must exist in the tenant; documented 422 messages.
    if (field, message) in {
        ("source_id", "The selected source does not exist or does not belong to your account."),
        ("status_id", "The selected status does not exist or does not belong to your account."),
    }:
        return True
    # (b) Laravel trims strings and reads "" as absent; the schema's minLength: 1 admits a
    # whitespace-only value. Tolerated only when the value sent really was blank.
    required = {
        "firstname": "First name is required.",
        "lastname": "Last name is required.",
        "phone": "Phone number is required.",
    }
    if required.get(field) == message and _is_blank(body.get(field)):
        return True
    # (b) The contract's integers carry no format/bounds; the server's integers are 64-bit.
    # Tolerated only for a JSON integer outside the int64 range.
    m = re.match(r"^groups\.(\d+)$", field)
    if m and message == f"The {field} field must be an integer.":
        groups = body.get("groups")
        i = int(m.group(1))
        return isinstance(groups, list) and i < len(groups) and _outside_int64(groups[i])
    if message == f"The {field.replace('_', ' ')} field must be an integer.":
        return _outside_int64(body.get(field))
    return False


# (b) README "The table is narrower than the validator": the tenant table's columns are
# narrower than StoreContactRequest/UpdateContactRequest allow, MySQL runs strict, and a value
# the validator takes but the column cannot hold fails at INSERT/UPDATE with 500 INTERNAL_ERROR
# ("Failed to create contact" / "Failed to update contact") whose details.error is the SQL
# error naming the column. The contract's maxLength/minimum/maximum are those widths, so such
# a request is schema-invalid, and the documented answer is this 500. Tolerated only when the
# column named is one the README lists and the value sent really does not fit it.
_VARCHAR = {"firstname": 191, "lastname": 191, "company": 191, "email": 191, "phone": 20,
            "city": 100, "state": 100, "zip": 15}
_INT32 = (-(2**31), 2**31 - 1)
_COLUMN_ERROR = re.compile(
    r"^SQLSTATE\[(22001|22003)\]: .* for column '([a-z_]+)' at row 1 \(Connection: mysql, SQL: (insert into|update) "
)


def _misfits_column(body: dict, column: str) -> bool:
    value = body.get(column)
    if column in _VARCHAR:
        return isinstance(value, str) and len(value.strip()) > _VARCHAR[column]
    if column in ("description", "address"):
        return isinstance(value, str) and len(value.strip().encode()) > 65535
    if isinstance(value, bool) or not isinstance(value, int):
        return False
    if column == "country_id":
        return not _INT32[0] <= value <= _INT32[1]
    if column == "assigned_id":
        return value < 0
    return False


def _whatsmark_column_failure(case, response) -> bool:
    """A 500 that the README documents for a value its column cannot hold."""
    data = _json(response)
    if response.status_code != 500 or not isinstance(data, dict) or not isinstance(case.body, dict):
        return False
    error = data.get("error") or {}
    expected = "Failed to update contact" if case.operation.method.upper() == "PATCH" else "Failed to create contact"
    if not isinstance(error, dict) or error.get("code") != "INTERNAL_ERROR" or error.get("message") != expected:
        return False
    sql_error = (error.get("details") or {}).get("error")
    m = _COLUMN_ERROR.match(sql_error) if isinstance(sql_error, str) else None
    return bool(m) and _misfits_column(case.body, m.group(2))


def _id_not_int64(case) -> bool:
    raw = (case.path_parameters or {}).get("id")
    try:
        return not _INT64[0] <= int(str(raw)) <= _INT64[1]
    except ValueError:
        return True


def _whatsmark_id_type_error(case, response) -> bool:
    """(b) The contactId parameter's description (and the README): the route has no digits
    constraint, so an id that is not a 64-bit integer reaches the controller's `int $id` and
    ends in Laravel's generic 500 `{"message": "Server Error"}` outside the envelope
    (x-unconfirmed; the sandbox picks that reading). Tolerated only for such an id."""
    return (
        case.operation.path == "/contacts/{id}"
        and response.status_code == 500
        and _json(response) == {"message": "Server Error"}
        and _id_not_int64(case)
    )


def _json_schema(schema):
    """OpenAPI 3.0 `nullable` -> JSON Schema (enough for the flat ContactCreate schema)."""
    if not isinstance(schema, dict):
        return schema
    out = {k: v for k, v in schema.items() if k not in ("nullable", "description", "example")}
    if "properties" in out:
        out["properties"] = {k: _json_schema(v) for k, v in out["properties"].items()}
    if "items" in out:
        out["items"] = _json_schema(out["items"])
    if schema.get("nullable"):
        return {"anyOf": [out, {"type": "null"}]}
    return out


def _valid_once_blanks_are_null(case) -> bool:
    """Whether the body becomes schema-valid when blank top-level strings read as null."""
    import jsonschema_rs

    try:
        schema = case.operation.schema.raw_schema["components"]["schemas"][_body_schema_name(case)]
    except (KeyError, TypeError):
        return False
    body = {k: (None if _is_blank(v) else v) for k, v in case.body.items()}
    validator = jsonschema_rs.Draft4Validator(_json_schema(schema), validate_formats=True)
    return validator.is_valid(body)


def _chatwoot_taken(response) -> bool:
    """(c) Chatwoot: email, phone_number and identifier are unique per account (contract prose,
    app/models/contact.rb); the seeded contacts and the contract's own examples hold values a
    generated case repeats. Tolerated only when every message of the 422 is "... has already
    been taken" (render_record_invalid's {message, attributes})."""
    data = _json(response)
    if response.status_code != 422 or not isinstance(data, dict) or "attributes" not in data:
        return False
    parts = str(data.get("message", "")).split(", ")
    return bool(parts) and all(p.endswith(" has already been taken") for p in parts)


@schemathesis.hook
def filter_failure(context, failure, case, response):
    """Return False to drop a failure; True keeps it."""
    method, path = case.operation.method.upper(), case.operation.path

    if path.startswith("/accounts/{account_id}") and failure.code == "ST202" and _chatwoot_taken(response):
        return False
    # (c) Chatwoot: a body that is not JSON at all (schemathesis sends a NUL byte) never reaches
    # the controller: Rails' params parser raises ActionDispatch::Http::Parameters::ParseError,
    # a 400 the contract does not list (it documents the controllers' answers). Tolerated only
    # for that answer to a body that really is not JSON.
    if path.startswith("/accounts/{account_id}") and failure.code == "ST103" and response.status_code == 400:
        data = _json(response)
        if isinstance(data, dict) and str(data.get("error", "")).startswith("Invalid JSON in request body"):
            return False
    # (b) Chatwoot create with an inbox whose channel needs the contact's phone (WhatsApp, SMS)
    # or email (email inbox): the contract's prose and its documented 422 {error}; the schema
    # cannot tie inbox_id to the other fields. Tolerated only for that documented error.
    if (method, path, failure.code) == ("POST", "/accounts/{account_id}/contacts", "ST202"):
        data = _json(response)
        if (
            response.status_code == 422
            and isinstance(data, dict)
            and str(data.get("error", "")).startswith("param is missing or the value is empty: contact ")
        ):
            return False

    # Documented 500s of WhatsMark (README): a value too wide for its column, and an id the
    # controller's `int $id` cannot take. Every check such an answer trips is tolerated for
    # it (server error, the generic body's shape); anything else about it still fails.
    if (method, path) in {("POST", "/contacts"), ("PATCH", "/contacts/{id}")} and _whatsmark_column_failure(
        case, response
    ):
        return False
    if _whatsmark_id_type_error(case, response):
        return False

    # whatsmark POST /contacts (or PATCH /contacts/{id}) accepting "" (or blanks) in a nullable
    # field, e.g. "email": "". (b) WhatsMark is a Laravel app: TrimStrings +
    # ConvertEmptyStringsToNull make "" read as null, and these fields are nullable; the
    # contract's `format: email` / `type: integer` does not admit "". Tolerated only when the
    # body is valid once blanks read as null.
    if failure.code == "ST201":
        return not (
            (method, path, response.status_code) in {("POST", "/contacts", 201), ("PATCH", "/contacts/{id}", 200)}
            and isinstance(case.body, dict)
            and any(_is_blank(v) for v in case.body.values())
            and _valid_once_blanks_are_null(case)
        )

    if failure.code != "ST202":  # otherwise only "schema-valid request rejected" has tolerated causes
        return True
    data = _json(response)
    if not isinstance(data, dict):
        return True

    # wipsy GET /api-get-contacts?contactId=<well-formed uuid that does not exist>
    # (b) The contract does not say what an unknown contactId gets (no 404 is declared); the
    # sandbox answers the only documented non-auth error, 400. Schemathesis expects 404.
    if method == "GET" and path == "/api-get-contacts":
        return not (
            response.status_code == 400
            and data.get("error") == "Contact not found"
            and isinstance(case.query, dict)
            and "contactId" in case.query
        )

    if method == "POST" and path == "/api-create-contact" and response.status_code == 400:
        error = data.get("error")
        return not (isinstance(error, str) and _wipsy_create_tolerated(error, case))

    if (method, path) in {("POST", "/contacts"), ("PATCH", "/contacts/{id}")} and response.status_code == 422:
        error = data.get("error") or {}
        details = error.get("details") if isinstance(error, dict) else None
        body = case.body if isinstance(case.body, dict) else {}
        if error.get("code") != "VALIDATION_ERROR" or not isinstance(details, dict) or not details:
            return True
        for field, messages in details.items():
            if not isinstance(messages, list):
                return True
            for message in messages:
                if not _whatsmark_create_message_tolerated(body, field, message, _unknown_fields(case)):
                    return True
        return False

    return True
