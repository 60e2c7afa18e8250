"""Views: a Result (and the analyses' numbers) turned into something to read — the rich table, JSON/TOML/CSV,
the HTML report, SVG and terminal charts, the batch's closing summary.

The top layer but for batch and cli: views import the model, messages, money, params, schema and the analyses, and
nothing below imports views. labels.py holds every title and number format the views share; rich is imported only in
table.py, Jinja2 only in html.py, each inside the functions that draw (so `xzcalc --help` pays for neither).
"""
