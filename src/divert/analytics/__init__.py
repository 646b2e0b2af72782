"""Measuring what happened and what a policy would change: outcomes, disparity, impact, report."""
