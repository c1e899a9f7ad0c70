"""The monthly practice report (`praxis-report`): evidence per practice from the query API.

Not an exporter: it reads any Prometheus-compatible query API. Layout: `period` (which
time span), `queries` (every PromQL expression, as data), `client` (HTTP), `collect`
(runs the queries), `build` (pure: query results -> `model.Report`), `render` / `svg`
(pure: model -> HTML), `pdf` (headless Chromium), `texts` (every word, de and en).
"""
