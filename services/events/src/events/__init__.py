"""The events subgraph: the platform's application event log and its search."""
