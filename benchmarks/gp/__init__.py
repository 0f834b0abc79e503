"""The GP engine's benchmark harness: problems, methods, and the runs that compare them."""
