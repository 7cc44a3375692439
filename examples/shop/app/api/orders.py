"""HTTP handlers for orders: they call the service layer, never the database."""
from app.service import orders


def create_order(payload: dict) -> dict:
    return orders.place(payload["customer"], payload["items"])
