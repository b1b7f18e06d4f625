"""The handlingsplan: the unit's plan after a final report with a D, its review by the inspectors,
the follow-up of every planned action, and the reminders that keep the dates."""
