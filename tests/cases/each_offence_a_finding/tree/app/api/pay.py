import stripe

import stripe.api

from stripe.webhooks import verify
import stripe  # again: the same finding
