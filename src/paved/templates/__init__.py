"""Golden-path templates: finding and loading them (`library`), rendering a service's first commit
(`scaffolding`).
"""
