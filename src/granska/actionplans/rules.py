"""Who may write and decide the handlingsplan (django-rules), registered by the app's `ready()`.

- `actionplans.write_plan`: the unit's contacts write the handlingsplan and report follow-up;
  the kansli may, on the unit's behalf (a plan that came by post).
- `actionplans.decide_plan`: the kansli and the assigned inspectors accept or return the plan and
  confirm follow-up reports.
Everyone who reads the review reads its plan (`reviews.view_review`).
"""

from granska.accounts.rules import grant, is_kansli
from granska.reviews.rules import is_assigned_inspector, is_unit_member

grant("actionplans.write_plan", is_kansli | is_unit_member)
grant("actionplans.decide_plan", is_kansli | is_assigned_inspector)
