"""Pure-Python rules of the model and of the science. Nothing here imports Django."""
