"""The local gateway: runs template.yaml's HTTP API and SQS event sources in-process (dev only)."""
