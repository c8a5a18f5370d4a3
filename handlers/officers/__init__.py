"""Officer tools: roles, numbers and charts, exports."""
