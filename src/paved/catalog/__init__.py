"""The service catalog: Backstage-shaped entities of what Paved manages."""
