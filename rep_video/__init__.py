"""RepVideo core: media, approved content, shares and the share server. Never imports Qt."""

__version__ = "0.1.0"
