"""Coding with a researcher's codebook: the codebook (YAML, CSV, REFI-QDA .qdc), the code model,
the coded tables, and agreement with human coders."""
