"""Approved content: the catalog of MLR-approved items a rep may attach."""
