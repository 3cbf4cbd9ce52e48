"""The dashboard's pages: one function each; the logic lives in ``network/``."""
