"""The plan model (pure): desired jobs, diff, Action/Change/Plan, rendering, saved plans."""
