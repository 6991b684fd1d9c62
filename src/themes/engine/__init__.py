"""How a run runs: pipeline configs and run options, the local and the Dask engine, row blocks,
memory, and where bundled resources live."""
