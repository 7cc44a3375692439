from app.db import session
