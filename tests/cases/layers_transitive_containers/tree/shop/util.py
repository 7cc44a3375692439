from shop.orders.adapters import sql
