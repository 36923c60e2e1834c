"""Reading a published meeting record into a summit and draft commitments for staff to review."""
