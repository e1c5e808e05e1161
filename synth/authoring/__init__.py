"""Authoring tools: new records, formatting, JSON Schemas, imports and the contributor guide."""
