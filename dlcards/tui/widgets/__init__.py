"""One widget per module, used by the screens."""
