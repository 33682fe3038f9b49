"""Corpus-level linking: copies, same-event groups, story threads, dates from twins."""
