"""Outputs of a Scorecard: HTML report, Excel workbooks, self-assessment forms and plots."""
