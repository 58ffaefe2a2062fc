"""Helpers the whole team's tests share."""
