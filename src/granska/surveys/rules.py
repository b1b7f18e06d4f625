"""Who may do what with a review's survey and self-assessment (django-rules).

- `surveys.open_round`: the kansli or an inspector assigned to the review (and to close it, change
  its closing date).
- `surveys.invite`: the unit's contacts, and the kansli on their behalf: they enter the
  respondents.
- `surveys.view_counts`: everyone who reads the review: who was invited and how many answered per
  group, never who.
- `surveys.view_results`: the kansli and the review's inspectors: the results of the groups at or
  above the threshold, once the round has closed.
- `surveys.read_personal`: the review's inspectors alone (strict: no superuser): the free text
  and the answers of the groups that are one person (SPEC §7: "reach the inspectors only").
- `surveys.self_assess`: the unit's contacts, and the kansli on their behalf.
- `surveys.view_self_assessment`: everyone who reads the review.
"""

from granska.accounts.rules import grant, is_kansli
from granska.reviews.rules import is_assigned_inspector, is_observer_in_scope, is_unit_member

readers = is_kansli | is_observer_in_scope | is_assigned_inspector | is_unit_member

grant("surveys.open_round", is_kansli | is_assigned_inspector)
grant("surveys.invite", is_kansli | is_unit_member)
grant("surveys.view_counts", readers)
grant("surveys.view_results", is_kansli | is_assigned_inspector)
grant("surveys.read_personal", is_assigned_inspector)
grant("surveys.self_assess", is_kansli | is_unit_member)
grant("surveys.view_self_assessment", readers)
