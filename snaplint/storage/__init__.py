"""The user's cloud storage, read-only: listing the object keys the screenshots were written
under (how the sid of a session whose start answer was lost is learned)."""
