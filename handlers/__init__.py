"""The conversations and officer tools, channel-agnostic: an inbound event in, replies out."""
