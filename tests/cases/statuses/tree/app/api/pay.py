import stripe
