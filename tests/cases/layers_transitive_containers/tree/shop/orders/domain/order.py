import shop.util
