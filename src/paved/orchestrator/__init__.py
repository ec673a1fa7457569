"""The orchestrator, the only user of DBOS: durable workflows, steps, retries and compensation.

The edges call `paved.orchestrator.submitting` and never import DBOS themselves.
"""
