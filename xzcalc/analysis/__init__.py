"""The analysis of a result: what-ifs (whatif.py) and threshold advisories (advisor.py) — numbers and message ids
only, every answer a re-run of the engine; views turn them into words.

Layers: ground → schema → params/classify → rules → engine → analysis → views → batch, cli. Nothing here imports a
view; rules declare the lines (each rule module's THRESHOLDS), the advisor runs them.
"""
