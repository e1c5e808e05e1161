"""synth: validate, cross-reference and publish evidence syntheses as a searchable knowledge base."""

__version__ = "0.1.0"
