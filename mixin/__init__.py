"""The monitoring mixin: rules and dashboards for a Prometheus whose jobs and labels are not ours.

`python -m mixin --config my.yml --out DIR` writes `DIR/alerting-rules/` and `DIR/dashboards/`
from the committed files (which are this generator's output with `mixin/config.yml`).
"""
