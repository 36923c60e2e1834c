"""Helpers both apps use: API paging and filters, large-list counting, PostgreSQL array literals.

No models and no rules of either app: `summits` and `commitments` may import it, it imports neither.
"""
