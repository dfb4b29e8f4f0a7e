"""Per-area mixins that make up :class:`empathic.Workspace`."""
