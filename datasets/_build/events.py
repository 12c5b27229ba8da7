"""Placeholder for the events registry builder (issue 3)."""

from __future__ import annotations


def build(research_dir, data_dir):
    return []
