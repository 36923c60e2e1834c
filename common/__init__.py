"""Helpers both apps use: API paging and filters, large-list counting, PostgreSQL array literals, and
the client's address behind the proxies the operator trusts (clientip).

No models and no rules of either app: `summits` and `commitments` may import it, it imports neither.
"""
