"""HTTP handler for refunds.

Someone took a shortcut here and called Stripe directly from the API layer:
ADR-0002 blocks it (see adr/0002-only-billing-talks-to-stripe.md).
"""
import stripe


def refund(payment_id: str) -> str:
    return stripe.Refund.create(payment_intent=payment_id).id
