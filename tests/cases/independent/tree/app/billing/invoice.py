from app.db.models import Invoice
