"""The conversation core: messages, the router, turns, flows, payloads, texts."""
