"""Outputs: the report, the exports, the return template and the batch build, written
from an analysis."""
