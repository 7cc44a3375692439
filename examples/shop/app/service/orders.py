"""Use cases for orders: persist through db, charge through billing."""
from app.billing import charge
from app.db import models, session


def place(customer: str, items: list) -> dict:
    order = models.Order(customer=customer, items=items)
    session.save(order)
    charge.charge(customer, sum(item["price"] for item in items))
    return {"id": order.id}
