"""The scheduler's rules, pure: pacing, job building, outcomes."""
