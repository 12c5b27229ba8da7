"""Placeholder: filled in by the macro builder."""

from __future__ import annotations


def build(raw_dir):
    return []
