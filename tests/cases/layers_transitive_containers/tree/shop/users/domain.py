from shop.orders import adapters
