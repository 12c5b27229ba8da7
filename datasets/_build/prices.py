"""Placeholder: filled in by the prices builder."""

from __future__ import annotations


def build(raw_dir):
    return []
