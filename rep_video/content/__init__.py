"""Approved content: the catalog of MLR-approved items a rep may attach."""

from rep_video.content.catalog import Catalog, default_catalog_path, load_catalog
from rep_video.content.model import (
    Audience,
    Availability,
    CatalogError,
    CatalogProblem,
    ContentItem,
)

__all__ = [
    "Audience",
    "Availability",
    "Catalog",
    "CatalogError",
    "CatalogProblem",
    "ContentItem",
    "default_catalog_path",
    "load_catalog",
]
