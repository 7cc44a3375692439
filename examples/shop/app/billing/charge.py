"""The one place that talks to Stripe."""
import stripe


def charge(customer: str, amount: int) -> str:
    return stripe.PaymentIntent.create(customer=customer, amount=amount, currency="eur").id
