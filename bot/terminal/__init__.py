"""The terminal chat and its rich rendering."""
