from app.service import users
