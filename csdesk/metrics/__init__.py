"""The field's key metrics: revenue and retention, voice of customer, time to value (DOMAIN.md).

Pure functions over plain dataclasses: the service loads a :class:`MetricInputs` from the
store, :func:`compute_metrics` and :func:`compute_churn` turn it into view models that the
command line, the window and the PDF portfolio summary all render.
"""

from csdesk.metrics.churn import ChurnReport, compute_churn
from csdesk.metrics.compute import GROUPINGS, compute_metrics
from csdesk.metrics.inputs import MetricInputs
from csdesk.metrics.periods import Period, parse_period
from csdesk.metrics.results import Metric, MetricGroup, MetricsReport

__all__ = [
    "GROUPINGS",
    "ChurnReport",
    "Metric",
    "MetricGroup",
    "MetricInputs",
    "MetricsReport",
    "Period",
    "compute_churn",
    "compute_metrics",
    "parse_period",
]
