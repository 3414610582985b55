"""Rule evaluations: each module judges one family of rules and returns findings."""
