"""Broadcasts: the /siaran flow, audiences and the sending service."""
