"""What every model family shares: the results protocol, input checks, BLAS threads."""
