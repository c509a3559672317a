"""Bank statement imports: a file uploaded to S3 read into expenses (CSV, OFX/QFX, QIF), categorised like AI
entries, never duplicated."""
