from app.billing import charge
