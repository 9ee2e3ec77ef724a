"""The member CSV format: its template, and parsing with every row validated before anything is written.

Columns: email (required), display_name, role, status, vote_weight, valid_until. The header row is
required; column order is free; UTF-8 with or without a byte-order mark. Empty cells take the defaults
(role ``member``, status ``active``, vote weight 1, no end date), so each row states a whole membership.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from accounts.models import Membership
from accounts.validators import validate_display_name

COLUMNS = ("email", "display_name", "role", "status", "vote_weight", "valid_until")
REQUIRED_COLUMNS = ("email",)
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
VOTE_WEIGHT_MAX = Decimal("99999.999")


@dataclass(frozen=True)
class MembershipRow:
    """One validated row: a whole membership as the file states it."""

    row: int
    email: str
    display_name: str
    role: str
    status: str
    vote_weight: Decimal
    valid_until: date | None


@dataclass(frozen=True)
class RowError:
    row: int | None  # None for errors about the whole file
    column: str
    message: str


@dataclass
class ParsedFile:
    rows: list[MembershipRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors and bool(self.rows)


def membership_csv_template() -> str:
    """The header row people fill in (no example rows, so nothing fictitious can be imported by mistake)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(COLUMNS)
    return buffer.getvalue()


def membership_csv_parse(data: bytes) -> ParsedFile:
    """Decode, check the header, and validate every row; collect all errors instead of stopping at one."""
    result = ParsedFile()
    if len(data) > MAX_UPLOAD_BYTES:
        result.errors.append(RowError(None, "", _("The file is larger than %(limit)s MB.") % {"limit": 2}))
        return result
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        result.errors.append(RowError(None, "", _("The file is not UTF-8 text. Save it as “CSV UTF-8” and try again.")))
        return result
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        result.errors.append(RowError(None, "", _("The file is not valid CSV: %(error)s") % {"error": exc}))
        return result
    if not records or not any(cell.strip() for cell in records[0]):
        result.errors.append(RowError(1, "", _("The header row is missing. The first row must name the columns.")))
        return result

    header = [cell.strip().lower() for cell in records[0]]
    header_errors = _check_header(header)
    if header_errors:
        result.errors.extend(header_errors)
        return result

    data_rows = [(number, cells) for number, cells in enumerate(records[1:], start=2) if any(c.strip() for c in cells)]
    if not data_rows:
        result.errors.append(RowError(None, "", _("The file has a header but no members.")))
        return result
    if len(data_rows) > MAX_ROWS:
        result.errors.append(
            RowError(
                None,
                "",
                _("The file has %(count)d rows; at most %(limit)d are allowed.")
                % {
                    "count": len(data_rows),
                    "limit": MAX_ROWS,
                },
            )
        )
        return result

    first_seen: dict[str, int] = {}
    for number, cells in data_rows:
        row, errors = _parse_row(number, header, cells)
        if row is not None:
            if row.email in first_seen:
                errors.append(
                    RowError(
                        number, "email", _("This address is already on row %(row)d.") % {"row": first_seen[row.email]}
                    )
                )
            else:
                first_seen[row.email] = number
        if errors:
            result.errors.extend(errors)
        elif row is not None:
            result.rows.append(row)
    if result.errors:
        result.rows = []
    return result


def _check_header(header: list[str]) -> list[RowError]:
    errors = []
    unknown = [name for name in header if name not in COLUMNS]
    if unknown:
        errors.append(
            RowError(
                1,
                ", ".join(unknown),
                _("Unknown column. Allowed columns: %(columns)s.")
                % {
                    "columns": ", ".join(COLUMNS),
                },
            )
        )
    duplicated = sorted({name for name in header if header.count(name) > 1})
    if duplicated:
        errors.append(RowError(1, ", ".join(duplicated), _("This column appears more than once.")))
    for name in REQUIRED_COLUMNS:
        if name not in header:
            errors.append(RowError(1, name, _("The required column is missing.")))
    return errors


def _parse_row(number: int, header: list[str], cells: list[str]) -> tuple[MembershipRow | None, list[RowError]]:
    errors: list[RowError] = []
    if len(cells) > len(header):
        extra = [c for c in cells[len(header) :] if c.strip()]
        if extra:
            errors.append(
                RowError(
                    number,
                    "",
                    _("The row has %(cells)d cells but the header names %(columns)d columns.")
                    % {
                        "cells": len(cells),
                        "columns": len(header),
                    },
                )
            )
    values = {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(header)}

    email = values.get("email", "").lower()
    if not email:
        errors.append(RowError(number, "email", _("An e-mail address is required.")))
    else:
        try:
            validate_email(email)
        except ValidationError:
            errors.append(RowError(number, "email", _("“%(value)s” is not a valid e-mail address.") % {"value": email}))

    display_name = values.get("display_name", "")
    try:
        validate_display_name(display_name)
    except ValidationError as error:
        errors.extend(RowError(number, "display_name", message) for message in error.messages)

    role = values.get("role", "").lower() or Membership.Role.MEMBER
    if role not in Membership.Role.values:
        errors.append(
            RowError(
                number,
                "role",
                _("“%(value)s” is not a role. Use one of: %(choices)s.")
                % {
                    "value": values["role"],
                    "choices": ", ".join(Membership.Role.values),
                },
            )
        )

    status = values.get("status", "").lower() or Membership.Status.ACTIVE
    if status not in Membership.Status.values:
        errors.append(
            RowError(
                number,
                "status",
                _("“%(value)s” is not a status. Use one of: %(choices)s.")
                % {
                    "value": values["status"],
                    "choices": ", ".join(Membership.Status.values),
                },
            )
        )

    vote_weight = _parse_weight(values.get("vote_weight", ""))
    if vote_weight is None:
        errors.append(
            RowError(
                number,
                "vote_weight",
                _("“%(value)s” is not a vote weight: use a number from 0 to %(max)s with at most three decimals.")
                % {
                    "value": values["vote_weight"],
                    "max": VOTE_WEIGHT_MAX,
                },
            )
        )

    valid_until = None
    if values.get("valid_until"):
        try:
            valid_until = date.fromisoformat(values["valid_until"])
        except ValueError:
            errors.append(
                RowError(
                    number,
                    "valid_until",
                    _("“%(value)s” is not a date. Write it as YYYY-MM-DD, e.g. 2027-12-31.")
                    % {
                        "value": values["valid_until"],
                    },
                )
            )

    if errors:
        return (MembershipRow(number, email, "", "", "", Decimal(0), None) if email else None), errors
    return (
        MembershipRow(
            row=number,
            email=email,
            display_name=display_name,
            role=role,
            status=status,
            vote_weight=vote_weight,
            valid_until=valid_until,
        ),
        [],
    )


def _parse_weight(value: str) -> Decimal | None:
    if not value:
        return Decimal("1")
    if "," in value and "." not in value:
        value = value.replace(",", ".")  # decimal comma, as spreadsheets write it in many locales
    try:
        weight = Decimal(value)
    except InvalidOperation:
        return None
    if not weight.is_finite() or weight < 0 or weight > VOTE_WEIGHT_MAX or weight != weight.quantize(Decimal("0.001")):
        return None
    return weight
