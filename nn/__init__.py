"""nn: neural-network building blocks on `autodiff.Value`."""
