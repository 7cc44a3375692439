from shop.users import domain
