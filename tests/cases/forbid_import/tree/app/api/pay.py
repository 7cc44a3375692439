import os
import stripe.checkout
