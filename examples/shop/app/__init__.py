"""A tiny shop: api (HTTP) → service (use cases) → db (storage); billing talks to Stripe."""
