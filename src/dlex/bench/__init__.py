"""Benchmarks behind ``dlex bench``; their numbers are recorded in docs/performance.md.

For example ``dlex.bench.scratch.run(repeat=5)`` times the NumPy layers of
``dlex.scratch`` against Keras on the same CPU and returns one dict per case.
"""
