"""Checks on built editions: the fidelity audits (the words printed are the model's) and the
external validators EPUBCheck and DAISY Ace."""
