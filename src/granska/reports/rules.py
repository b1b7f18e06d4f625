"""Who may read the report and take part in its faktagranskning (django-rules), registered by the
app's `ready()`.

- `reports.view_report`: the report (HTML, PDF, Word). A draft: the kansli, the assigned
  inspectors, and the unit's contacts while it is in faktagranskning. From the final report on:
  everyone who may read the review.
- `reports.comment_draft`: the unit's contacts (and the kansli, on their behalf) comment on the
  draft while it is in faktagranskning; `reports.answer_comment`: the kansli and the assigned
  inspectors answer.
"""

from granska.accounts.rules import grant, is_kansli
from granska.reviews.rules import (
    has_final_report,
    is_assigned_inspector,
    is_in_fact_check,
    is_observer_in_scope,
    is_unit_member,
)

grant("reports.comment_draft", (is_kansli | is_unit_member) & is_in_fact_check)
grant("reports.answer_comment", is_kansli | is_assigned_inspector)
grant(
    "reports.view_report",
    is_kansli
    | is_assigned_inspector
    | (is_unit_member & is_in_fact_check)
    | (has_final_report & (is_observer_in_scope | is_unit_member)),
)
