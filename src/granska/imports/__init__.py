"""Import of earlier SPUR reports (SPEC §8): PDF or text into reviews marked *importerad*.

`parsed` holds what a report says as plain data (the JSON contract of `granska import`);
`text` and `report` read a text into it, `pdf` a PDF (its text and its grade grid); `catalog`
matches criteria against a protocol's texts. None of those touch the database. `services`
stores a parsed report as a review through the services below it."""
