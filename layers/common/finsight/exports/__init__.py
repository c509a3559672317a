"""Exports: everything a user owns, as a CSV of their transactions or a JSON of all their data, written to S3
by a worker and downloaded through a short-lived link."""
