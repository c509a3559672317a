"""Recurring expenses: rules (rent on the last day of each month, a yearly subscription) that a schedule turns
into transactions as they come due, each exactly once."""
