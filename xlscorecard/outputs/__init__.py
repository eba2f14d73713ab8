"""What the pipeline writes: the scorecard workbook (``scorecard/``), the records file, the
return form sent to services, and the atomic replacement every output goes through."""
