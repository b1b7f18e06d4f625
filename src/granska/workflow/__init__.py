"""The writes that span apps: the lifecycle's moves, issuing the final report, opening and
accepting the handlingsplan, closing the review after the follow-up. Pages, the demo, commands
and (later) the API call these; the apps below never call up into here."""
