"""`python -m demos`: run every demo."""

print("no demos yet")
