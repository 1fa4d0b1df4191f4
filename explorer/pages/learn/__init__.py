"""The *Learn* section: cost & DP table, Bellman step-through, min^γ, γ explorer."""
