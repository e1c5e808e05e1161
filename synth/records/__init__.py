"""Records: the schema, and the stages that load, validate, link and quote-check YAML records."""
