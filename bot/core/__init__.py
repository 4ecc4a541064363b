"""The channel-agnostic conversation core: no Slack, no terminal imports."""
