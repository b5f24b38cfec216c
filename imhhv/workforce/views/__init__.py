"""Pages of the workforce app: thin adapters over `queries` and `services`."""
