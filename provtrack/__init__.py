"""provtrack: track how news articles change, paragraph by paragraph, with provenance."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
