"""Notices: what happened in a review, told to the person who must act on it, on their home page
and once by e-mail."""
