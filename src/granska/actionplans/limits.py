"""How long what people type in the handlingsplan may be, in characters (bytes for files).

Far above what a real plan holds (the seed report's planned actions are a few hundred characters
each), and low enough to bound what the plan page, the reminders and the report cost. Each
service refuses a longer text with a message naming the field and the limit; the models' columns
are sized by the same numbers.
"""

from granska.uploads import MAX_UPLOAD_BYTES

# One planned action.
ACTION_MAX_CHARS = 5_000
# A date as written ("Våren 2027").
DATE_TEXT_MAX_CHARS = 60
# The name of a person responsible.
PERSON_MAX_CHARS = 200
# What an e-mail address may be (RFC 5321 and Django's EmailField).
EMAIL_MAX_CHARS = 254
# The inspectors' comment on the plan as a whole, and on one action, when they return it.
RETURN_COMMENT_MAX_CHARS = 5_000
# The unit's report of what was done for one action.
FOLLOWUP_TEXT_MAX_CHARS = 10_000
# The answer to a follow-up report.
DECISION_COMMENT_MAX_CHARS = 5_000
# A follow-up report's file: what a request may carry (the upload limit stops it on the way in).
MAX_ATTACHMENT_BYTES = MAX_UPLOAD_BYTES
# A file's stored name, in UTF-8 bytes: well within what file systems take for one name (255)
# and, with its folders and the suffix the storage may add, within the column's 255 characters.
ATTACHMENT_NAME_MAX_BYTES = 120
