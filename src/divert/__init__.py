"""divert: diversion of drug-possession cases, with the policy written down as code."""

__version__ = "0.1.0"
