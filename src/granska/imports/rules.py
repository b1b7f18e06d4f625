"""Who may import earlier reports: the kansli (the command acts as one of them, the page is
theirs)."""

from granska.accounts.rules import grant, is_kansli

grant("imports.import", is_kansli)
