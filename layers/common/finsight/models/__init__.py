"""Request and response models (pydantic) shared by the functions."""
