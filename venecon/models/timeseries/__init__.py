"""Single-series designs: ITS, intervention ARIMA, local projections, structural breaks,
HAC and fixed-b inference, and market event studies."""
