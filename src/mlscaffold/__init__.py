"""mlscaffold: generate GitHub-ready machine-learning portfolio projects."""

__version__ = "0.1.0"
