from shop.orders.domain import order
