"""CSV exports of the trainer's dashboard: the roster and the gradebook, safe to open in a spreadsheet."""

import csv
import io

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.validators import spreadsheet_text


def csv_cell(value) -> str | int:
    """A value as a CSV cell: numbers as they are, text made inert when a spreadsheet would run it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int | float):
        return value
    if hasattr(value, "isoformat"):
        return timezone.localtime(value).isoformat(timespec="minutes") if hasattr(value, "hour") else value.isoformat()
    return spreadsheet_text(str(value))


def _csv(rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return out.getvalue()


def roster_csv(roster: dict) -> str:
    """One line per enrolment, as on the roster page."""
    header = [
        _("Name"),
        _("E-mail"),
        _("Status"),
        _("Enrolled"),
        _("Lessons complete"),
        _("Lessons that count"),
        _("Progress (%)"),
        _("Last activity"),
        _("Course completed"),
    ]
    lines = [
        [
            row["learner"].get_full_name(),
            row["learner"].email,
            row["enrolment"].get_status_display(),
            row["enrolment"].enrolled_at,
            row["done"],
            row["total"],
            row["percent"],
            row["last_activity"],
            row["completed_at"],
        ]
        for row in roster["rows"]
    ]
    return _csv([header, *lines])


def gradebook_csv(gradebook: dict) -> str:
    """One line per active learner; for each graded activity its best score and whether it is passed."""
    header = [_("Name"), _("E-mail")]
    for activity in gradebook["activities"]:
        header += [
            _("%(activity)s: best score (%%)") % {"activity": activity.label},
            _("%(activity)s: passed") % {"activity": activity.label},
        ]
    header.append(_("Activities passed"))
    lines = []
    for row in gradebook["rows"]:
        line = [row["learner"].get_full_name(), row["learner"].email]
        for cell in row["cells"]:
            line += [cell.best, cell.passed if cell.attempts else ""]
        line.append(row["passed"])
        lines.append(line)
    return _csv([header, *lines])
