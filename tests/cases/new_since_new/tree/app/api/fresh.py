from app.db.session import connect
