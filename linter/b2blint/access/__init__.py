"""The access simulator: sign-in and invitation verdicts, access diffs, policy tests."""
