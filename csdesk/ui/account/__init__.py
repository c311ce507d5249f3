"""The tabs of the account workspace."""
