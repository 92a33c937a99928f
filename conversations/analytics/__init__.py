"""The team's analytics: aggregates over a date range for moderation leads, never a person's words or ids."""
