"""Who may import earlier reports (django-rules).

- `imports.import`: the kansli, on the command line and on the import page: an imported review
  is the kansli's record of history, and the files may hold anything.
"""

from granska.accounts.rules import grant, is_kansli

grant("imports.import", is_kansli)
