"""Review dates: a record may say when it was last reviewed (`reviewed: YYYY-MM-DD`); warn when that is long ago.

The check is off unless an age is given (`synth check --review-age DAYS`, or the plugin's `review_age`).
"Today" is the day `SOURCE_DATE_EPOCH` names when it is set, so a reproducible build warns the same way
every time; otherwise it is the current date.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterable

from synth.errors import Diagnostic
from synth.records.validate import ValidRecord


def review_today() -> datetime.date:
    """The date reviews are measured against: `SOURCE_DATE_EPOCH`'s day (UTC) when set, else today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), datetime.UTC).date()
    return datetime.date.today()


def overdue_reviews(records: Iterable[ValidRecord], max_age_days: int,
                    today: datetime.date | None = None) -> list[Diagnostic]:
    """A warning for every record whose `reviewed` date is more than ``max_age_days`` before ``today``."""
    today = today or review_today()
    problems = []
    for record in records:
        reviewed = getattr(record.model, "reviewed", None)
        if not isinstance(reviewed, datetime.date):
            continue
        age = (today - reviewed).days
        if age > max_age_days:
            problems.append(Diagnostic(
                "record.review-overdue", f"last reviewed on {reviewed.isoformat()}, {age} days ago "
                f"(more than {max_age_days})", record.raw.locate(("reviewed",)), record.id,
                "review the record against its source, then set 'reviewed:' to today's date", "warning"))
    return problems
