"""Text stage: sentences/clauses (the unit every annotation works on), then embeddings and feelings."""
