"""Bundled, curated and versioned datasets: catalogue, loading and citation."""

from .catalogue import cite, datasets, describe
from .load import load

__all__ = ["cite", "datasets", "describe", "load"]
