from app.db import models
from app.billing import invoice
