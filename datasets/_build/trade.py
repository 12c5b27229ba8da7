"""Placeholder: filled in by the trade builder."""

from __future__ import annotations


def build(raw_dir):
    return []
