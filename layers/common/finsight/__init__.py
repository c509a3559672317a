"""FinSight common layer: configuration, data access, HTTP envelope and shared use cases."""
