"""A user's categories: the twelve defaults (renamed or hidden for themselves) and their own, one level deep.

Transactions, budgets, recurring expenses and rules store a category by its name as the user sees it, so
nothing is mapped when reading; renaming or deleting one re-files what used the old name (`refile`), and the
old name stays an alias of the new one, so a client or a chat message still using it is understood.
"""
