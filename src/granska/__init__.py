"""Granska: SPUR reviews of medical specialist training, from booking to follow-up."""
