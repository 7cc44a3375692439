from app.service.users import User
