"""Several nodes behind a balancer: topology, HAProxy configuration, the local cluster of `iopbot run --nodes N`."""
