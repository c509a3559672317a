"""Repositories: every MongoDB read and write, behind small classes the use cases call."""
